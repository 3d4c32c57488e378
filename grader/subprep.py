"""Submission preparation helpers for grader/grade.ts (run with the project's .venv python).

  subprep.py unzip <zip> <dest>      safe extraction: rejects absolute paths, `..`, symlinks
  subprep.py validate <nb>...        nbformat validation; prints {path: null | "message"}
"""
import json
import os
import stat
import sys
import zipfile


def unzip(src, dest):
    try:
        zf = zipfile.ZipFile(src)
    except Exception as e:
        print(json.dumps({"ok": False, "error": "not a valid zip file: %s" % e}))
        return
    bad = []
    total = 0
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith("/") or name.startswith("\\") or (len(name) > 1 and name[1] == ":") or ".." in parts:
            bad.append(name)
        elif stat.S_ISLNK(info.external_attr >> 16):
            bad.append(name + " (symlink)")
        total += info.file_size
    if bad:
        print(json.dumps({"ok": False, "error": "zip rejected: unsafe entry path(s): " + ", ".join(bad[:5])}))
        return
    if total > 512 * 1024 * 1024:
        print(json.dumps({"ok": False, "error": "zip rejected: more than 512 MB uncompressed"}))
        return
    zf.extractall(dest)
    print(json.dumps({"ok": True}))


def validate(paths):
    import nbformat
    out = {}
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                raw = json.load(f)
        except Exception as e:
            out[p] = "not a valid notebook: the file is not JSON (%s)" % e
            continue
        if not isinstance(raw, dict) or "nbformat" not in raw:
            out[p] = "not a valid notebook: no nbformat version"
            continue
        if raw.get("nbformat") != 4:
            out[p] = "unsupported notebook format nbformat %s (nbformat 4 is required; re-save it with JupyterLab)" % raw.get("nbformat")
            continue
        try:
            nb = nbformat.reads(json.dumps(raw), as_version=4)
            nbformat.validate(nb)
            out[p] = None
        except Exception as e:
            out[p] = "invalid notebook: %s" % str(e).splitlines()[0][:300]
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "unzip":
        unzip(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "validate":
        validate(sys.argv[2:])
