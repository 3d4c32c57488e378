/**
 * Image features (cs231n's features.py): HOG and a hue colour histogram, and extractFeatures which
 * applies feature functions to every image. Features are computed on typed arrays (in float64),
 * which is much faster than many tiny tensor ops per image.
 */
import { tf, Tensor } from "./tf";

/** A feature function: one image (H, W, C) → a 1-D feature vector (F,). */
export type FeatureFn = (img: Tensor) => Tensor;

/** Fast path: a function on raw HWC pixels; extractFeatures uses it when a FeatureFn carries one. */
export type RawFeatureFn = (px: Float32Array, H: number, W: number, C: number) => Float32Array;
const RAW = Symbol("rawFeature");
type WithRaw = FeatureFn & { [RAW]?: RawFeatureFn };

function withRaw(raw: RawFeatureFn): FeatureFn {
  const f: WithRaw = (img: Tensor) => {
    const [H, W, C] = (img.rank === 2 ? [img.shape[0], img.shape[1], 1] : img.shape) as [number, number, number];
    return tf.tensor1d(raw(Float32Array.from(img.dataSync() as ArrayLike<number>), H, W, C));
  };
  f[RAW] = raw;
  return f;
}

/** HOG on raw HWC pixels (see hogFeature). */
export function hogRaw(px: Float32Array, H: number, W: number, C: number): Float32Array {
  const gray = new Float64Array(H * W);
  if (C >= 3) {
    // the course's rgb2gray weights (sic: 0.144 for blue)
    for (let p = 0; p < H * W; p++) gray[p] = 0.299 * px[p * C] + 0.587 * px[p * C + 1] + 0.144 * px[p * C + 2];
  } else {
    for (let p = 0; p < H * W; p++) gray[p] = px[p * C];
  }
  const orientations = 9;
  const cx = 8;
  const cy = 8;
  const nCellsX = Math.floor(H / cx); // the course's sx is the row count
  const nCellsY = Math.floor(W / cy);
  const mag = new Float64Array(H * W);
  const bin = new Int8Array(H * W);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const p = r * W + c;
      const gx = c < W - 1 ? gray[p + 1] - gray[p] : 0;
      const gy = r < H - 1 ? gray[p + W] - gray[p] : 0;
      mag[p] = Math.sqrt(gx * gx + gy * gy);
      const ori = Math.atan2(gy, gx + 1e-15) * (180 / Math.PI) + 90;
      // a pixel counts in bin i when 180/9*i <= ori < 180/9*(i+1) and ori > 0
      let b = -1;
      if (ori > 0 && ori < 180) {
        for (let i = 0; i < orientations; i++) {
          if (ori >= (180 / orientations) * i && ori < (180 / orientations) * (i + 1)) { b = i; break; }
        }
      }
      bin[p] = b;
    }
  }
  // hist[a, b, i]: a = cell row block of the transposed map = column cell, b = row cell (course's .T)
  const out = new Float32Array(nCellsY * nCellsX * orientations);
  const sums = new Float64Array(nCellsX * nCellsY * orientations);
  for (let r = 0; r < nCellsX * cx; r++) {
    for (let c = 0; c < nCellsY * cy; c++) {
      const p = r * W + c;
      if (bin[p] < 0) continue;
      const cellR = Math.floor(r / cx);
      const cellC = Math.floor(c / cy);
      sums[(cellC * nCellsX + cellR) * orientations + bin[p]] += mag[p];
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = sums[k] / (cx * cy);
  return out;
}

/**
 * Histogram of oriented gradients of one image, as the course's hog_feature: grayscale, forward
 * differences, 9 unsigned orientation bins over [0, 180), 8x8-pixel cells, the mean gradient
 * magnitude per cell and bin. img: (H, W, 3) RGB or (H, W) gray. Returns (floor(H/8)*floor(W/8)*9,),
 * 144 values for 32x32, ordered like the course's orientation_histogram.ravel().
 */
export const hogFeature: FeatureFn = withRaw(hogRaw);

export interface ColorHistogramOptions {
  /** number of bins (default 10) */
  nbin?: number;
  /** range of the histogram (default 0..255) */
  xmin?: number;
  xmax?: number;
  /** return per-bin fractions of the pixels (density × bin width, the course's result; default true) instead of counts */
  normalized?: boolean;
}

/** Hue histogram on raw HWC RGB pixels (see colorHistogramHsv). */
export function colorHistogramHsvRaw(px: Float32Array, H: number, W: number, C: number, opts: ColorHistogramOptions = {}): Float32Array {
  const { nbin = 10, xmin = 0, xmax = 255, normalized = true } = opts;
  const counts = new Float64Array(nbin);
  let total = 0;
  const width = (xmax - xmin) / nbin;
  for (let p = 0; p < H * W; p++) {
    const r = px[p * C] / xmax;
    const g = px[p * C + 1] / xmax;
    const b = px[p * C + 2] / xmax;
    const mx = Math.max(r, g, b);
    const delta = mx - Math.min(r, g, b);
    let h = 0;
    // matplotlib's rgb_to_hsv: later cases win (blue over green over red)
    if (delta > 0) {
      if (b === mx) h = 4 + (r - g) / delta;
      else if (g === mx) h = 2 + (b - r) / delta;
      else h = (g - b) / delta;
      h = ((h / 6) % 1 + 1) % 1;
    }
    const v = h * xmax;
    if (v < xmin || v > xmax) continue;
    let k = Math.floor((v - xmin) / width);
    if (k >= nbin) k = nbin - 1;
    counts[k] += 1;
    total += 1;
  }
  const out = new Float32Array(nbin);
  for (let k = 0; k < nbin; k++) out[k] = normalized ? (total > 0 ? counts[k] / total : 0) : counts[k];
  return out;
}

/**
 * Histogram of hue, as the course's color_histogram_hsv: RGB → HSV (matplotlib's rgb_to_hsv on
 * img / xmax), hue × xmax binned into nbin equal bins over [xmin, xmax]. With `normalized` the
 * numpy density is multiplied by the bin width, i.e. each bin holds its fraction of the pixels.
 * img: (H, W, 3) RGB in 0..255. Returns (nbin,).
 */
export function colorHistogramHsv(img: Tensor, opts: ColorHistogramOptions = {}): Tensor {
  return colorHistogramHsvFn(opts)(img);
}

/** colorHistogramHsv with fixed options as a FeatureFn (with extractFeatures' fast path). */
export function colorHistogramHsvFn(opts: ColorHistogramOptions = {}): FeatureFn {
  return withRaw((px, H, W, C) => colorHistogramHsvRaw(px, H, W, C, opts));
}

/**
 * Applies every feature function to every image and concatenates the results per image.
 * imgs: (N, H, W, C); featureFns: functions (H, W, C) → (F_j,). Returns (N, F) with F = sum F_j.
 * Functions made by this module (hogFeature, colorHistogramHsvFn) run on raw pixels without tensors.
 */
export function extractFeatures(imgs: Tensor, featureFns: FeatureFn[], opts: { verbose?: boolean } = {}): Tensor {
  if (imgs.rank !== 4) throw new Error(`extractFeatures: imgs must be (N, H, W, C), got (${imgs.shape.join(", ")})`);
  const [N, H, W, C] = imgs.shape as [number, number, number, number];
  const all = imgs.dataSync() as Float32Array;
  const per = H * W * C;
  const rawOf = (f: FeatureFn): RawFeatureFn =>
    (f as WithRaw)[RAW] ??
    ((px, h, w, c) => {
      const t = tf.tensor3d(px, [h, w, c]);
      const o = f(t);
      const d = Float32Array.from(o.dataSync() as ArrayLike<number>);
      tf.dispose([t, o]);
      return d;
    });
  const raws = featureFns.map(rawOf);
  if (N === 0) return tf.zeros([0, 0]);
  const first = raws.map((f) => f(all.subarray(0, per), H, W, C));
  const dims = first.map((f) => f.length);
  const F = dims.reduce((a, b) => a + b, 0);
  const out = new Float32Array(N * F);
  for (let i = 0; i < N; i++) {
    const px = all.subarray(i * per, (i + 1) * per);
    let off = i * F;
    raws.forEach((f, j) => {
      const v = i === 0 ? first[j] : f(px, H, W, C);
      if (v.length !== dims[j]) throw new Error(`extractFeatures: feature ${j} gave ${v.length} values for image ${i}, expected ${dims[j]}`);
      out.set(v, off);
      off += v.length;
    });
    if (opts.verbose && i > 0 && i % 10000 === 0) console.log(`Done extracting features for ${i} / ${N} images`);
  }
  return tf.tensor2d(out, [N, F]);
}
