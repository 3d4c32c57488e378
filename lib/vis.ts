/**
 * Plotly helpers for notebooks. Figures are shown through Jupyter's `application/vnd.plotly.v1+json`
 * MIME type, which JupyterLab renders natively (plotly's lab extension, installed in .venv).
 * Every helper returns the figure (`{data, layout}`) so tests can inspect it; outside a notebook
 * nothing is displayed.
 */
import { tf, Tensor } from "./tf";
import { displayBundle, newDisplayId } from "./display";
import { seededRandom } from "./util";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Displays a plotly figure (replacing an earlier one with the same displayId, for live charts). */
export function showFigure(fig: Figure, displayId?: string): void {
  const title = (fig.layout.title as { text?: string } | string | undefined);
  const name = `<plotly figure${typeof title === "string" ? `: ${title}` : title?.text ? `: ${title.text}` : ""}>`;
  displayBundle({ [PLOTLY_MIME]: { config: { responsive: true }, ...fig }, "text/plain": name }, displayId);
  last = fig;
}
let last: Figure | undefined;
/**
 * The figure most recently shown (or built outside a notebook). Plot helpers return nothing, so that a
 * notebook cell ending in a plot call prints no value; tests read the figure here.
 */
export function lastFigure(): Figure | undefined {
  return last;
}

/**
 * Tiles images into one grid image, as cs231n's visualize_grid: Xs (N, H, W, C) with C = 1 or 3,
 * each image rescaled to 0..255 on its own range, `padding` pixels between tiles.
 * Returns a (rows*(H+p)-p, cols*(W+p)-p, C) float32 tensor in 0..255.
 */
export function visualizeGrid(Xs: Tensor, opts: { ubound?: number; padding?: number; cols?: number } = {}): Tensor {
  const { ubound = 255, padding = 1 } = opts;
  if (Xs.rank !== 4) throw new Error(`visualizeGrid: Xs must be (N, H, W, C), got shape (${Xs.shape.join(", ")})`);
  const [N, H, W, C] = Xs.shape;
  const cols = opts.cols ?? Math.ceil(Math.sqrt(N));
  const rows = Math.ceil(N / cols);
  return tf.tidy(() => {
    const lo = Xs.min([1, 2, 3], true);
    const hi = Xs.max([1, 2, 3], true);
    const scaled = Xs.sub(lo).div(hi.sub(lo).maximum(1e-8)).mul(ubound);
    const blank = tf.zeros([H, W, C]);
    const tiles = tf.unstack(scaled);
    while (tiles.length < rows * cols) tiles.push(blank);
    const rowImgs: Tensor[] = [];
    for (let r = 0; r < rows; r++) {
      const parts: Tensor[] = [];
      for (let c = 0; c < cols; c++) {
        if (c > 0 && padding > 0) parts.push(tf.zeros([H, padding, C]));
        parts.push(tiles[r * cols + c]);
      }
      if (r > 0 && padding > 0) rowImgs.push(tf.zeros([padding, cols * W + (cols - 1) * padding, C]));
      rowImgs.push(tf.concat(parts, 1));
    }
    return tf.concat(rowImgs, 0);
  });
}

