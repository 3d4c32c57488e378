"""Headless notebook runner for the grader (driven by grader/runNotebook.ts).

Protocol library: jupyter_client (BlockingKernelClient) rather than nbclient, because we need
per-message control that nbclient hides: tslab reports errors only as text on the stderr stream
with a bare `status: error` execute_reply (no ename/evalue), it answers cells that arrive within
~200 ms after an error with `status: aborted` (we wait 300 ms after an error and resend an aborted
cell once). On a per-cell timeout we first interrupt (SIGINT: tslab rejects a pending await, and the
kernel keeps its state); if the cell doesn't stop within INTERRUPT_GRACE seconds (a synchronous busy
loop can't be interrupted in Node), or the kernel died, we restart the kernel and keep going with the
following cells instead of stopping the whole notebook.

Input: one JSON object on stdin:
  {"notebook": path | null, "cells": [source, ...] | null, "root": dir, "env": {..},
   "timeout_cell": s, "timeout_total": s, "result": path, "output_notebook": path | null,
   "startup_timeout": s}
Output: JSON written to `result` (not stdout: the kernel shares our stdout/stderr).
"""
import json
import os
import re
import sys
import tempfile
import time
import queue

CHECK_MIME = "application/vnd.cs231n.check+json"
INTERRUPT_GRACE = 3.0  # seconds a timed-out cell gets to stop after SIGINT before the kernel is restarted


def parse_error(stderr_text):
    """Extracts (name, message) from tslab's stderr text."""
    text = stderr_text.strip()
    if not text:
        return "Error", "cell failed (no error text)"
    lines = [l for l in text.splitlines() if l.strip()]
    # Runtime errors: "Error: message\n    at ..." or "TypeError: ..." (possibly after other lines).
    for i, l in enumerate(lines):
        m = re.match(r"^\s*(?:Uncaught\s+)?([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: ?(.*)$", l)
        if m:
            msg = m.group(2)
            # keep continuation lines of a multi-line message, up to the stack
            for l2 in lines[i + 1:]:
                if re.match(r"^\s+at ", l2):
                    break
                msg += "\n" + l2
            return m.group(1), msg.strip()
    # Compile (type) errors: "1:7 - Type 'string' is not assignable to type 'number'."
    comp = [l.strip() for l in lines if re.match(r"^\s*\d+:\d+ - ", l)]
    if comp:
        return "TypeScriptError", "\n".join(comp)
    return "Error", "\n".join(lines[:5])


