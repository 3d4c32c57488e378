/**
 * Caps by cgroup v1 and v2. This machine mounts the controllers as v1 (enforcement is exercised by
 * the hostile corpus: OOM, fork bomb) and an empty unified (v2) hierarchy. The v2 code is tested
 * (1) on that real cgroup2 mount: group creation, joining by the kernel's launch prefix, cgroup.kill,
 * removal, and the warning when the hierarchy offers no memory/pids controller; and (2) on a fake
 * cgroupfs directory: the limit files written, the probes' files and keys, the peak read. Enforcement
 * of v2 limits by the kernel is not exercised here (no machine with v2 controllers was available).
 */
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createCgroups, findV2Root, joinCommand, V2Group } from "../grader/cgroup";
import { PYTHON, REPO_ROOT } from "../grader/paths";

describe("grader: cgroup caps (v1 and v2)", function () {
  this.timeout(60000);

  it("finds the cgroup2 mount in /proc/self/mounts (v2-only and hybrid layouts)", () => {
    assert.equal(findV2Root("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n"), "/sys/fs/cgroup");
    assert.equal(findV2Root("tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n"), "/sys/fs/cgroup/unified");
    assert.equal(findV2Root("proc /proc proc rw 0 0\n"), null);
  });

  it("v1 on this machine: memory and process caps applied to one group per controller", function () {
    if (!fs.existsSync("/sys/fs/cgroup/memory/cgroup.procs") || !fs.existsSync("/sys/fs/cgroup/pids/cgroup.procs")) this.skip();
    const cg = createCgroups({ memoryMB: 256, pids: 64 });
    try {
      assert.deepEqual(cg.applied, ["memory 256 MB (cgroup v1)", "processes 64 (cgroup v1)"]);
      assert.deepEqual(cg.warnings, []);
      const [mem, pids, cpuacct] = cg.procs.map((p) => path.dirname(p));
      assert.match(cpuacct, /\/cpuacct\//);
      assert.equal(fs.readFileSync(path.join(mem, "memory.limit_in_bytes"), "utf8").trim(), String(256 << 20));
      assert.equal(fs.readFileSync(path.join(pids, "pids.max"), "utf8").trim(), "64");
      assert.deepEqual(cg.probes.map((p) => [path.basename(p.file), p.key, p.name]), [["memory.oom_control", "oom_kill", "OutOfMemory"], ["pids.events", "max", "ProcessLimit"]]);
      // a process started with the join prefix lands in both groups
      const out = execFileSync(joinCommand(cg.procs)[0], [...joinCommand(cg.procs).slice(1), "cat", "/proc/self/cgroup"], { encoding: "utf8" });
      for (const c of ["memory", "pids", "cpuacct"]) assert.match(out, new RegExp(`:(\\w+,)*${c}(,\\w+)*:.*/${path.basename(mem)}$`, "m"));
      assert.ok((cg.cpuSeconds() ?? 0) > 0, "the joined process's CPU time is accounted");
    } finally {
      cg.dispose();
    }
    assert.ok(cg.procs.every((p) => !fs.existsSync(path.dirname(p))), "groups removed");
  });

  it("v2, real cgroup2 mount: a group is created, joined, killed and removed; missing controllers are reported, not skipped", function () {
    const root = findV2Root();
    if (!root || !fs.existsSync(path.join(root, "cgroup.procs"))) this.skip();
    const offered = fs.readFileSync(path.join(root!, "cgroup.controllers"), "utf8").trim();
    const cg = createCgroups({ memoryMB: 256, pids: 64, v1Root: null, v2Root: root });
    try {
      for (const c of ["memory", "pids"])
        if (!offered.split(/\s+/).includes(c)) assert.ok(cg.warnings.some((w) => w.includes(`no cgroup ${c} controller`) && w.includes(root!)), cg.warnings.join("\n"));
    } finally {
      cg.dispose();
    }
    // the group mechanics, as used for the kernels
    const g = V2Group.create(root!, `cs231n-grader-test-${process.pid}`, []);
    // run one in the background, check membership, then cgroup.kill it
    const join = joinCommand([g.file("cgroup.procs")]);
    const child = spawn(join[0], [...join.slice(1), "sleep", "30"], { stdio: "ignore" });
    const t0 = Date.now();
    while (!fs.readFileSync(g.file("cgroup.procs"), "utf8").trim() && Date.now() - t0 < 5000) execFileSync("sleep", ["0.05"]);
    assert.equal(fs.readFileSync(g.file("cgroup.procs"), "utf8").trim(), String(child.pid));
    g.kill();
    const t1 = Date.now();
    while (fs.readFileSync(g.file("cgroup.procs"), "utf8").trim() && Date.now() - t1 < 5000) execFileSync("sleep", ["0.05"]);
    assert.ok(fs.readFileSync(g.file("cgroup.procs"), "utf8").trim() === "", "cgroup.kill emptied the group");
    fs.rmdirSync(g.dir);
  });

  it("v2, fake cgroupfs: limit files, swap off, controllers enabled for children, probes, peak", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-cgfake-"));
    try {
      fs.writeFileSync(path.join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
      fs.writeFileSync(path.join(root, "cgroup.subtree_control"), "cpu\n");
      const cg = createCgroups({ memoryMB: 300, pids: 99, v1Root: null, v2Root: root, name: "g1" });
      const g = path.join(root, "g1");
      assert.equal(fs.readFileSync(path.join(root, "cgroup.subtree_control"), "utf8"), "+memory +pids");
      assert.equal(fs.readFileSync(path.join(g, "memory.max"), "utf8"), String(300 * 1024 * 1024));
      assert.equal(fs.readFileSync(path.join(g, "memory.swap.max"), "utf8"), "0");
      assert.equal(fs.readFileSync(path.join(g, "pids.max"), "utf8"), "99");
      assert.deepEqual(cg.procs, [path.join(g, "cgroup.procs")]);
      assert.deepEqual(cg.applied, ["memory 300 MB (cgroup v2)", "processes 99 (cgroup v2)"]);
      assert.deepEqual(cg.warnings, []);
      assert.deepEqual(cg.probes.map((p) => [p.file, p.key, p.name]), [[path.join(g, "memory.events"), "oom_kill", "OutOfMemory"], [path.join(g, "pids.events"), "max", "ProcessLimit"]]);
      fs.writeFileSync(path.join(g, "memory.peak"), "123456789\n");
      assert.equal(cg.peakBytes(), 123456789);
      // the driver's probe: a `key N` counter that increases means the cap was hit
      fs.writeFileSync(path.join(g, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
      const py = [
        "import sys; sys.path.insert(0, sys.argv[1]); import driver",
        "p = driver.Probe({'file': sys.argv[2], 'key': 'oom_kill', 'name': 'OutOfMemory', 'message': 'm'})",
        "a = p.hit(); open(sys.argv[2], 'w').write('oom 2\\noom_kill 1\\n'); b = p.hit(); c = p.hit()",
        "print(p.base, a, b, c)",
      ].join("\n");
      assert.equal(execFileSync(PYTHON, ["-c", py, path.join(REPO_ROOT, "grader", "py"), path.join(g, "memory.events")], { encoding: "utf8" }).trim(), "1 False True False");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
