/**
 * First-order update rules (cs231n's optim.py). Each rule has the signature
 * `(w, dw, config?) => [nextW, config]`: w and dw are tensors of the same shape, config holds the
 * hyperparameters and any state (velocity, cache, m, v, t). The returned config is a new object with
 * defaults filled in and the new state tensors; the rule never disposes its inputs, so the caller
 * (Solver) disposes the old w and replaced state tensors (see `disposeReplacedState`).
 */
import { tf, Tensor } from "./tf";

export interface OptimConfig {
  /** step size (default 1e-2; adam 1e-3) */
  learningRate?: number;
  /** sgdMomentum: momentum (default 0.9) */
  momentum?: number;
  /** sgdMomentum state: moving average of gradients (shape of w; zeros when absent) */
  velocity?: Tensor;
  /** rmsprop: decay rate of the squared-gradient cache (default 0.99) */
  decayRate?: number;
  /** rmsprop / adam: smoothing term avoiding division by zero (default 1e-8) */
  epsilon?: number;
  /** rmsprop state: moving average of squared gradients */
  cache?: Tensor;
  /** adam: decay of the first moment (default 0.9) */
  beta1?: number;
  /** adam: decay of the second moment (default 0.999) */
  beta2?: number;
  /** adam state: first moment */
  m?: Tensor;
  /** adam state: second moment */
  v?: Tensor;
  /** adam state: iteration number (default 0; incremented before use) */
  t?: number;
}

/** An update rule: returns the next weights (new tensor) and the next config. */
export type UpdateRule = (w: Tensor, dw: Tensor, config?: OptimConfig) => [Tensor, OptimConfig];

/** Vanilla SGD: nextW = w - learningRate * dw. */
export function sgd(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = { ...config, learningRate: config.learningRate ?? 1e-2 };
  // BEGIN SOLUTION
  const lr = cfg.learningRate as number;
  const nextW = tf.tidy(() => w.sub(dw.mul(lr)));
  return [nextW, cfg];
  // END SOLUTION
}

/** SGD with momentum: v = momentum * v - learningRate * dw; nextW = w + v. */
export function sgdMomentum(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = { ...config, learningRate: config.learningRate ?? 1e-2, momentum: config.momentum ?? 0.9 };
  // BEGIN SOLUTION
  const lr = cfg.learningRate as number;
  const mu = cfg.momentum as number;
  const [nextW, v] = tf.tidy(() => {
    const v0 = cfg.velocity ?? tf.zerosLike(w);
    const vNew = v0.mul(mu).sub(dw.mul(lr));
    return [w.add(vNew), vNew] as [Tensor, Tensor];
  });
  return [nextW, { ...cfg, velocity: v }];
  // END SOLUTION
}

/**
 * RMSProp: cache = decayRate * cache + (1 - decayRate) * dw²;
 * nextW = w - learningRate * dw / (sqrt(cache) + epsilon).
 */
export function rmsprop(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = {
    ...config,
    learningRate: config.learningRate ?? 1e-2,
    decayRate: config.decayRate ?? 0.99,
    epsilon: config.epsilon ?? 1e-8,
  };
  // BEGIN SOLUTION
  const lr = cfg.learningRate as number;
  const dr = cfg.decayRate as number;
  const eps = cfg.epsilon as number;
  const [nextW, cache] = tf.tidy(() => {
    const c0 = cfg.cache ?? tf.zerosLike(w);
    const c = c0.mul(dr).add(dw.square().mul(1 - dr));
    return [w.sub(dw.mul(lr).div(c.sqrt().add(eps))), c] as [Tensor, Tensor];
  });
  return [nextW, { ...cfg, cache }];
  // END SOLUTION
}

/**
 * Adam with bias correction: t += 1; m = beta1 m + (1 - beta1) dw; v = beta2 v + (1 - beta2) dw²;
 * nextW = w - learningRate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon).
 */
export function adam(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = {
    ...config,
    learningRate: config.learningRate ?? 1e-3,
    beta1: config.beta1 ?? 0.9,
    beta2: config.beta2 ?? 0.999,
    epsilon: config.epsilon ?? 1e-8,
    t: config.t ?? 0,
  };
  // BEGIN SOLUTION
  const lr = cfg.learningRate as number;
  const b1 = cfg.beta1 as number;
  const b2 = cfg.beta2 as number;
  const eps = cfg.epsilon as number;
  const t = (cfg.t as number) + 1;
  const [nextW, m, v] = tf.tidy(() => {
    const m0 = cfg.m ?? tf.zerosLike(w);
    const v0 = cfg.v ?? tf.zerosLike(w);
    const m1 = m0.mul(b1).add(dw.mul(1 - b1));
    const v1 = v0.mul(b2).add(dw.square().mul(1 - b2));
    const mt = m1.div(1 - Math.pow(b1, t));
    const vt = v1.div(1 - Math.pow(b2, t));
    return [w.sub(mt.mul(lr).div(vt.sqrt().add(eps))), m1, v1] as [Tensor, Tensor, Tensor];
  });
  return [nextW, { ...cfg, m, v, t }];
  // END SOLUTION
}

/** Update rules by name, for Solver's `updateRule: "sgd" | "sgdMomentum" | "rmsprop" | "adam"`. */
export const updateRules: Record<"sgd" | "sgdMomentum" | "rmsprop" | "adam", UpdateRule> = { sgd, sgdMomentum, rmsprop, adam };

/** Disposes the state tensors of `oldConfig` that `newConfig` no longer references. */
export function disposeReplacedState(oldConfig: OptimConfig, newConfig: OptimConfig): void {
  for (const key of ["velocity", "cache", "m", "v"] as const) {
    const t = oldConfig[key];
    if (t && t !== newConfig[key] && !t.isDisposed) t.dispose();
  }
}
