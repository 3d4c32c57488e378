/**
 * Solver (cs231n's solver.py): trains a Model with minibatch gradient descent, checks train and
 * validation accuracy once per epoch, keeps the best parameters, decays the learning rate.
 *
 * In a notebook it shows a live loss chart and a progress line updated in place; in plain node it
 * prints lines when `verbose`. Memory: each step runs in one `tf.tidy` (the batch, the model's
 * caches and gradients go when it ends); the new parameters and optimizer state are kept and the
 * ones they replace disposed; `bestParams` are clones owned by the solver.
 */
import * as fs from "fs";
import { tf, Tensor } from "./tf";
import { OptimConfig, UpdateRule, UpdateRuleName, updateRules, disposeReplacedState, keepState } from "./optim";
import { displayBundle, inNotebook, newDisplayId } from "./display";
import { LiveChart } from "./vis";
import { sampleIndices, seededRandom } from "./util";

/**
 * What Solver trains: parameters by name (cs231n's keys W1, b1, gamma1, ...) and a loss.
 * `loss(X)` returns class scores (N, C) in test mode; `loss(X, y)` runs a training-mode forward and
 * backward pass and returns [loss, grads] with one gradient per key of `params`. Both return new
 * tensors (the caller's) and free their intermediates (run their body in `tf.tidy`).
 */
export interface Model {
  params: Record<string, Tensor>;
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Tensor): [number, Record<string, Tensor>];
}

export interface SolverData {
  /** training inputs (N, ...) and int32 labels (N,) */
  XTrain: Tensor;
  yTrain: Tensor;
  /** validation inputs and labels */
  XVal: Tensor;
  yVal: Tensor;
}

export interface SolverOptions {
  /** the name of a rule in lib/optim's `updateRules` (e.g. "sgd") or an UpdateRule function (default "sgd") */
  updateRule?: UpdateRuleName | UpdateRule;
  /** hyperparameters passed to the update rule for every parameter (default {}) */
  optimConfig?: OptimConfig;
  /** multiply the learning rate by this after each epoch (default 1.0) */
  lrDecay?: number;
  batchSize?: number;
  numEpochs?: number;
  /** training examples used to measure train accuracy (default 1000) */
  numTrainSamples?: number;
  /** validation examples used to measure val accuracy (default all) */
  numValSamples?: number;
  /** report the loss every this many iterations (default 10) */
  printEvery?: number;
  verbose?: boolean;
  /** when set, parameters are written to `${checkpointName}_epoch_${epoch}.json` after each epoch */
  checkpointName?: string;
  /** seed of the minibatch sampling (random when absent) */
  seed?: number;
}

export class Solver {
  readonly model: Model;
  readonly XTrain: Tensor;
  readonly yTrain: Tensor;
  readonly XVal: Tensor;
  readonly yVal: Tensor;
  updateRule: UpdateRule;
  optimConfig: OptimConfig;
  lrDecay: number;
  batchSize: number;
  numEpochs: number;
  numTrainSamples: number;
  numValSamples?: number;
  printEvery: number;
  verbose: boolean;
  checkpointName?: string;

  epoch = 0;
  bestValAcc = 0;
  /** clones of the parameters with the best validation accuracy so far */
  bestParams: Record<string, Tensor> = {};
  lossHistory: number[] = [];
  trainAccHistory: number[] = [];
  valAccHistory: number[] = [];
  /** per-parameter optimizer config (state included) */
  optimConfigs: Record<string, OptimConfig> = {};

  private readonly rng: () => number;

