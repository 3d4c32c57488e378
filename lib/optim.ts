/**
 * First-order update rules (cs231n's optim.py). Each rule has the signature
 * `(w, dw, config?) => [nextW, config]`: w and dw are tensors of the same shape, config holds the
 * hyperparameters and any state tensors (e.g. a velocity) under the course's keys. The returned
 * config is a new object with the defaults filled in and the new state tensors.
 *
 * Tensor lifetime: a rule disposes nothing. Solver calls it inside its step's `tf.tidy`, keeps the
 * new weights and state (`keepState`) and disposes what they replaced (`disposeReplacedState`).
 */
import { tf, Tensor } from "./tf";

/** Hyperparameters and state of an update rule (cs231n's config dict, camelCase keys). */
export interface OptimConfig {
  /** step size (each rule documents its default) */
  learningRate?: number;
  // BEGIN ASSIGNMENT assignment2
  /** sgdMomentum: momentum (default 0.9) */
  momentum?: number;
  /** sgdMomentum state: moving average of gradients (shape of w; zeros when absent) */
  velocity?: Tensor;
  /** rmsprop: decay rate of the squared-gradient cache (default 0.99) */
  decayRate?: number;
  /** rmsprop / adam: smoothing term avoiding division by zero (default 1e-8) */
  epsilon?: number;
  /** rmsprop state: moving average of squared gradients (zeros when absent) */
  cache?: Tensor;
  /** adam: decay of the first moment (default 0.9) */
  beta1?: number;
  /** adam: decay of the second moment (default 0.999) */
  beta2?: number;
  /** adam state: first moment (zeros when absent) */
  m?: Tensor;
  /** adam state: second moment (zeros when absent) */
  v?: Tensor;
  /** adam state: iteration number (default 0; incremented before the bias correction) */
  t?: number;
  // END ASSIGNMENT
}

/** An update rule: returns the next weights (new tensor) and the next config. */
export type UpdateRule = (w: Tensor, dw: Tensor, config?: OptimConfig) => [Tensor, OptimConfig];

/** Vanilla SGD: nextW = w - learningRate * dw. Config: learningRate (default 1e-2). */
export function sgd(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = { ...config, learningRate: config.learningRate ?? 1e-2 };
  // BEGIN SOLUTION
  const nextW = w.sub(dw.mul(cfg.learningRate as number));
  return [nextW, cfg];
  // END SOLUTION
}

// BEGIN ASSIGNMENT assignment2
/**
 * SGD with momentum: v = momentum * v - learningRate * dw; nextW = w + v.
 * Config: learningRate (1e-2), momentum (0.9), velocity (state, zeros).
 */
export function sgdMomentum(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = { ...config, learningRate: config.learningRate ?? 1e-2, momentum: config.momentum ?? 0.9 };
  const v = cfg.velocity ?? tf.zerosLike(w);
  // BEGIN SOLUTION
  const nextV = v.mul(cfg.momentum as number).sub(dw.mul(cfg.learningRate as number));
  const nextW = w.add(nextV);
  return [nextW, { ...cfg, velocity: nextV }];
  // END SOLUTION
}

/**
 * RMSProp: cache = decayRate * cache + (1 - decayRate) * dw²;
 * nextW = w - learningRate * dw / (sqrt(cache) + epsilon).
 * Config: learningRate (1e-2), decayRate (0.99), epsilon (1e-8), cache (state, zeros).
 */
export function rmsprop(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const cfg: OptimConfig = {
    ...config,
    learningRate: config.learningRate ?? 1e-2,
    decayRate: config.decayRate ?? 0.99,
    epsilon: config.epsilon ?? 1e-8,
  };
  const cache = cfg.cache ?? tf.zerosLike(w);
  // BEGIN SOLUTION
  const dr = cfg.decayRate as number;
  const nextCache = cache.mul(dr).add(dw.square().mul(1 - dr));
  const nextW = w.sub(dw.mul(cfg.learningRate as number).div(nextCache.sqrt().add(cfg.epsilon as number)));
  return [nextW, { ...cfg, cache: nextCache }];
  // END SOLUTION
}

/**
 * Adam with bias correction: t += 1 (first); m = beta1 m + (1 - beta1) dw;
 * v = beta2 v + (1 - beta2) dw²; nextW = w - learningRate * m̂ / (sqrt(v̂) + epsilon) with
 * m̂ = m / (1 - beta1^t), v̂ = v / (1 - beta2^t).
 * Config: learningRate (1e-3), beta1 (0.9), beta2 (0.999), epsilon (1e-8), m, v (state, zeros), t (0).
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
  const m = cfg.m ?? tf.zerosLike(w);
  const v = cfg.v ?? tf.zerosLike(w);
  // BEGIN SOLUTION
  const b1 = cfg.beta1 as number;
  const b2 = cfg.beta2 as number;
  const t = (cfg.t as number) + 1;
  const nextM = m.mul(b1).add(dw.mul(1 - b1));
  const nextV = v.mul(b2).add(dw.square().mul(1 - b2));
  const mHat = nextM.div(1 - Math.pow(b1, t));
  const vHat = nextV.div(1 - Math.pow(b2, t));
  const nextW = w.sub(mHat.mul(cfg.learningRate as number).div(vHat.sqrt().add(cfg.epsilon as number)));
  return [nextW, { ...cfg, m: nextM, v: nextV, t }];
  // END SOLUTION
}
// END ASSIGNMENT

/** Update rules by name, for Solver's `updateRule` option. */
export const updateRules = {
  sgd,
  // BEGIN ASSIGNMENT assignment2
  sgdMomentum,
  rmsprop,
  adam,
  // END ASSIGNMENT
} satisfies Record<string, UpdateRule>;

/** Names accepted by Solver's `updateRule`. */
export type UpdateRuleName = keyof typeof updateRules;

/** Marks every state tensor of a config as kept, so that it outlives the `tf.tidy` it was made in. */
export function keepState(config: OptimConfig): void {
  for (const v of Object.values(config)) if (v instanceof tf.Tensor) tf.keep(v);
}

/** Disposes the state tensors of `oldConfig` that `newConfig` no longer references. */
export function disposeReplacedState(oldConfig: OptimConfig, newConfig: OptimConfig): void {
  const still = new Set<unknown>(Object.values(newConfig));
  for (const v of Object.values(oldConfig)) if (v instanceof tf.Tensor && !still.has(v) && !v.isDisposed) v.dispose();
}
