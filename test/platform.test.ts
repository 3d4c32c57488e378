import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tf, tensorflowVersion, loadCifar10, getCifar10Data, check, checkLog, toCheckRecord, CHECK_MIME, imageDataUri, visualizeGrid, cifar10Dir, EXACT_TEST_RECORDS } from "../lib/index";

describe("platform: native backend", () => {
  it("runs on native TensorFlow (tfjs-node), not the JS backend", () => {
    assert.equal(tf.getBackend(), "tensorflow");
    const v = tensorflowVersion();
    console.log(`      TensorFlow ${v}, tfjs ${tf.version.tfjs}`);
    assert.match(v, /^2\.\d+\.\d+/);
    const y = tf.tidy(() => tf.matMul(tf.ones([64, 32]), tf.ones([32, 16])).sum().dataSync()[0]);
    assert.equal(y, 64 * 32 * 16);
  });

  it("turns TensorFlow's oneDNN kernels on unless TF_ENABLE_ONEDNN_OPTS says otherwise", function () {
    this.timeout(120000);
    // Only oneDNN's eager kernels accept an NCHW Conv2D on the CPU: a cheap, exact probe of which kernels run.
    const probe = `const { tf } = require("./lib/tf"); try { tf.conv2d(tf.zeros([1, 1, 4, 4]), tf.zeros([1, 1, 1, 1]), 1, "valid", "NCHW").dataSync(); console.log("on"); } catch { console.log("off"); }`;
    const run = (env: Record<string, string | undefined>): string => {
      const e = { ...process.env, ...env };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete e[k];
      return execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", probe], { cwd: path.resolve(__dirname, ".."), env: e, encoding: "utf8" }).trim().split("\n").pop() ?? "";
    };
    assert.equal(run({ TF_ENABLE_ONEDNN_OPTS: undefined }), "on", "lib/tf.ts must enable oneDNN when the variable is unset");
    assert.equal(run({ TF_ENABLE_ONEDNN_OPTS: "0" }), "off", "an explicit TF_ENABLE_ONEDNN_OPTS=0 must be respected");
  });

  it("has a correct max-pool gradient on all-negative windows (wasm backend gets this wrong)", () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, "valid").sum())(tf.tensor4d([-1, -2, -3, -4], [1, 2, 2, 1])).dataSync());
    assert.deepEqual(Array.from(g), [1, 0, 0, 0]);
  });
});

describe("platform: CIFAR-10", function () {
  it("loads all 60,000 images with the right shapes, labels and class counts", () => {
    const t0 = Date.now();
    const d = loadCifar10();
    const ms = Date.now() - t0;
    console.log(`      loaded 60,000 images in ${ms} ms from ${cifar10Dir()}`);
    try {
      assert.deepEqual(d.XTrain.shape, [50000, 32, 32, 3]);
      assert.deepEqual(d.XTest.shape, [10000, 32, 32, 3]);
      assert.equal(d.yTrain.dtype, "int32");
      assert.equal(d.classes[0], "airplane");
      const counts = tf.tidy(() => tf.bincount(d.yTrain.slice(0, 10000) as tf.Tensor1D, tf.tensor1d([], "int32"), 10).dataSync());
      // Known per-class counts of data_batch_1.
      assert.deepEqual(Array.from(counts), [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]);
      const exact = tf.tidy(() => tf.bincount(d.yTest.slice(0, EXACT_TEST_RECORDS) as tf.Tensor1D, tf.tensor1d([], "int32"), 10).dataSync());
      assert.deepEqual(Array.from(exact), [103, 89, 100, 103, 90, 86, 112, 102, 106, 109]);
      const px = tf.tidy(() => [d.XTrain.min().dataSync()[0], d.XTrain.max().dataSync()[0]]);
      assert.deepEqual(px, [0, 255]);
    } finally {
      tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
    }
  });

  it("prepares the course split (49k/1k/1k, mean-subtracted, NCHW) without leaking tensors", () => {
    const before = tf.memory().numTensors;
    const d = getCifar10Data({ numTraining: 1000, numValidation: 100, numTest: 100 });
    assert.deepEqual(d.XTrain.shape, [1000, 3, 32, 32]);
    assert.deepEqual(d.XVal.shape, [100, 3, 32, 32]);
    assert.deepEqual(d.XTest.shape, [100, 3, 32, 32]);
    const m = tf.tidy(() => d.XTrain.mean().dataSync()[0]);
    assert.ok(Math.abs(m) < 1e-3, `train mean after subtraction should be ~0, got ${m}`);
    tf.dispose([d.XTrain, d.yTrain, d.XVal, d.yVal, d.XTest, d.yTest, d.meanImage]);
    assert.equal(tf.memory().numTensors, before);
  });

  it("reads NCHW and NHWC splits straight from the files with identical values (the same split as loadCifar10's images)", () => {
    tf.tidy(() => {
      const opts = { numTraining: 300, numValidation: 20, numTest: 30 };
      const a = getCifar10Data(opts), b = getCifar10Data({ ...opts, channelsFirst: false }), raw = getCifar10Data({ ...opts, subtractMean: false, channelsFirst: false });
      const all = loadCifar10();
      const exact = (x: tf.Tensor, y: tf.Tensor, what: string): void => {
        assert.deepEqual(x.shape, y.shape, what);
        assert.equal(x.sub(y).abs().max().dataSync()[0], 0, what);
      };
      for (const k of ["XTrain", "XVal", "XTest"] as const) exact(a[k].transpose([0, 2, 3, 1]), b[k], `${k} NCHW vs NHWC`);
      exact(a.meanImage, b.meanImage, "meanImage (32, 32, 3) in both layouts");
      exact(raw.XTrain, all.XTrain.slice(0, 300), "raw training images = loadCifar10's first 300");
      exact(raw.XVal, all.XTrain.slice(300, 20), "validation = the next 20");
      exact(raw.XTest, all.XTest.slice(0, 30), "test = the first 30 test images");
      exact(a.yVal, all.yTrain.slice(300, 20), "validation labels");
    });
  });

  describe("bad dataset folders give errors that name the file and the fix", () => {
    const real = cifar10Dir();
    let dir = "";
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cifar-bad-"));
      for (const f of fs.readdirSync(real)) if (f.endsWith(".bin")) fs.symlinkSync(path.join(real, f), path.join(dir, f));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("missing file", () => {
      fs.unlinkSync(path.join(dir, "data_batch_3.bin"));
      assert.throws(() => loadCifar10(dir), /data_batch_3\.bin is missing.*get_datasets\.sh/s);
    });
    it("truncated file", () => {
      fs.unlinkSync(path.join(dir, "test_batch.bin"));
      fs.writeFileSync(path.join(dir, "test_batch.bin"), Buffer.alloc(3073 * 10));
      assert.throws(() => loadCifar10(dir), /test_batch\.bin has 30730 bytes, expected 30730000.*Fix/s);
    });
    it("corrupt label", () => {
      fs.unlinkSync(path.join(dir, "data_batch_1.bin"));
      const buf = Buffer.alloc(30730000);
      buf[3073 * 5] = 42;
      fs.writeFileSync(path.join(dir, "data_batch_1.bin"), buf);
      assert.throws(() => loadCifar10(dir), /data_batch_1\.bin: record 5 has label 42/);
    });
    it("missing folder", () => {
      assert.throws(() => loadCifar10(path.join(dir, "nope")), /does not exist.*CIFAR10_DIR/s);
    });
  });
});