  constructor(model: Model, data: SolverData, opts: SolverOptions = {}) {
    this.model = model;
    this.XTrain = data.XTrain;
    this.yTrain = data.yTrain;
    this.XVal = data.XVal;
    this.yVal = data.yVal;
    const rule = opts.updateRule ?? "sgd";
    if (typeof rule === "string") {
      const fn = (updateRules as Record<string, UpdateRule>)[rule];
      if (!fn) throw new Error(`Solver: unknown updateRule "${rule}" (use ${Object.keys(updateRules).join(", ")} or a function)`);
      this.updateRule = fn;
    } else {
      this.updateRule = rule;
    }
    this.optimConfig = opts.optimConfig ?? {};
    this.lrDecay = opts.lrDecay ?? 1.0;
    this.batchSize = opts.batchSize ?? 100;
    this.numEpochs = opts.numEpochs ?? 10;
    this.numTrainSamples = opts.numTrainSamples ?? 1000;
    this.numValSamples = opts.numValSamples;
    this.printEvery = opts.printEvery ?? 10;
    this.verbose = opts.verbose ?? true;
    this.checkpointName = opts.checkpointName;
    this.rng = seededRandom(opts.seed);
    this.reset();
  }

  /** Clears histories and best params and gives each parameter its own copy of optimConfig. */
  reset(): void {
    this.epoch = 0;
    this.bestValAcc = 0;
    tf.dispose(Object.values(this.bestParams));
    this.bestParams = {};
    this.lossHistory = [];
    this.trainAccHistory = [];
    this.valAccHistory = [];
    for (const cfg of Object.values(this.optimConfigs)) disposeReplacedState(cfg, {});
    this.optimConfigs = {};
    for (const k of Object.keys(this.model.params)) this.optimConfigs[k] = { ...this.optimConfig };
  }

  /**
   * One gradient step on a random minibatch (sampled with replacement, as the course does).
   * Runs in one tf.tidy; afterwards the new parameters and optimizer state are kept and the tensors
   * they replaced are disposed.
   */
  private _step(): void {
    const idx = sampleIndices(this.rng, this.XTrain.shape[0], this.batchSize);
    const oldParams = { ...this.model.params };
    const oldConfigs = { ...this.optimConfigs };
    const loss = tf.tidy(() => {
      const XBatch = tf.gather(this.XTrain, idx);
      const yBatch = tf.gather(this.yTrain, idx);
      const [loss, grads] = this.model.loss(XBatch, yBatch);
      // BEGIN SOLUTION
      for (const [name, w] of Object.entries(this.model.params)) {
        const [nextW, nextConfig] = this.updateRule(w, grads[name], this.optimConfigs[name]);
        this.model.params[name] = nextW;
        this.optimConfigs[name] = nextConfig;
      }
      // END SOLUTION
      for (const name of Object.keys(this.model.params)) {
        tf.keep(this.model.params[name]);
        keepState(this.optimConfigs[name]);
      }
      return loss;
    });
    for (const [name, w] of Object.entries(oldParams)) {
      if (this.model.params[name] !== w && !w.isDisposed) w.dispose();
      disposeReplacedState(oldConfigs[name] ?? {}, this.optimConfigs[name] ?? {});
    }
    this.lossHistory.push(loss);
  }

  /**
   * Accuracy of the model on (X, y): the fraction of argmax(scores) equal to y. With numSamples < N,
   * uses a random subsample of that size. Runs in batches of batchSize (default 100).
   */
  checkAccuracy(X: Tensor, y: Tensor, numSamples?: number, batchSize = 100): number {
    let N = X.shape[0];
    let Xs = X;
    let ys = y;
    let sub = false;
    if (numSamples !== undefined && N > numSamples) {
      const idx = sampleIndices(this.rng, N, numSamples);
      Xs = tf.gather(X, idx);
      ys = tf.gather(y, idx);
      N = numSamples;
      sub = true;
    }
    const labels = ys.dataSync() as ArrayLike<number>;
    let correct = 0;
    for (let start = 0; start < N; start += batchSize) {
      const size = Math.min(batchSize, N - start);
      const pred = tf.tidy(() => this.model.loss(Xs.slice([start], [size])).argMax(1));
      const p = pred.dataSync() as ArrayLike<number>;
      for (let i = 0; i < size; i++) if (p[i] === labels[start + i]) correct++;
      pred.dispose();
    }
    if (sub) tf.dispose([Xs, ys]);
    return correct / N;
  }

