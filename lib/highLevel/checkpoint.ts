// ASSIGNMENT assignment2
/**
 * Saving the best model while `model.fit` runs and loading it back (tfjs-node's `file://` handler:
 * a folder with model.json, the architecture, and weights.bin).
 */
import type { LayersModel, Logs } from "@tensorflow/tfjs-node";
import * as fs from "fs";
import * as path from "path";
import { tf } from "../tf";
import { resolveLogs } from "./progress";

/**
 * A fit callback that saves the model to `dir` whenever the monitored metric (default "val_acc",
 * which fit reports when given validationData) beats its best so far. `best` / `bestEpoch` tell which.
 */
export class SaveBestModel extends tf.Callback {
  readonly dir: string;
  readonly monitor: string;
  best = -Infinity;
  bestEpoch = -1;
  private readonly verbose: boolean;

  constructor(dir: string, opts: { monitor?: string; verbose?: boolean } = {}) {
    super();
    this.dir = path.resolve(dir);
    this.monitor = opts.monitor ?? "val_acc";
    this.verbose = opts.verbose ?? true;
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const v = resolveLogs(logs)[this.monitor];
    if (typeof v !== "number") {
      throw new Error(`SaveBestModel: fit reported no "${this.monitor}" (got ${Object.keys(logs ?? {}).join(", ") || "nothing"}); ` +
        "pass validationData to fit and metrics: ['acc'] to compile, or choose another monitor");
    }
    if (v > this.best) {
      this.best = v;
      this.bestEpoch = epoch;
      await saveModel(this.model, this.dir);
      if (this.verbose) console.log(`  saved the model (${this.monitor} ${v.toFixed(4)}, epoch ${epoch + 1}) to ${this.dir}`);
    }
  }
}

/** Saves a LayersModel (architecture + weights) to the folder `dir` (created if needed). */
export async function saveModel(model: LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(path.resolve(dir), { recursive: true });
  await model.save(`file://${path.resolve(dir)}`);
}

/**
 * Loads a model saved with saveModel / SaveBestModel. Custom layers must be registered first
 * (`tf.serialization.registerClass`; the library's own layers are).
 */
export async function loadModel(dir: string): Promise<LayersModel> {
  const file = path.join(path.resolve(dir), "model.json");
  try {
    return await tf.loadLayersModel(`file://${file}`);
  } catch (e) {
    throw new Error(`loadModel: could not load ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
