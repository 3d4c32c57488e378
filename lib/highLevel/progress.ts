// ASSIGNMENT assignment2
/**
 * Training progress for manual loops and `model.fit`: a text line updated in place during every
 * epoch (tfjs-node's own progress bar draws only on a TTY, so a notebook would show just
 * "Epoch k / N"), a live chart of the loss and the accuracies, and one persistent line per epoch.
 *
 *     const progress = new TrainingProgress({ epochs: 1, batchesPerEpoch: loader.numBatches });
 *     for (const [x, y] of loader) progress.batch(lossValue);      // manual loop
 *     progress.endEpoch({ val_acc: 0.41 });
 *
 *     await model.fit(X, Y, { epochs: 10, verbose: 0, callbacks: [new FitProgress()] });
 *
 * In a notebook the line and the chart are displays replaced in place (`displayBundle` with a
 * display id); outside one (node scripts, tests) only the persistent lines are printed, unless `quiet`.
 */
import type { Logs } from "@tensorflow/tfjs-node";
import { tf, Tensor } from "../tf";
import { displayBundle, inNotebook, newDisplayId } from "../display";
import { Figure, showFigure } from "../vis";

export type Metrics = Record<string, number>;

export interface TrainingProgressOptions {
  /** epochs planned (default 1) */
  epochs?: number;
  /** batches per epoch, for the percentage and the ETA (unknown: counts only) */
  batchesPerEpoch?: number;
  /** chart title (default "Training") */
  title?: string;
  /** show the live chart in a notebook (default true) */
  chart?: boolean;
  /** least time between two redraws of the line, ms (default 300; the chart at most every 2 s) */
  refreshMs?: number;
  /** print nothing outside a notebook (default false) */
  quiet?: boolean;
}

export interface EpochRecord {
  /** 0-based */
  epoch: number;
  seconds: number;
  /** CPU time of this process during the epoch (all threads), s: on a shared machine a steadier measure than wall time */
  cpuSeconds: number;
  /** mean training loss over the epoch's batches, plus the metrics passed to endEpoch */
  metrics: Metrics;
}

const fmtMetric = (k: string, v: number): string => `${k} ${Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(4)}`;
const fmtMetrics = (m: Metrics): string => Object.entries(m).map(([k, v]) => fmtMetric(k, v)).join(", ");
const secs = (ms: number): string => (ms < 60000 ? `${(ms / 1000).toFixed(0)} s` : `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`);

export class TrainingProgress {
  readonly epochsPlanned: number;
  readonly batchesPerEpoch?: number;
  /** loss of every batch, in order */
  readonly losses: number[] = [];
  /** metrics recorded with log() or endEpoch(), with the number of batches trained before them */
  readonly evaluations: { step: number; metrics: Metrics }[] = [];
  /** one record per finished epoch */
  readonly epochs: EpochRecord[] = [];

  private readonly title: string;
  private readonly chart: boolean;
  private readonly refreshMs: number;
  private readonly quiet: boolean;
  private readonly notebook = inNotebook();
  private readonly lineId = newDisplayId("progress");
  private readonly chartId = newDisplayId("progress-chart");
  private readonly batchMetrics: Metrics[] = [];
  private epoch = -1;
  private epochOpen = false;
  private inEpoch = 0;
  private epochLossSum = 0;
  private epochMetricSums: Metrics = {};
  private epochStarted = 0;
  private epochCpu = process.cpuUsage();
  private lastLine = 0;
  private lastChart = 0;

  constructor(opts: TrainingProgressOptions = {}) {
    this.epochsPlanned = opts.epochs ?? 1;
    this.batchesPerEpoch = opts.batchesPerEpoch;
    this.title = opts.title ?? "Training";
    this.chart = opts.chart ?? true;
    this.refreshMs = opts.refreshMs ?? 300;
    this.quiet = opts.quiet ?? false;
  }

  /** Batches recorded so far (all epochs). */
  get step(): number {
    return this.losses.length;
  }

  /** Starts an epoch (0-based; default: the next one). batch() starts one by itself when none is open. */
  startEpoch(epoch = this.epoch + 1): void {
    this.epoch = epoch;
    this.epochOpen = true;
    this.inEpoch = 0;
    this.epochLossSum = 0;
    this.epochMetricSums = {};
    this.epochStarted = Date.now();
    this.epochCpu = process.cpuUsage();
  }

