"""Submission files: safe unzip, nbformat validation, zip (release and Gradescope bundles)."""
import json
import os
import stat
import sys
import zipfile

MAX_UNZIPPED = 512 * 1024 * 1024
MAX_ENTRIES = 20000


def unzip(req):
    """{"zip", "dest"} -> {"ok": true} | {"ok": false, "error"}: rejects absolute paths, `..`,
    symlinks, more than MAX_ENTRIES entries or MAX_UNZIPPED bytes."""
    try:
        zf = zipfile.ZipFile(req["zip"])
    except Exception as e:
        return {"ok": False, "error": "not a valid zip file: %s" % e}
    bad = []
    total = 0
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        return {"ok": False, "error": "zip rejected: more than %d entries" % MAX_ENTRIES}
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith("/") or name.startswith("\\") or (len(name) > 1 and name[1] == ":") or ".." in parts:
            bad.append(name)
        elif stat.S_ISLNK(info.external_attr >> 16):
            bad.append(name + " (symlink)")
        total += info.file_size
    if bad:
        return {"ok": False, "error": "zip rejected: unsafe entry path(s): " + ", ".join(bad[:5])}
    if total > MAX_UNZIPPED:
        return {"ok": False, "error": "zip rejected: more than %d MB uncompressed" % (MAX_UNZIPPED >> 20)}
    try:
        zf.extractall(req["dest"])
    except Exception as e:
        return {"ok": False, "error": "zip could not be extracted: %s" % e}
    return {"ok": True}


def _nbformat():
    # jsonschema's optional rfc3987-syntax builds a parser at import time (1.6 s here); nbformat's
    # schema doesn't need it.
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    return nbformat


def validate(req):
    """{"notebooks": [path...]} -> {"problems": {path: null | message}}"""
    out = {}
    nbformat = None
    for p in req["notebooks"]:
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
        nbformat = nbformat or _nbformat()
        try:
            nb = nbformat.reads(json.dumps(raw), as_version=4)
            nbformat.validate(nb)
            out[p] = None
        except Exception as e:
            out[p] = "invalid notebook: %s" % str(e).splitlines()[0][:300]
    return {"problems": out}


def zip_dir(req):
    """{"dir", "zip", "prefix"?}: zips dir's files (modes kept, symlinks followed) under prefix/."""
    src = req["dir"]
    prefix = req.get("prefix") or ""
    tmp = req["zip"] + ".tmp"
    n = 0
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for base, dirs, files in os.walk(src, followlinks=True):
            dirs.sort()
            for f in sorted(files):
                full = os.path.join(base, f)
                arc = os.path.join(prefix, os.path.relpath(full, src)) if prefix else os.path.relpath(full, src)
                z.write(full, arc)
                n += 1
    os.replace(tmp, req["zip"])
    return {"ok": True, "files": n}
