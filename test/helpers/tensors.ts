/** Small tensor helpers shared by the layer unit tests (course-style inputs and threshold assertions). */
import { strict as assert } from "assert";
import { tf, Tensor } from "../../lib/tf";

/** n evenly spaced numbers from a to b (NumPy's linspace). */
export const linspace = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
/** linspace(a, b) reshaped to `shape` (the course's fixed test inputs). */
export const lin = (a: number, b: number, shape: number[]): Tensor => tf.tensor(linspace(a, b, shape.reduce((p, q) => p * q, 1)), shape);
/** The values of a tensor as a JS array. */
export const arr = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
/** Seeded normal tensor with standard deviation s and mean m. */
export const rn = (shape: number[], seed: number, s = 1, m = 0): Tensor => tf.randomNormal(shape, m, s, "float32", seed);
/** Asserts v ≤ t (an error within its threshold). */
export const le = (v: number, t: number, what: string): void => assert.ok(v <= t, `${what}: ${v.toExponential(3)} > ${t}`);
/** Asserts v > t (a planted bug that the threshold catches). */
export const gt = (v: number, t: number, what: string): void => assert.ok(v > t, `${what}: ${v.toExponential(3)} <= ${t} (the check would not catch this bug)`);
