"""Kernel driver: runs cells in a tslab kernel over the Jupyter protocol and records what happened.

The driver runs OUTSIDE the sandbox; only the kernel runs inside it. It starts the kernel itself
(the launch command comes from grader/sandbox.ts), talks to it over ZeroMQ with the `ipc`
transport (Unix sockets: the kernel binds them inside its own scratch directory and the driver
reaches them through /proc/<sandbox pid>/root, so nothing of the driver is visible to the kernel),
and returns its results on its own stdout, which the kernel cannot write to.

tslab 1.0.22 facts this relies on:
- it builds socket addresses as `ipc://<ip>:<port>` (jupyter_client uses `<ip>-<port>`);
- errors come only as text on the stderr stream with a bare `status: error` execute_reply;
- cells that arrive within ~200 ms after an error are answered status `abort`, unrun (we wait and resend);
- SIGINT rejects a pending await (the kernel keeps its state); a synchronous loop can't be stopped;
- its IOPub socket drops messages when the reader falls behind (ZeroMQ PUB high-water mark), so a
  cell is finished when its execute_reply arrives, even if its final `idle` status was dropped.
"""
import ctypes
import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time

import zmq
from jupyter_client.session import Session

CHECK_MIME = "application/vnd.cs231n.check+json"
CHECK_MIME_B = CHECK_MIME.encode()
INTERRUPT_GRACE = 3.0  # seconds a timed-out cell gets to stop after SIGINT before the kernel is restarted
# tslab resets its queue 200 ms after an error, scheduled before it sends the error's execute_reply,
# and aborts what arrives before. The kernels run with CS231N_HEADLESS=1, and once the course library
# is loaded (lib/tslabHeadless.ts) the queue resets at once, so the next cell goes right away. Before
# that (or if the library failed to load) a cell arriving too early is answered `aborted` at once and
# resent after ERROR_PAUSE: sending at once costs at most one round trip.
ERROR_PAUSE = 0.3
ABORT_RETRIES = 3
DRAIN_AFTER_REPLY = 1.0  # at most this long for late IOPub messages once the execute_reply is in
POLL = 0.05


def parse_error(stderr_text):
    """(name, message) from tslab's stderr text."""
    text = stderr_text.strip()
    if not text:
        return "Error", "cell failed (no error text)"
    lines = [l for l in text.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        m = re.match(r"^\s*(?:Uncaught\s+)?([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: ?(.*)$", l)
        if m:
            msg = m.group(2)
            for l2 in lines[i + 1:]:
                if re.match(r"^\s+at ", l2):
                    break
                msg += "\n" + l2
            return m.group(1), msg.strip()[:4000]
    comp = [l.strip() for l in lines if re.match(r"^\s*\d+:\d+ - ", l)]
    if comp:
        return "TypeScriptError", "\n".join(comp)[:4000]
    return "Error", "\n".join(lines[:5])[:4000]


def _prctl(option, arg):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)
    except Exception:
        pass


def die_with_parent():
    """PR_SET_PDEATHSIG: SIGKILL when the parent (the grader, or this driver) dies."""
    _prctl(1, signal.SIGKILL)


def become_subreaper():
    """Orphans of a killed sandbox are re-parented to us (not to the host's init), so we reap them
    and a process cap's count drops before the next kernel starts."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def empty_groups(members, timeout=10.0):
    """Kills what is left in the kernel's cgroups (cgroup.procs files) and waits until they are empty."""
    end = time.time() + timeout
    while True:
        pids = []
        for f in members:
            try:
                with open(f) as fh:
                    pids += [int(x) for x in fh.read().split()]
            except (OSError, ValueError):
                pass
        reap()
        if not pids or time.time() > end:
            return
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)


def mb(n):
    return "%.1f MB" % (n / 1e6)


class Limits:
    def __init__(self, cfg):
        self.output_cell = int(cfg.get("output_cell") or 1_000_000)
        self.output_notebook = int(cfg.get("output_notebook") or 10_000_000)
        self.check_elements = int(cfg.get("check_elements") or 1_000_000)
        self.check_chars = int(cfg.get("check_chars") or 1_000_000)
        self.check_bytes_total = int(cfg.get("check_bytes_total") or 200_000_000)
        self.disk_mb = cfg.get("disk_mb")