/** Encodes 8-bit RGB (or gray) pixels, row-major HWC, as a PNG file. */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: 1 | 3): Buffer {
  const zlib = require("zlib") as typeof import("zlib");
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let r = 0; r < height; r++) {
    raw[r * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(r * stride, (r + 1) * stride), r * (stride + 1) + 1);
  }
  const chunk = (type: string, body: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type, "ascii"), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(tb) >>> 0);
    return Buffer.concat([len, tb, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? 2 : 0; // colour type: RGB or gray
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A PNG data URI of an (H, W) or (H, W, C) image with values 0..255 (C = 1, 3 or 4; alpha dropped). */
export function imageDataUri(img: Tensor): string {
  const x = tf.tidy(() => {
    const t = img.rank === 2 ? img.expandDims(2) : img;
    const c = t.shape[2] as number;
    return (c === 4 ? t.slice([0, 0, 0], [-1, -1, 3]) : t).clipByValue(0, 255).round();
  });
  const [h, w, c] = x.shape as [number, number, number];
  const px = Uint8Array.from(x.dataSync());
  x.dispose();
  return "data:image/png;base64," + encodePng(px, h, w, c === 1 ? 1 : 3).toString("base64");
}

/**
 * Shows images in a grid with a caption per tile: Xs (N, H, W, C) in 0..255 (or any range with
 * `rescale`), laid out `cols` per row; `labels[i]` is drawn under tile i.
 */
export function showImageGrid(Xs: Tensor, opts: { cols: number; labels?: string[]; columnTitles?: string[]; title?: string; rescale?: boolean; scale?: number }): void {
  const [N, H, W] = Xs.shape as number[];
  const { cols, scale = 2 } = opts;
  const rows = Math.ceil(N / cols);
  const grid = opts.rescale ? visualizeGrid(Xs, { cols, padding: 2 }) : tf.tidy(() => visualizeGridRaw(Xs, cols, 2));
  const [gh, gw] = grid.shape as number[];
  const uri = imageDataUri(grid);
  grid.dispose();
  const annotations: Record<string, unknown>[] = [];
  (opts.columnTitles ?? []).forEach((t, c) => annotations.push({ x: c * (W + 2) + W / 2, y: -4, text: t, showarrow: false, xref: "x", yref: "y", font: { size: 11 } }));
  (opts.labels ?? []).forEach((t, i) => annotations.push({ x: (i % cols) * (W + 2) + W / 2, y: Math.floor(i / cols) * (H + 2) + H + 1, text: t, showarrow: false, xref: "x", yref: "y", font: { size: 8 } }));
  const fig: Figure = {
    data: [{ type: "image", source: uri, x0: 0, y0: 0, dx: 1, dy: 1, hoverinfo: "skip" }],
    layout: {
      title: { text: opts.title ?? "" },
      width: Math.max(300, gw * scale + 40), height: gh * scale + 80 + (opts.labels ? rows * 6 : 0),
      xaxis: { visible: false, range: [-0.5, gw] }, yaxis: { visible: false, range: [gh + 6, -10], scaleanchor: "x" },
      margin: { l: 10, r: 10, t: 50, b: 10 }, annotations,
    },
  };
  showFigure(fig);
}

/** Like visualizeGrid but keeps the values as they are (images already in 0..255). */
function visualizeGridRaw(Xs: Tensor, cols: number, padding: number): Tensor {
  const [N, H, W, C] = Xs.shape as number[];
  const rows = Math.ceil(N / cols);
  const padded = tf.pad(Xs, [[0, rows * cols - N], [0, padding], [0, padding], [0, 0]], 255);
  const g = padded.reshape([rows, cols, H + padding, W + padding, C]).transpose([0, 2, 1, 3, 4])
    .reshape([rows * (H + padding), cols * (W + padding), C]);
  return g.slice([0, 0, 0], [rows * (H + padding) - padding, cols * (W + padding) - padding, C]);
}

/** Shows `perClass` random training images of every class, one column per class (course's first plot). */
export function showSamplesPerClass(X: Tensor, y: Tensor, classes: string[], perClass = 7, seed = 0): void {
  const labels = y.dataSync();
  const rand = seededRandom(seed + 1);
  const byClass = classes.map((_, c) => {
    const idx: number[] = [];
    labels.forEach((l, i) => { if (l === c) idx.push(i); });
    for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    return idx.slice(0, perClass);
  });
  const order: number[] = [];
  for (let r = 0; r < perClass; r++) byClass.forEach((idx) => order.push(idx[r]));
  const picked = tf.gather(X, order);
  showImageGrid(picked, { cols: classes.length, columnTitles: classes, title: `${perClass} samples per class` });
  picked.dispose();
}

/**
 * Line chart of one or more series, e.g. loss history or train/val accuracy per epoch. x defaults to
 * 0, 1, 2, ... (iterations, epochs); `x` gives shared x values and `logX` a logarithmic x axis.
 */
export function lineChart(
  series: Record<string, number[]>,
  opts: { title?: string; xlabel?: string; ylabel?: string; mode?: string; displayId?: string; x?: number[]; logX?: boolean; yrange?: [number, number] } = {},
): void {
  return showFigure({
    data: Object.entries(series).map(([name, ys]) => ({ type: "scatter", mode: opts.mode ?? "lines", name, x: opts.x ?? ys.map((_, i) => i), y: ys })),
    layout: {
      title: { text: opts.title ?? "" },
      xaxis: { title: { text: opts.xlabel ?? "" }, ...(opts.logX ? { type: "log" } : {}) },
      yaxis: { title: { text: opts.ylabel ?? "" }, ...(opts.yrange ? { range: opts.yrange } : {}) },
    },
  }, opts.displayId);
}

/** Scatter of all points plus a line of means with standard-deviation error bars (e.g. k-fold CV). */
export function errorBarChart(xs: number[], values: number[][], opts: { title?: string; xlabel?: string; ylabel?: string } = {}): void {
  const mean = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const std = values.map((v, i) => Math.sqrt(v.reduce((a, b) => a + (b - mean[i]) ** 2, 0) / v.length));
  return showFigure({
    data: [
      { type: "scatter", mode: "markers", name: "folds", x: xs.flatMap((x, i) => values[i].map(() => x)), y: values.flat(), marker: { size: 5 } },
      { type: "scatter", mode: "lines+markers", name: "mean ± std", x: xs, y: mean, error_y: { type: "data", array: std, visible: true } },
    ],
    layout: { title: { text: opts.title ?? "" }, xaxis: { title: { text: opts.xlabel ?? "" } }, yaxis: { title: { text: opts.ylabel ?? "" } } },
  });
}

/** Heat map of z[row][col], e.g. validation accuracy over learning rate x regularization, or a distance matrix. */
export function heatmap(z: number[][], opts: { x?: (string | number)[]; y?: (string | number)[]; title?: string; xlabel?: string; ylabel?: string; colorscale?: string } = {}): void {
  return showFigure({
    data: [{ type: "heatmap", z, x: opts.x, y: opts.y, colorscale: opts.colorscale ?? "Viridis" }],
    layout: { title: { text: opts.title ?? "" }, xaxis: { title: { text: opts.xlabel ?? "" }, type: "category" }, yaxis: { title: { text: opts.ylabel ?? "" }, type: "category" } },
  });
}

/**
 * A chart that updates in place while training runs (one display entry, replaced on every `update`).
 * Solver uses it when shown in a notebook.
 */
export class LiveChart {
  private readonly id = newDisplayId("live");
  private readonly series: Record<string, number[]> = {};
  constructor(private readonly title: string, private readonly xlabel = "iteration") {}
  /** Appends values (by series name) and redraws. */
  update(values: Record<string, number>): void {
    for (const [k, v] of Object.entries(values)) (this.series[k] ??= []).push(v);
    lineChart(this.series, { title: this.title, xlabel: this.xlabel, displayId: this.id });
  }
}

// BEGIN ASSIGNMENT assignment2
/** What showTrainingHistories plots of a Solver (or anything with the same histories). */
export interface TrainingHistory {
  lossHistory: number[];
  trainAccHistory: number[];
  valAccHistory: number[];
}

/**
 * The course's three training plots for several runs side by side (e.g. one per update rule): the
 * training loss per iteration, and the training and validation accuracy per epoch, one chart each.
 * `charts` picks a subset (default all three).
 */
export function showTrainingHistories(
  runs: Record<string, TrainingHistory>,
  opts: { title?: string; charts?: ("loss" | "train" | "val")[] } = {},
): void {
  const pre = opts.title ? `${opts.title}: ` : "";
  const pick = (f: (h: TrainingHistory) => number[]): Record<string, number[]> =>
    Object.fromEntries(Object.entries(runs).map(([name, h]) => [name, f(h)]));
  const charts = opts.charts ?? ["loss", "train", "val"];
  if (charts.includes("loss")) lineChart(pick((h) => h.lossHistory), { title: `${pre}training loss`, xlabel: "iteration", ylabel: "loss", mode: "markers" });
  if (charts.includes("train")) lineChart(pick((h) => h.trainAccHistory), { title: `${pre}training accuracy`, xlabel: "epoch", ylabel: "accuracy", mode: "lines+markers" });
  if (charts.includes("val")) lineChart(pick((h) => h.valAccHistory), { title: `${pre}validation accuracy`, xlabel: "epoch", ylabel: "accuracy", mode: "lines+markers" });
}
// END ASSIGNMENT
