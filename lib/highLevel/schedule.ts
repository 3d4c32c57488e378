// ASSIGNMENT assignment2
/**
 * Learning-rate schedules for tf.train optimizers, in a manual loop or as a `model.fit` callback.
 *
 * tfjs optimizers take a fixed learning rate; SGD and momentum have `setLearningRate`, the others
 * (Adam, RMSProp, Adagrad, Adadelta, Adamax) read their `learningRate` field at every step.
 */
import type { Optimizer } from "@tensorflow/tfjs-node";
import { tf } from "../tf";

/** Sets the learning rate of any tf.train optimizer. */
export function setLearningRate(optimizer: Optimizer, lr: number): void {
  if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`setLearningRate: the learning rate must be a number >= 0, got ${lr}`);
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else if (typeof o.learningRate === "number") o.learningRate = lr;
  else throw new Error(`setLearningRate: ${optimizer.getClassName()} has no learning rate to set`);
}

/** The learning rate an optimizer uses now. */
export function getLearningRate(optimizer: Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * A fit callback that sets the model's optimizer's learning rate before every batch to
 * `schedule(step)`, step = batches trained so far (0-based, over all epochs), like Keras's
 * LearningRateScheduler but per batch. Example, linear decay to 0 over `total` steps:
 * `new LearningRateScheduler((t) => 1e-3 * (1 - t / total))`.
 */
export class LearningRateScheduler extends tf.Callback {
  private step = 0;
  readonly schedule: (step: number) => number;
  constructor(schedule: (step: number) => number) {
    super();
    this.schedule = schedule;
  }
  async onBatchBegin(): Promise<void> {
    const opt = this.model?.optimizer;
    if (!opt) throw new Error("LearningRateScheduler: the model has no optimizer (call model.compile first)");
    setLearningRate(opt, this.schedule(this.step));
    this.step += 1;
  }
}