describe("platform: check()", () => {
  it("records numbers, tensors, nested arrays and non-finite values as valid JSON", () => {
    assert.equal(CHECK_MIME, "application/vnd.cs231n.check+json");
    check("platform/number", 0.25, { quiet: true });
    assert.deepEqual(checkLog().at(-1), { id: "platform/number", value: 0.25 });
    const t = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    check("platform/tensor", t, { quiet: true });
    t.dispose();
    assert.deepEqual(checkLog().at(-1), { id: "platform/tensor", value: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
    assert.deepEqual(toCheckRecord("a/b", [[1, NaN], [Infinity, -Infinity]]), { id: "a/b", value: [1, "NaN", "Infinity", "-Infinity"], shape: [2, 2] });
    assert.deepEqual(toCheckRecord("a/s", tf.scalar(3)), { id: "a/s", value: 3, shape: [] });
    assert.deepEqual(toCheckRecord("a/t", "yes"), { id: "a/t", value: "yes" });
    assert.equal(checkLog().at(-1)?.id, "platform/tensor");
    // strict JSON: a record survives a round trip unchanged (a raw NaN or Infinity would come back as null)
    const rec = toCheckRecord("a/b", [NaN, 2, -Infinity]);
    assert.deepEqual(JSON.parse(JSON.stringify(rec)), rec);
    assert.ok(!JSON.stringify(rec).includes("null"));
  });
  it("rejects bad ids and ragged arrays with a clear message", () => {
    assert.throws(() => toCheckRecord("has space", 1), /id must look like/);
    assert.throws(() => toCheckRecord("a/b", [[1, 2], [3]]), /ragged/);
  });
});

describe("platform: vis", () => {
  it("tiles images and encodes a PNG that decodes back to the same pixels", () => {
    const before = tf.memory().numTensors;
    const imgs = tf.tidy(() => tf.randomUniform([5, 4, 4, 3], 0, 255).round());
    const grid = visualizeGrid(imgs, { padding: 1 });
    assert.deepEqual(grid.shape, [2 * 4 + 1, 3 * 4 + 2, 3]);
    const uri = imageDataUri(grid);
    assert.match(uri, /^data:image\/png;base64,/);
    const decoded = tf.node.decodePng(Buffer.from(uri.split(",")[1], "base64"), 3);
    const same = tf.tidy(() => decoded.toFloat().sub(grid.clipByValue(0, 255).round()).abs().max().dataSync()[0]);
    assert.equal(same, 0);
    tf.dispose([imgs, grid, decoded]);
    assert.equal(tf.memory().numTensors, before);
  });
});