  private saveCheckpoint(): void {
    if (!this.checkpointName) return;
    const params: Record<string, { shape: number[]; data: number[] }> = {};
    for (const [k, v] of Object.entries(this.model.params)) params[k] = { shape: [...v.shape], data: Array.from(v.dataSync() as ArrayLike<number>) };
    const ckpt = {
      epoch: this.epoch, batchSize: this.batchSize, lrDecay: this.lrDecay, numTrainSamples: this.numTrainSamples,
      numValSamples: this.numValSamples, lossHistory: this.lossHistory, trainAccHistory: this.trainAccHistory,
      valAccHistory: this.valAccHistory, params,
    };
    const file = `${this.checkpointName}_epoch_${this.epoch}.json`;
    if (this.verbose) console.log(`Saving checkpoint to "${file}"`);
    fs.writeFileSync(file, JSON.stringify(ckpt));
  }

  /** Runs numEpochs epochs of optimization; afterwards model.params are replaced by (copies of) bestParams. */
  train(): void {
    const numTrain = this.XTrain.shape[0];
    const iterationsPerEpoch = Math.max(Math.floor(numTrain / this.batchSize), 1);
    const numIterations = this.numEpochs * iterationsPerEpoch;
    const notebook = inNotebook();
    const chart = notebook && this.verbose ? new LiveChart("Training loss") : null;
    const progressId = newDisplayId("solver-progress");
    const started = Date.now();
    let accLine = "";
    const progress = (t: number, loss: number): void => {
      const frac = (t + 1) / numIterations;
      const width = 20;
      const filled = Math.round(frac * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      const line = `epoch ${Math.min(this.epoch + 1, this.numEpochs)}/${this.numEpochs} ▕${bar}▏ ${Math.round(frac * 100)}% ` +
        `iteration ${t + 1}/${numIterations} loss ${loss.toFixed(4)}${accLine} (${secs} s)`;
      displayBundle({ "text/plain": line }, progressId);
    };
    let lossWindow: number[] = [];

    for (let t = 0; t < numIterations; t++) {
      this._step();
      const loss = this.lossHistory[this.lossHistory.length - 1];
      lossWindow.push(loss);
      if (t % this.printEvery === 0 || t === numIterations - 1) {
        if (chart) {
          const mean = lossWindow.reduce((a, b) => a + b, 0) / lossWindow.length;
          chart.update({ loss: mean });
          lossWindow = [];
          progress(t, loss);
        } else if (this.verbose) {
          console.log(`(Iteration ${t + 1} / ${numIterations}) loss: ${loss.toFixed(6)}`);
        }
      }

      const epochEnd = (t + 1) % iterationsPerEpoch === 0;
      if (epochEnd) {
        this.epoch += 1;
        for (const cfg of Object.values(this.optimConfigs)) cfg.learningRate = (cfg.learningRate ?? 1e-2) * this.lrDecay;
      }
      const firstIt = t === 0;
      const lastIt = t === numIterations - 1;
      if (firstIt || lastIt || epochEnd) {
        const trainAcc = this.checkAccuracy(this.XTrain, this.yTrain, this.numTrainSamples);
        const valAcc = this.checkAccuracy(this.XVal, this.yVal, this.numValSamples);
        this.trainAccHistory.push(trainAcc);
        this.valAccHistory.push(valAcc);
        if (epochEnd) this.saveCheckpoint();
        accLine = ` | train acc ${trainAcc.toFixed(3)} val acc ${valAcc.toFixed(3)}`;
        if (notebook && this.verbose) progress(t, loss);
        else if (this.verbose) console.log(`(Epoch ${this.epoch} / ${this.numEpochs}) train acc: ${trainAcc.toFixed(6)}; val_acc: ${valAcc.toFixed(6)}`);
        if (valAcc > this.bestValAcc || Object.keys(this.bestParams).length === 0) {
          this.bestValAcc = valAcc;
          tf.dispose(Object.values(this.bestParams));
          this.bestParams = {};
          for (const [k, v] of Object.entries(this.model.params)) this.bestParams[k] = v.clone();
        }
      }
    }
    // At the end of training swap the best params into the model.
    for (const [k, v] of Object.entries(this.bestParams)) {
      this.model.params[k].dispose();
      this.model.params[k] = v.clone();
    }
  }
}