def main():
    cfg = json.load(sys.stdin)
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    import nbformat

    root = os.path.abspath(cfg["root"])
    timeout_cell = float(cfg.get("timeout_cell") or 120)
    timeout_total = float(cfg.get("timeout_total") or 3600)
    startup_timeout = float(cfg.get("startup_timeout") or 60)
    result_path = cfg["result"]

    nb = None
    if cfg.get("notebook"):
        nb = nbformat.read(cfg["notebook"], as_version=4)
        cells = nb.cells
    else:
        cells = [nbformat.v4.new_code_cell(s) for s in cfg.get("cells") or []]

    # Kernel "tslab" from a temporary kernelspec dir: same command as the project's kernelspec
    # (.venv/share/jupyter/kernels/tslab) but with the kernel's cwd = `root`, which may be a
    # submission's copy with its own lib/.
    kdir = tempfile.mkdtemp(prefix="cs231n-kspec-")
    os.makedirs(os.path.join(kdir, "tslab"))
    env = {"TF_CPP_MIN_LOG_LEVEL": "2"}
    env.update(cfg.get("env") or {})
    with open(os.path.join(kdir, "tslab", "kernel.json"), "w") as f:
        json.dump({
            "argv": ["sh", "-c", 'cd "$1" && exec "$1/node_modules/.bin/tslab" kernel --config-path "$0"',
                     "{connection_file}", root],
            "display_name": "TypeScript (grader)", "language": "typescript", "env": env}, f)
    ksm = KernelSpecManager()
    ksm.kernel_dirs = [kdir]

    t_start = time.time()
    outcomes = []
    checks = []
    km = None
    kc = None
    restarts = 0

    def start():
        nonlocal km, kc
        km = KernelManager(kernel_name="tslab", kernel_spec_manager=ksm)
        km.start_kernel(cwd=root)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=startup_timeout)

    def stop():
        nonlocal km, kc
        try:
            if kc:
                kc.stop_channels()
        except Exception:
            pass
        try:
            if km:
                km.shutdown_kernel(now=True)
        except Exception:
            pass
        km = None
        kc = None

    def run_cell(code, deadline, interruptible):
        """Returns (status, outputs, stderr_text, checks).
        status: ok|error|aborted|timeout|interrupted|died. On a timeout of an interruptible cell the
        kernel is first sent SIGINT (tslab rejects the pending await); if it answers within
        INTERRUPT_GRACE seconds the cell is "interrupted" and the kernel keeps its state, else "timeout"
        (the caller restarts the kernel: a synchronous busy loop can't be interrupted in Node)."""
        msg_id = kc.execute(code, store_history=True, allow_stdin=False)
        outputs, found, stderr = [], [], []
        reply = None
        idle = False
        interrupted = False
        while True:
            now = time.time()
            if now > deadline:
                if interruptible and not interrupted:
                    interrupted = True
                    try:
                        km.interrupt_kernel()
                    except Exception:
                        return "timeout", outputs, "".join(stderr), found
                    deadline = now + INTERRUPT_GRACE
                else:
                    return "timeout", outputs, "".join(stderr), found
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                msg = None
            if msg is not None and msg.get("parent_header", {}).get("msg_id") == msg_id:
                t = msg["msg_type"]
                c = msg["content"]
                if t == "status" and c.get("execution_state") == "idle":
                    idle = True
                elif t == "stream":
                    if c.get("name") == "stderr":
                        stderr.append(c.get("text", ""))
                    if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1]["name"] == c["name"]:
                        outputs[-1]["text"] += c.get("text", "")
                    else:
                        outputs.append(nbformat.v4.new_output("stream", name=c["name"], text=c.get("text", "")))
                elif t in ("display_data", "execute_result"):
                    data = c.get("data", {})
                    if CHECK_MIME in data:
                        found.append(data[CHECK_MIME])
                    if t == "display_data":
                        outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=c.get("metadata", {})))
                    else:
                        outputs.append(nbformat.v4.new_output("execute_result", data=data, metadata=c.get("metadata", {}),
                                                              execution_count=c.get("execution_count")))
                elif t == "update_display_data":
                    data = c.get("data", {})
                    if CHECK_MIME in data:
                        found.append(data[CHECK_MIME])
                elif t == "error":
                    stderr.append("%s: %s\n" % (c.get("ename", "Error"), c.get("evalue", "")))
                    outputs.append(nbformat.v4.new_output("error", ename=c.get("ename", "Error"),
                                                          evalue=c.get("evalue", ""), traceback=c.get("traceback", [])))
            if reply is None:
                try:
                    r = kc.get_shell_msg(timeout=0.01)
                    if r.get("parent_header", {}).get("msg_id") == msg_id:
                        reply = r
                except queue.Empty:
                    pass
            if reply is not None and idle:
                st = reply["content"].get("status", "error")
                return ("interrupted" if interrupted else st), outputs, "".join(stderr), found
            if msg is None and not km.is_alive():
                return "died", outputs, "".join(stderr), found

    def exit_code():
        try:
            p = km.provisioner.process
            rc = p.poll()
            if rc is None:
                return "?"
            return ("signal %d" % -rc) if rc < 0 else str(rc)
        except Exception:
            return "?"

    killed_total = False
    try:
        start()
    except Exception as e:
        with open(result_path, "w") as f:
            json.dump({"ok": False, "error": "kernel failed to start: %s" % e, "cells": [], "checks": [],
                       "seconds": time.time() - t_start}, f)
        stop()
        return

    code_index = 0
    for idx, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        code_index += 1
        src = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        rec = {"index": idx, "codeIndex": code_index, "status": "ok", "seconds": 0.0, "source": src}
        if killed_total:
            rec["status"] = "aborted"
            rec["error"] = {"name": "TotalTimeout", "message": "not run: the notebook exceeded its total time limit of %gs" % timeout_total}
            outcomes.append(rec)
            continue
        if not src.strip():
            outcomes.append(rec)
            continue
        if km is None:
            try:
                start()
                restarts += 1
            except Exception as e:
                rec["status"] = "died"
                rec["error"] = {"name": "KernelDied", "message": "kernel could not be restarted: %s" % e}
                outcomes.append(rec)
                continue
        t0 = time.time()
        deadline = min(t0 + timeout_cell, t_start + timeout_total)
        cell_deadline = t0 + timeout_cell < t_start + timeout_total
        status, outputs, stderr, found = run_cell(src, deadline, cell_deadline)
        if status == "aborted":
            time.sleep(0.3)
            status, outputs, stderr, found = run_cell(src, deadline, cell_deadline)
        rec["seconds"] = round(time.time() - t0, 3)
        rec["status"] = status
        if status == "error":
            name, message = parse_error(stderr)
            rec["error"] = {"name": name, "message": message}
            time.sleep(0.3)
        elif status == "interrupted":
            rec["status"] = "timeout"
            rec["error"] = {"name": "Timeout", "message": "cell exceeded the per-cell time limit of %gs and was interrupted "
                            "(the kernel kept its state)" % timeout_cell}
            time.sleep(0.3)
        elif status == "timeout":
            total_hit = time.time() >= t_start + timeout_total - 0.01
            if total_hit:
                rec["error"] = {"name": "TotalTimeout", "message": "the notebook exceeded its total time limit of %gs" % timeout_total}
                killed_total = True
            else:
                rec["error"] = {"name": "Timeout", "message": "cell exceeded the per-cell time limit of %gs and did not stop when "
                                "interrupted; the kernel was restarted, so later cells start without this notebook's "
                                "earlier variables" % timeout_cell}
            stop()
        elif status == "died":
            rec["error"] = {"name": "KernelDied", "message": "the kernel died while running this cell (exit code %s); it was restarted"
                            % exit_code()}
            if stderr.strip():
                rec["error"]["message"] += "; stderr: " + stderr.strip()[-300:]
            stop()
        elif status == "aborted":
            rec["error"] = {"name": "Aborted", "message": "the kernel aborted this cell twice"}
        for ch in found:
            checks.append({"id": ch.get("id"), "value": ch.get("value"), "shape": ch.get("shape"), "cell": idx})
        cell.outputs = outputs
        cell.execution_count = code_index
        outcomes.append(rec)
    stop()

    if cfg.get("output_notebook") and nb is not None:
        nbformat.write(nb, cfg["output_notebook"])
    with open(result_path, "w") as f:
        json.dump({"ok": True, "cells": outcomes, "checks": checks, "restarts": restarts,
                   "seconds": round(time.time() - t_start, 3)}, f)


if __name__ == "__main__":
    main()