class Probe:
    """A `key N` counter in a cgroup file (pids.events `max`, memory.events / memory.oom_control
    `oom_kill`) whose increase means a limit was hit."""

    def __init__(self, spec):
        self.file, self.key, self.name, self.message = spec["file"], spec["key"], spec["name"], spec["message"]
        self.base = self.read()

    def read(self):
        try:
            with open(self.file) as f:
                for line in f:
                    k, _, v = line.partition(" ")
                    if k == self.key:
                        return int(v)
        except (OSError, ValueError):
            pass
        return 0

    def reset(self):
        self.base = self.read()

    def hit(self):
        n = self.read()
        if n > self.base:
            self.base = n
            return True
        return False


class Kernel:
    def __init__(self, launch, startup_timeout):
        self.launch = launch
        self.startup_timeout = startup_timeout
        self.proc = None
        self.ctx = None
        self.sandbox_pid = None
        self.stderr_tail = b""

    def start(self):
        L = self.launch
        key = secrets.token_hex(16)
        self.session = Session(key=key.encode(), signature_scheme="hmac-sha256")
        conn = {"transport": "ipc", "ip": L["ip"], "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4,
                "hb_port": 5, "key": key, "signature_scheme": "hmac-sha256", "kernel_name": "tslab"}
        for p in range(1, 6):  # sockets of an earlier kernel of this session (unsandboxed runs share the dir)
            try:
                os.unlink("%s:%d" % (L["connect_ip"], p))
            except OSError:
                pass
        fd = os.open(L["connection_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w") as f:
            json.dump(conn, f)
        argv = list(L["argv"])
        r = w = None
        if L.get("info_fd"):
            r, w = os.pipe()
            argv = [a.replace("{info_fd}", str(w)) for a in argv]
        self.proc = subprocess.Popen(argv, cwd=L.get("cwd"), env=L["env"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, pass_fds=[w] if w is not None else [], start_new_session=True,
                                     preexec_fn=die_with_parent)
        threading.Thread(target=self._tail, daemon=True).start()
        pid = None
        if w is not None:
            os.close(w)
            buf = b""
            while True:
                chunk = os.read(r, 4096)
                if not chunk:
                    break
                buf += chunk
            os.close(r)
            try:
                pid = json.loads(buf.decode())["child-pid"]
            except Exception:
                self.proc.wait(timeout=10)
                raise RuntimeError("the sandbox did not start: %s" % self.stderr_text())
        self.sandbox_pid = pid
        ip = L["connect_ip"].replace("{pid}", str(pid))
        self.ctx = zmq.Context()
        self.shell = self.ctx.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect("ipc://%s:1" % ip)
        self.iopub = self.ctx.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.setsockopt(zmq.RCVHWM, 0)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect("ipc://%s:2" % ip)
        t0 = time.time()
        while True:
            msg_id = self.session.send(self.shell, "kernel_info_request", {})["header"]["msg_id"]
            t1 = time.time()
            while time.time() - t1 < 0.5:
                if self.shell.poll(100):
                    m = self.recv_shell()
                    if m and m["parent_header"].get("msg_id") == msg_id:
                        self._drain_iopub(0.1)
                        return
                if not self.alive():
                    raise RuntimeError("the kernel exited while starting (exit %s)%s" % (self.exit_desc(), self.stderr_note()))
            if time.time() - t0 > self.startup_timeout:
                raise RuntimeError("the kernel did not answer within %gs%s" % (self.startup_timeout, self.stderr_note()))

    def _tail(self):
        p = self.proc
        try:
            while True:
                chunk = p.stderr.read1(65536) if hasattr(p.stderr, "read1") else p.stderr.read(65536)
                if not chunk:
                    return
                self.stderr_tail = (self.stderr_tail + chunk)[-4000:]
        except Exception:
            return

    def stderr_text(self):
        return self.stderr_tail.decode("utf8", "replace").strip()[-600:]

    def stderr_note(self):
        t = self.stderr_text()
        return ("; stderr: " + t) if t else ""

    def _drain_iopub(self, secs):
        end = time.time() + secs
        while time.time() < end and self.iopub.poll(20):
            self.iopub.recv_multipart()

    def recv_shell(self):
        try:
            _, msg = self.session.feed_identities(self.shell.recv_multipart())
            return self.session.deserialize(msg)
        except Exception:
            return None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_desc(self):
        rc = self.proc.poll() if self.proc else None
        if rc is None:
            return "?"
        if rc < 0:
            return "signal %d" % -rc
        if rc > 128:  # bubblewrap reports a child killed by signal N as 128+N
            return "signal %d" % (rc - 128)
        return str(rc)

    def kernel_pid(self):
        """The kernel process: the launched process itself, or in a sandbox the child of its init
        (a signal to bubblewrap's own process would end the sandbox)."""
        if not self.sandbox_pid:
            return self.proc.pid
        init = self.sandbox_pid
        try:
            with open("/proc/%d/task/%d/children" % (init, init)) as f:
                kids = [int(x) for x in f.read().split()]
            if kids:
                return kids[0]
        except (OSError, ValueError):
            pass
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/stat" % d) as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == init:
                            return int(d)
                except (OSError, ValueError, IndexError):
                    pass
        return None

    def interrupt(self):
        pid = self.kernel_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGINT)
            except OSError:
                pass

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except Exception:
                pass
        if self.ctx is not None:
            self.ctx.destroy(linger=0)
            self.ctx = None


class CellRun:
    def __init__(self):
        self.outputs = []
        self.stderr = []
        self.stderr_len = 0
        self.checks = []
        self.stored = 0
        self.dropped = 0
        self.notes = []
        self.displays = {}  # display_id -> index in outputs


def execute(kernel, code, deadline, interruptible, limits, budget, probes):
    """Runs one cell. Returns (status, CellRun); status: ok|error|aborted|timeout|interrupted|died|limit."""
    k = kernel
    msg_id = k.session.send(k.shell, "execute_request", {"code": code, "silent": False, "store_history": True,
                                                          "user_expressions": {}, "allow_stdin": False})["header"]["msg_id"]
    run = CellRun()
    run.limit = None
    reply = None
    idle = False
    reply_at = None
    interrupted = False
    last_probe = 0.0
    poller = zmq.Poller()
    poller.register(k.shell, zmq.POLLIN)
    poller.register(k.iopub, zmq.POLLIN)
    while True:
        now = time.time()
        if reply is not None and (idle or now - reply_at > DRAIN_AFTER_REPLY):
            st = reply["content"].get("status", "error")
            if st == "abort":  # tslab's word for a cell it dropped unrun (jupyter_client says "aborted")
                st = "aborted"
            return ("interrupted" if interrupted else st), run
        if now > deadline and reply is None:
            if interruptible and not interrupted:
                interrupted = True
                k.interrupt()
                deadline = now + INTERRUPT_GRACE
            else:
                return "timeout", run
        if now - last_probe > 0.25:
            last_probe = now
            for p in probes:
                if p.name == "ProcessLimit" and p.hit():
                    run.limit = p
                    return "limit", run
        events = dict(poller.poll(int(POLL * 1000)))
        if k.iopub in events:
            for _ in range(1000):  # a batch, then look at the clock again
                try:
                    frames = k.iopub.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                if handle_iopub(frames, msg_id, run, limits, budget):
                    idle = True
        if k.shell in events and reply is None:
            m = k.recv_shell()
            if m and m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_reply":
                reply = m
                reply_at = time.time()
        if not events and not k.alive():
            return "died", run


def handle_iopub(frames, msg_id, run, limits, budget):
    """Records one IOPub message of the cell `msg_id`; returns True for its `idle` status.
    Parses only the small header frames unless the content is needed, so a flood stays cheap."""
    try:
        i = frames.index(b"<IDS|MSG>")
        header = json.loads(frames[i + 2])
        parent = json.loads(frames[i + 3])
    except Exception:
        return False
    if parent.get("msg_id") != msg_id:
        return False
    t = header.get("msg_type")
    raw = frames[i + 5] if len(frames) > i + 5 else b"{}"
    if t == "status":
        return b'"idle"' in raw
    if t == "stream":
        if run.stored + len(raw) > limits.output_cell or budget["stored"] + len(raw) > limits.output_notebook:
            run.dropped += len(raw)
            if b'"stderr"' in raw[:200] and run.stderr_len < 65536:  # errors arrive on stderr: keep some
                c = json.loads(raw)
                run.stderr.append(c.get("text", ""))
                run.stderr_len += len(c.get("text", ""))
            return False
        c = json.loads(raw)
        text = c.get("text", "")
        name = c.get("name", "stdout")
        if name == "stderr" and run.stderr_len < 65536:
            run.stderr.append(text)
            run.stderr_len += len(text)
        run.stored += len(raw)
        budget["stored"] += len(raw)
        if run.outputs and run.outputs[-1]["output_type"] == "stream" and run.outputs[-1]["name"] == name:
            run.outputs[-1]["text"].append(text)
        else:
            run.outputs.append({"output_type": "stream", "name": name, "text": [text]})
        return False
    if t in ("display_data", "update_display_data", "execute_result"):
        is_check = CHECK_MIME_B in raw
        update = t == "update_display_data"
        over = run.stored + len(raw) > limits.output_cell or budget["stored"] + len(raw) > limits.output_notebook
        if over and not is_check and not update:
            run.dropped += len(raw)
            return False
        c = json.loads(raw)
        data = c.get("data", {})
        if is_check and CHECK_MIME in data:
            rec = data[CHECK_MIME]
            problem = check_problem(rec, len(raw), limits, budget)
            if problem:
                run.notes.append(problem)
            else:
                run.checks.append(rec)
            # the record is kept once, with the checks; the stored output keeps its text line
            data = {k: v for k, v in data.items() if k != CHECK_MIME}
            if not data:
                return False
        size = len(json.dumps(data))
        display_id = (c.get("transient") or {}).get("display_id")
        if update:  # replaces the output shown earlier in this cell under the same id (live charts)
            j = run.displays.get(display_id)
            if j is None:
                return False
            old = run.outputs[j]["_size"]
            if run.stored - old + size > limits.output_cell or budget["stored"] - old + size > limits.output_notebook:
                run.dropped += size
                return False
            run.outputs[j]["data"] = data
            run.outputs[j]["_size"] = size
            run.stored += size - old
            budget["stored"] += size - old
            return False
        if run.stored + size > limits.output_cell or budget["stored"] + size > limits.output_notebook:
            run.dropped += size
            return False
        run.stored += size
        budget["stored"] += size
        out = {"output_type": t, "data": data, "metadata": c.get("metadata", {}), "_size": size}
        if t == "execute_result":
            out["execution_count"] = c.get("execution_count")
        elif display_id:
            run.displays[display_id] = len(run.outputs)
        run.outputs.append(out)
        return False
    if t == "error":
        c = json.loads(raw)
        run.stderr.append("%s: %s\n" % (c.get("ename", "Error"), c.get("evalue", "")))
        run.outputs.append({"output_type": "error", "ename": c.get("ename", "Error"), "evalue": c.get("evalue", ""),
                            "traceback": c.get("traceback", [])[:50]})
    return False


def check_problem(rec, nbytes, limits, budget):
    """Why a check record (made by any code, not necessarily lib/check.ts) is refused, or None."""
    cid = rec.get("id") if isinstance(rec, dict) else None
    if not isinstance(cid, str):
        return "a check record without an id was ignored"
    v = rec.get("value")
    n = len(v) if isinstance(v, list) else 1
    if n > limits.check_elements:
        return "check(%s): the value is too large to record: %s elements; the limit is %s elements" % (
            cid, format(n, ","), format(limits.check_elements, ","))
    chars = sum(len(x) for x in (v if isinstance(v, list) else [v]) if isinstance(x, str))
    if chars > limits.check_chars:
        return "check(%s): the value is too large to record: %s characters of text; the limit is %s characters" % (
            cid, format(chars, ","), format(limits.check_chars, ","))
    if budget["check_bytes"] + nbytes > limits.check_bytes_total:
        return "check(%s): not recorded: this notebook's check values exceed %s in total" % (cid, mb(limits.check_bytes_total))
    budget["check_bytes"] += nbytes
    return None


def run_session(sess, cfg, limits, progress):
    """One kernel lifetime plan: a notebook, or a list of cells (hidden tests). Returns its record."""
    launch = cfg["launch"]
    startup_timeout = float(cfg.get("startup_timeout") or 90)
    timeout_cell = float(cfg.get("timeout_cell") or 600)
    deadline_total = float(cfg.get("deadline") or (time.time() + float(cfg.get("timeout_total") or 3600)))
    t_start = time.time()
    nb = None
    if sess.get("notebook"):
        with open(sess["notebook"], encoding="utf-8") as f:
            nb = json.load(f)
        cells = []
        ci = 0
        for idx, c in enumerate(nb.get("cells", [])):
            if c.get("cell_type") != "code":
                continue
            ci += 1
            src = c.get("source", "")
            cells.append({"source": src if isinstance(src, str) else "".join(src), "index": idx, "codeIndex": ci, "nb_cell": c})
    else:
        cells = sess["cells"]
    probes = [Probe(p) for p in cfg.get("probes") or []]
    budget = {"stored": 0, "check_bytes": 0}
    outcomes, checks, notes = [], [], []
    kernel = None
    restarts = 0
    resent = 0  # cells answered `aborted` and sent again
    total_hit = False
    setups = {}  # unit -> setup source, replayed after a restart

    members = cfg.get("members") or []

    def start():
        nonlocal kernel
        kernel = Kernel(launch, startup_timeout)
        kernel.start()

    def stop():
        nonlocal kernel
        if kernel:
            kernel.stop()
        kernel = None
        empty_groups(members)
        for p in probes:  # what the old kernel's processes did no longer counts
            p.reset()

    try:
        start()
    except Exception as e:
        stop()
        return {"name": sess["name"], "ok": False, "error": "kernel failed to start: %s" % e, "cells": [], "checks": [],
                "notes": [], "restarts": 0, "seconds": round(time.time() - t_start, 3), "started": t_start, "ended": time.time()}
    progress("%s: kernel ready in %.1fs" % (sess["name"], time.time() - t_start))
    for cell in cells:
        src = cell["source"]
        rec = {"index": cell["index"], "codeIndex": cell["codeIndex"], "status": "ok", "seconds": 0.0}
        if "nb_cell" in cell:  # a notebook's own cells (never hidden tests') carry their source
            rec["source"] = src
        if "unit" in cell:
            rec["unit"] = cell["unit"]
            if cell.get("setup"):
                setups[cell["unit"]] = src
        if total_hit or time.time() >= deadline_total:
            total_hit = True
            rec["status"] = "aborted"
            rec["error"] = {"name": "TotalTimeout", "message": "not run: the submission exceeded its total time limit"}
            outcomes.append(rec)
            continue
        if not src.strip():
            outcomes.append(rec)
            continue
        if kernel is None:
            try:
                start()
                restarts += 1
            except Exception as e:
                stop()
                rec["status"] = "died"
                rec["error"] = {"name": "KernelDied", "message": "the kernel could not be restarted: %s" % e}
                outcomes.append(rec)
                continue
            unit = cell.get("unit")
            if unit in setups and not cell.get("setup"):  # hidden tests: the file's setup, again
                execute(kernel, setups[unit], min(time.time() + timeout_cell, deadline_total), True, limits, budget, probes)
                time.sleep(ERROR_PAUSE)
        t0 = time.time()
        deadline = min(t0 + timeout_cell, deadline_total)
        interruptible = t0 + timeout_cell < deadline_total
        status, run = execute(kernel, src, deadline, interruptible, limits, budget, probes)
        for _ in range(ABORT_RETRIES):  # an aborted cell did not run: send it again
            if status != "aborted":
                break
            resent += 1
            time.sleep(ERROR_PAUSE)
            status, run = execute(kernel, src, deadline, interruptible, limits, budget, probes)
        rec["seconds"] = round(time.time() - t0, 3)
        rec["status"] = status
        stderr = "".join(run.stderr)
        if status == "error":
            name, message = parse_error(stderr)
            if "ENOSPC" in message and limits.disk_mb:
                message += " (the notebook's writable space is limited to %g MB)" % limits.disk_mb
            rec["error"] = {"name": name, "message": message}
        elif status == "interrupted":
            rec["status"] = "timeout"
            rec["error"] = {"name": "Timeout", "message": "the cell exceeded the per-cell time limit of %gs and was interrupted "
                            "(the kernel kept its state)" % timeout_cell}
            time.sleep(ERROR_PAUSE)
        elif status == "timeout":
            rec["status"] = "timeout"
            if time.time() >= deadline_total - 0.01:
                rec["error"] = {"name": "TotalTimeout", "message": "the submission exceeded its total time limit"}
                total_hit = True
            else:
                rec["error"] = {"name": "Timeout", "message": "the cell exceeded the per-cell time limit of %gs and did not stop when "
                                "interrupted; the kernel was restarted, so later cells start without this notebook's "
                                "earlier variables" % timeout_cell}
            stop()
        elif status == "limit":
            rec["status"] = "died"
            rec["error"] = {"name": run.limit.name, "message": run.limit.message + "; the kernel was restarted"}
            stop()
        elif status == "died":
            oom = [p for p in probes if p.name == "OutOfMemory" and p.hit()]
            if oom:
                rec["error"] = {"name": "OutOfMemory", "message": oom[0].message + "; it was restarted"}
            else:
                rec["error"] = {"name": "KernelDied", "message": "the kernel died while running this cell (exit code %s); it was restarted"
                                % kernel.exit_desc()}
                tail = (stderr.strip() or kernel.stderr_text())[-300:]
                if tail:
                    rec["error"]["message"] += "; stderr: " + tail
            stop()
        elif status == "aborted":
            rec["error"] = {"name": "Aborted", "message": "the kernel aborted this cell %d times" % (ABORT_RETRIES + 1)}
        if run.dropped:
            note = "[output truncated: %s dropped]" % mb(run.dropped)
            rec["notes"] = [note]
            run.outputs.append({"output_type": "stream", "name": "stderr", "text": [note + "\n"]})
        if run.notes:
            rec.setdefault("notes", []).extend(run.notes)
        for ch in run.checks:
            checks.append({"id": ch.get("id"), "value": ch.get("value"), "shape": ch.get("shape"), "cell": cell["index"],
                           **({"unit": cell["unit"]} if "unit" in cell else {})})
        if "nb_cell" in cell:
            for o in run.outputs:
                o.pop("_size", None)
                if o["output_type"] == "stream":
                    o["text"] = "".join(o["text"])
            cell["nb_cell"]["outputs"] = run.outputs
            cell["nb_cell"]["execution_count"] = cell["codeIndex"]
        outcomes.append(rec)
    stop()
    if sess.get("output_notebook") and nb is not None:
        os.makedirs(os.path.dirname(sess["output_notebook"]), exist_ok=True)
        with open(sess["output_notebook"], "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1)
    return {"name": sess["name"], "ok": True, "cells": outcomes, "checks": checks, "notes": notes, "restarts": restarts,
            "seconds": round(time.time() - t_start, 3), "started": t_start, "ended": time.time(), "resent": resent}


def run(req, progress):
    """op "run": {"sessions": [...], "launch": {...}, "limits": {...}, "probes": [...], "timeout_cell", "deadline"}"""
    limits = Limits(req.get("limits") or {})
    become_subreaper()
    out = []
    for sess in req["sessions"]:
        if req.get("deadline") and time.time() >= float(req["deadline"]):
            out.append({"name": sess["name"], "ok": False, "error": "not run: the submission exceeded its total time limit",
                        "cells": [], "checks": [], "notes": [], "restarts": 0, "seconds": 0})
            continue
        r = run_session(sess, req, limits, progress)
        progress("%s: %d/%d cells ok, %d checks, %.1fs%s" % (sess["name"], sum(1 for c in r["cells"] if c["status"] == "ok"),
                                                            len(r["cells"]), len(r["checks"]), r["seconds"],
                                                            ", %d cells resent after an abort" % r["resent"] if r.get("resent") else ""))
        out.append(r)
    return {"sessions": out}
