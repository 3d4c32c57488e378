"""The grader's one boundary to Python (called by grader/python.ts).

    python grader/py/helper.py < request.json > response.json

A request is one JSON object {"op": ..., ...}; the response is one JSON object on stdout;
progress lines go to stderr. Ops:
    run       execute notebooks / hidden-test cells in tslab kernels (driver.py)
    unzip     safe extraction of a submission zip (files.py)
    validate  nbformat validation of notebooks (files.py)
    zip       zip a directory (files.py)
"""
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def progress(line):
    sys.stderr.write("[progress] %s\n" % line)
    sys.stderr.flush()


def main():
    try:  # die with the grader (its kernels die with us)
        import ctypes
        import signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    req = json.load(sys.stdin)
    op = req.get("op")
    try:
        if op == "run":
            import driver
            res = driver.run(req, progress)
        elif op in ("unzip", "validate", "zip"):
            import files
            res = {"unzip": files.unzip, "validate": files.validate, "zip": files.zip_dir}[op](req)
        else:
            res = {"helper_error": "unknown op %r" % op}
    except Exception as e:
        res = {"helper_error": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()[-3000:]}
    out = json.dumps(res)
    sys.stdout.write(out)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
