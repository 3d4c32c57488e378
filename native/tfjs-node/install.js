#!/usr/bin/env node
// Offline install of @tensorflow/tfjs-node's native addon.
//
// The upstream install script downloads libtensorflow 2.9.1 from a Google storage host, which is
// unreachable here. Instead we:
//   1. take tfjs-node's JS (dist/) and C++ binding sources from the npm registry (`npm pack`),
//   2. take libtensorflow (C + eager C API) from the `tensorflow-cpu` wheel on PyPI (`pip download`),
//   3. stage it as tfjs-node's deps/ (lib + include) and build the addon with node-gyp.
// Every step is cached: a second run with everything in place prints "cached" and does nothing.
"use strict";
const fs = require("fs");
const path = require("path");
const cp = require("child_process");
const os = require("os");

const TFJS_NODE_VERSION = require("./package.json").version;
const TF_VERSION = "2.18.0"; // pinned tensorflow-cpu wheel (libtensorflow_cc.so.2 exports the C/eager API)
const WHEEL = `tensorflow_cpu-${TF_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
const HERE = __dirname;
const ROOT = path.resolve(HERE, "..", "..");
const CACHE = process.env.CS231N_CACHE || path.join(ROOT, ".cache");
const STAMP = path.join(HERE, "lib", "BUILD_STAMP.json");
// node-pre-gyp builds for the highest N-API version listed in package.json that this Node supports.
const NAPI = Math.max(...require("./package.json").binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
const ADDON = path.join(HERE, "lib", `napi-v${NAPI}`, "tfjs_binding.node");
const WANT = { tfjsNode: TFJS_NODE_VERSION, tensorflow: TF_VERSION, node: process.versions.modules, platform: `${os.platform()}-${os.arch()}` };

function log(msg) { console.error(`[tfjs-node offline] ${msg}`); }
function fail(msg) {
  console.error(`\n[tfjs-node offline] ERROR: ${msg}\n`);
  process.exit(1);
}
function run(cmd, args, opts = {}) {
  const r = cp.spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`\`${cmd} ${args.join(" ")}\` exited with ${r.status}`);
}

function isCached() {
  try {
    const s = JSON.parse(fs.readFileSync(STAMP, "utf8"));
    return JSON.stringify(s.want) === JSON.stringify(WANT) && fs.existsSync(ADDON) &&
      fs.existsSync(path.join(HERE, "dist", "index.js"));
  } catch { return false; }
}

/** 1. tfjs-node sources (dist/, binding/, binding.gyp) from the npm registry. */
function fetchTfjsNodeSources() {
  if (fs.existsSync(path.join(HERE, "dist", "index.js")) && fs.existsSync(path.join(HERE, "binding.gyp"))) return;
  const dir = path.join(CACHE, "npm");
  fs.mkdirSync(dir, { recursive: true });
  const tgz = path.join(dir, `tensorflow-tfjs-node-${TFJS_NODE_VERSION}.tgz`);
  if (!fs.existsSync(tgz)) {
    log(`npm pack @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`);
    run("npm", ["pack", `@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`, "--pack-destination", dir, "--silent"], { cwd: dir });
  }
  const tar = require("tar");
  const keep = ["package/dist/", "package/binding/", "package/binding.gyp"];
  tar.x({ file: tgz, cwd: HERE, sync: true, strip: 1, filter: (p) => keep.some((k) => p.startsWith(k)) });
}

/** 2. The tensorflow-cpu wheel from PyPI, cached. */
function fetchWheel() {
  const dir = path.join(CACHE, "wheels");
  const whl = path.join(dir, WHEEL);
  if (fs.existsSync(whl)) return whl;
  fs.mkdirSync(dir, { recursive: true });
  log(`pip download tensorflow-cpu==${TF_VERSION} (about 230 MB, once)`);
  const py = findPython();
  run(py, ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", "3.11",
    "--platform", "manylinux2014_x86_64", "-d", dir, `tensorflow-cpu==${TF_VERSION}`]);
  if (!fs.existsSync(whl)) fail(`pip did not produce ${whl}`);
  return whl;
}

function findPython() {
  for (const p of ["python3", "python"]) {
    if (cp.spawnSync(p, ["--version"]).status === 0) return p;
  }
  fail("python3 with pip is needed to fetch the tensorflow-cpu wheel. Install python3 and pip, then re-run `npm install`.");
}

/** 3. Stage lib + headers as tfjs-node expects them in deps/. */
function stageDeps(whl) {
  const deps = path.join(HERE, "deps");
  const marker = path.join(deps, `STAGED-${TF_VERSION}`);
  if (fs.existsSync(marker)) return;
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  fs.mkdirSync(path.join(deps, "include"), { recursive: true });
  log("extracting libtensorflow from the wheel");
  const script = `
import sys, zipfile, os, shutil
whl, deps = sys.argv[1], sys.argv[2]
libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}
inc = ("tensorflow/include/tensorflow/c/", "tensorflow/include/tensorflow/core/platform/",
       "tensorflow/include/tsl/platform/", "tensorflow/include/xla/tsl/c/")
n = 0
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        name = info.filename
        if name in libs:
            dest = os.path.join(deps, "lib", os.path.basename(name))
        elif name.startswith(inc) and not name.endswith("/"):
            dest = os.path.join(deps, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        n += 1
if n < 10:
    sys.exit("too few files extracted from " + whl)
`;
  run(findPython(), ["-c", script, whl, deps]);
  // tfjs-node links -ltensorflow -ltensorflow_framework; the SONAMEs are the .so.2 names.
  fs.symlinkSync("libtensorflow_cc.so.2", path.join(deps, "lib", "libtensorflow.so"));
  fs.symlinkSync("libtensorflow_framework.so.2", path.join(deps, "lib", "libtensorflow_framework.so"));
  fs.writeFileSync(marker, WHEEL + "\n");
}

/** 4. Build the addon from source with node-gyp (through node-pre-gyp, as upstream does). */
function buildAddon() {
  log("building the native addon (node-gyp)");
  const preGyp = require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp");
  const args = [preGyp, "install", "--build-from-source"];
  if (!process.env.npm_config_nodedir && fs.existsSync("/usr/include/node/node.h")) args.push("--nodedir=/usr");
  run(process.execPath, args, { cwd: HERE });
  if (!fs.existsSync(ADDON)) fail(`the build did not produce ${ADDON}`);
}

function verify() {
  const r = cp.spawnSync(process.execPath, ["-e",
    "const tf=require('./');process.stdout.write(tf.getBackend()+' '+tf.backend().binding.TF_Version)"],
  { cwd: HERE, encoding: "utf8" });
  const out = (r.stdout || "").trim();
  if (r.status !== 0 || !out.startsWith("tensorflow ")) fail(`the built addon does not load:\n${r.stderr}`);
  log(`OK: backend ${out.split(" ")[0]}, TensorFlow ${out.split(" ")[1]}`);
}

if (isCached()) {
  log(`cached: addon for TensorFlow ${TF_VERSION} already built (delete native/tfjs-node/lib to rebuild)`);
  process.exit(0);
}
if (os.platform() !== "linux" || os.arch() !== "x64") {
  fail(`this offline build supports linux-x64 only (got ${os.platform()}-${os.arch()}).`);
}
const t0 = Date.now();
fetchTfjsNodeSources();
stageDeps(fetchWheel());
buildAddon();
verify();
fs.writeFileSync(STAMP, JSON.stringify({ want: WANT, builtAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }, null, 2));
