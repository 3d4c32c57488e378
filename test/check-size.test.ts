/** check(): values up to the documented size limit work, larger ones fail naming the id, size and limit. */
import { strict as assert } from "assert";
import { CHECK_MAX_CHARS, CHECK_MAX_ELEMENTS, describeCheck, tf, toCheckRecord } from "../lib/index";

describe("check(): size limit", () => {
  it("a 1,000×1,000 tensor (the limit) is recorded and described", () => {
    assert.equal(CHECK_MAX_ELEMENTS, 1_000_000);
    const t = tf.tidy(() => tf.range(0, 1e6).reshape([1000, 1000]));
    const r = toCheckRecord("nb/big", t);
    t.dispose();
    assert.deepEqual(r.shape, [1000, 1000]);
    assert.equal((r.value as number[]).length, 1e6);
    assert.equal(describeCheck(r), "check nb/big: (1000, 1000) min 0, max 999999, mean 500000");
  });

  it("over the limit: a clear error naming the id, the size and the limit (tensor, nested array, typed array, text)", () => {
    const t = tf.zeros([3000, 3000]);
    assert.throws(
      () => toCheckRecord("knn/dists", t),
      /^Error: check\(knn\/dists\): the value is too large to record: 9,000,000 elements \(shape 3000×3000\); the limit is 1,000,000 elements\. Check a smaller part or a summary instead/,
    );
    t.dispose();
    const rows = Array.from({ length: 1001 }, () => new Array(1000).fill(0));
    assert.throws(() => toCheckRecord("a/rows", rows), /check\(a\/rows\): the value is too large to record: 1,001,000 elements \(shape 1001×1000\); the limit is 1,000,000 elements/);
    assert.throws(() => toCheckRecord("a/typed", new Float32Array(CHECK_MAX_ELEMENTS + 1)), /check\(a\/typed\): the value is too large to record: 1,000,001 elements; the limit/);
    assert.throws(() => toCheckRecord("a/text", "x".repeat(CHECK_MAX_CHARS + 1)), /check\(a\/text\): the value is too large to record: 1,000,001 characters of text; the limit is 1,000,000 characters/);
  });

  it("describes large arrays without spreading them onto the stack", () => {
    const r = { id: "a/b", value: Array.from({ length: 900000 }, (_, i) => i % 7), shape: [900000] };
    assert.equal(describeCheck(r), "check a/b: (900000) min 0, max 6, mean 2.99999");
  });
});