  /** Records one batch's loss (and running metrics such as {acc}); redraws the line now and then. */
  batch(loss: number, metrics: Metrics = {}): void {
    if (!this.epochOpen) this.startEpoch();
    this.losses.push(loss);
    this.batchMetrics.push(metrics);
    this.inEpoch += 1;
    this.epochLossSum += loss;
    for (const [k, v] of Object.entries(metrics)) this.epochMetricSums[k] = (this.epochMetricSums[k] ?? 0) + v;
    const now = Date.now();
    if (now - this.lastLine >= this.refreshMs || this.inEpoch === this.batchesPerEpoch) this.drawLine(now);
    if (now - this.lastChart >= Math.max(2000, this.refreshMs)) this.drawChart(now);
  }

  /** Prints a persistent line with metrics measured now (e.g. {val_acc}) and adds them to the chart. */
  log(metrics: Metrics, label = `Iteration ${this.step}`): void {
    this.evaluations.push({ step: this.step, metrics });
    const loss = this.losses.length ? `loss ${this.losses[this.losses.length - 1].toFixed(4)}, ` : "";
    this.print(`${label}: ${loss}${fmtMetrics(metrics)}`);
    this.drawLine(Date.now());
    this.drawChart(Date.now());
  }

  /** Ends the current epoch: records and prints its time, mean loss and the given metrics. */
  endEpoch(metrics: Metrics = {}): EpochRecord {
    if (!this.epochOpen) this.startEpoch();
    this.epochOpen = false;
    const seconds = (Date.now() - this.epochStarted) / 1000;
    const cpu = process.cpuUsage(this.epochCpu);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const means: Metrics = {};
    if (this.inEpoch > 0) {
      means.loss = this.epochLossSum / this.inEpoch;
      for (const [k, v] of Object.entries(this.epochMetricSums)) means[k] = v / this.inEpoch;
    }
    const rec: EpochRecord = { epoch: this.epoch, seconds, cpuSeconds, metrics: { ...means, ...metrics } };
    this.epochs.push(rec);
    this.evaluations.push({ step: this.step, metrics });
    this.print(`Epoch ${this.epoch + 1}/${this.epochsPlanned} (${seconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(0)} s): ${fmtMetrics(rec.metrics)}`);
    this.drawLine(Date.now(), true);
    this.drawChart(Date.now());
    return rec;
  }

  /** The text of the progress line, e.g. "epoch 2/10 ▕███░░░▏ 35% 268/766 loss 1.2340 | 31 s, ETA 57 s". */
  line(now = Date.now(), finished = false): string {
    const n = this.batchesPerEpoch;
    const done = finished && n ? n : this.inEpoch;
    const elapsed = now - this.epochStarted;
    let bar = `${done}`;
    if (n) {
      const frac = Math.min(1, done / n);
      const filled = Math.round(frac * 20);
      bar = `▕${"█".repeat(filled)}${"░".repeat(20 - filled)}▏ ${Math.round(frac * 100)}% ${done}/${n}`;
    }
    const running: Metrics = {};
    if (this.inEpoch > 0) {
      running.loss = this.epochLossSum / this.inEpoch;
      for (const [k, v] of Object.entries(this.epochMetricSums)) running[k] = v / this.inEpoch;
    }
    const eta = n && done > 0 && done < n ? `, ETA ${secs((elapsed / done) * (n - done))}` : "";
    const m = Object.entries(running).map(([k, v]) => fmtMetric(k, v)).join(" ");
    return `epoch ${Math.max(this.epoch, 0) + 1}/${this.epochsPlanned} ${bar} ${m} | ${secs(elapsed)}${eta}`;
  }

