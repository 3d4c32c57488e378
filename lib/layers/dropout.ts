// ASSIGNMENT assignment2
/**
 * Inverted dropout (Hinton et al. 2012; Srivastava et al. 2014), cs231n's dropout_forward /
 * dropout_backward. `p` is the probability of KEEPING a unit (tf.dropout takes the drop rate).
 * Training mode keeps each unit with probability p and divides the kept ones by p, so test mode is
 * the identity. With a `seed`, every call draws the same mask (a fresh generator per call), which
 * makes a net with dropout deterministic for gradient checks.
 * Intermediates belong to the caller's `tf.tidy`.
 */
import { tf, Tensor } from "../tf";

/** Options of one dropout layer (cs231n's dropout_param). */
export interface DropoutParam {
  /** probability of keeping each unit, in (0, 1] */
  p: number;
  /** "train" drops units; "test" passes x through */
  mode: "train" | "test";
  /** when set, the same mask on every call (for gradient checks) */
  seed?: number;
}

/** What dropoutBackward needs (opaque to callers): the mode and, in training mode, the scaled mask. */
export type DropoutCache = { readonly kind: "dropout"; readonly mode: "train" | "test"; readonly mask: Tensor | null };

/**
 * Dropout forward. x: any shape. Training mode: mask = (u < p) / p with u ~ U[0, 1) drawn per
 * element (seeded by dropoutParam.seed when given), out = x * mask; test mode: out = x.
 * Returns [out (shape of x), cache].
 */
export function dropoutForward(x: Tensor, dropoutParam: DropoutParam): [Tensor, DropoutCache] {
  const { p, mode, seed } = dropoutParam;
  if (!(p > 0 && p <= 1)) throw new Error(`dropoutForward: p is the keep probability and must be in (0, 1], got ${p}`);
  if (mode === "train") {
    // BEGIN SOLUTION (training mode: a random keep mask scaled by 1/p)
    const mask = tf.randomUniform(x.shape, 0, 1, "float32", seed).less(p).cast("float32").div(p);
    return [x.mul(mask), { kind: "dropout", mode, mask }];
    // END SOLUTION
  }
  if (mode === "test") {
    // BEGIN SOLUTION (test mode)
    return [x.clone(), { kind: "dropout", mode, mask: null }];
    // END SOLUTION
  }
  throw new Error(`dropoutForward: invalid mode "${String(mode)}" (use "train" or "test")`);
}

/** Dropout backward. dout: shape of x. Returns dx (dout * mask in training mode, dout in test mode). */
export function dropoutBackward(dout: Tensor, cache: DropoutCache): Tensor {
  // BEGIN SOLUTION
  return cache.mode === "train" && cache.mask ? dout.mul(cache.mask) : dout.clone();
  // END SOLUTION
}