  /** The chart: mean loss per chunk of batches (left axis) and the recorded accuracies (right axis). */
  figure(): Figure {
    const per = this.batchesPerEpoch;
    const chunk = per ? Math.max(1, Math.round(per / 40)) : 10;
    const x = (step: number): number => (per ? step / per : step);
    const loss: { x: number[]; y: number[] } = { x: [], y: [] };
    const batchTraces: Record<string, { x: number[]; y: number[] }> = {};
    for (let s = 0; s < this.losses.length; s += chunk) {
      const end = Math.min(s + chunk, this.losses.length);
      const part = this.losses.slice(s, end);
      loss.x.push(x(end));
      loss.y.push(part.reduce((a, b) => a + b, 0) / part.length);
      const keys = Object.keys(this.batchMetrics[s] ?? {});
      for (const k of keys) {
        const vals = this.batchMetrics.slice(s, end).map((m) => m[k]).filter((v) => v !== undefined);
        const t = (batchTraces[k] ??= { x: [], y: [] });
        t.x.push(x(end));
        t.y.push(vals.reduce((a, b) => a + b, 0) / vals.length);
      }
    }
    const evalTraces: Record<string, { x: number[]; y: number[] }> = {};
    for (const e of this.evaluations) {
      for (const [k, v] of Object.entries(e.metrics)) {
        const t = (evalTraces[k] ??= { x: [], y: [] });
        t.x.push(x(e.step));
        t.y.push(v);
      }
    }
    const axis = (k: string): string => (/acc/i.test(k) ? "y2" : "y");
    const data: Record<string, unknown>[] = [{ type: "scatter", mode: "lines", name: "loss (batches)", ...loss, yaxis: "y" }];
    for (const [k, t] of Object.entries(batchTraces)) data.push({ type: "scatter", mode: "lines", name: `${k} (batches)`, ...t, yaxis: axis(k), opacity: 0.6 });
    for (const [k, t] of Object.entries(evalTraces)) data.push({ type: "scatter", mode: "lines+markers", name: k, ...t, yaxis: axis(k) });
    return {
      data,
      layout: {
        title: { text: this.title },
        xaxis: { title: { text: per ? "epoch" : "iteration" } },
        yaxis: { title: { text: "loss" }, rangemode: "tozero" },
        yaxis2: { title: { text: "accuracy" }, overlaying: "y", side: "right", range: [0, 1] },
        legend: { orientation: "h", y: -0.2 },
        height: 360,
      },
    };
  }

  private print(text: string): void {
    if (this.notebook || !this.quiet) console.log(text);
  }

  private drawLine(now: number, finished = false): void {
    this.lastLine = now;
    if (this.notebook) displayBundle({ "text/plain": this.line(now, finished) }, this.lineId);
  }

  private drawChart(now: number): void {
    this.lastChart = now;
    if (this.notebook && this.chart) showFigure(this.figure(), this.chartId);
  }
}

/** Reads fit's callback logs (numbers, or scalar tensors tfjs has not resolved yet) as plain numbers. */
export function resolveLogs(logs: Logs | undefined, skip: string[] = []): Metrics {
  const out: Metrics = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (skip.includes(k)) continue;
    const value: unknown = v;
    if (typeof value === "number") out[k] = value;
    else if (value instanceof tf.Tensor) out[k] = (value as Tensor).dataSync()[0];
  }
  return out;
}

/**
 * A `model.fit` / `model.fitDataset` callback drawing a TrainingProgress (pass `verbose: 0` to fit so
 * that tfjs prints nothing of its own). After training, `progress` holds the losses and epoch records.
 */
export class FitProgress extends tf.Callback {
  progress?: TrainingProgress;
  private readonly opts: Omit<TrainingProgressOptions, "epochs" | "batchesPerEpoch">;

  constructor(opts: Omit<TrainingProgressOptions, "epochs" | "batchesPerEpoch"> = {}) {
    super();
    this.opts = opts;
  }

  async onTrainBegin(): Promise<void> {
    const p = this.params as { epochs?: number; steps?: number | null; samples?: number | null; batchSize?: number };
    const batchesPerEpoch = p.steps ?? (p.samples && p.batchSize ? Math.ceil(p.samples / p.batchSize) : undefined);
    this.progress = new TrainingProgress({ ...this.opts, epochs: p.epochs ?? 1, batchesPerEpoch });
  }

  async onEpochBegin(epoch: number): Promise<void> {
    this.progress?.startEpoch(epoch);
  }

  async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    const m = resolveLogs(logs, ["batch", "size"]);
    const { loss, ...rest } = m;
    this.progress?.batch(loss ?? NaN, rest);
  }

  async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    // the epoch's mean loss/metrics come from fit itself (they include every batch)
    this.progress?.endEpoch(resolveLogs(logs));
  }
}
