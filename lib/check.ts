/**
 * `check(id, value)`: records a gradable value (SPEC section 5).
 *
 * In a notebook it displays a readable line and a machine-readable `display_data` with MIME type
 * `application/vnd.cs231n.check+json`: `{"id", "value", "shape"?}`. Tensors and nested arrays are
 * flattened (row-major) with their shape; non-finite numbers are written as the strings "NaN",
 * "Infinity", "-Infinity" so that the JSON stays valid. Every call is also kept in `checkLog()`.
 */
import { tf, Tensor } from "./tf";
import { displayBundle } from "./display";

export const CHECK_MIME = "application/vnd.cs231n.check+json";

export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";
export type CheckScalar = JsonNumber | string | boolean;
export interface CheckRecord {
  id: string;
  value: CheckScalar | CheckScalar[];
  shape?: number[];
}
type Nested = number | boolean | string | Nested[];
export type CheckValue = Nested | Float32Array | Int32Array | Uint8Array | Tensor;

const log: CheckRecord[] = [];
/** All checks recorded in this process, in order. */
export function checkLog(): readonly CheckRecord[] {
  return log;
}

function jsonNumber(x: number): JsonNumber {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return x;
}
function scalar(x: number | boolean | string): CheckScalar {
  return typeof x === "number" ? jsonNumber(x) : x;
}

function flattenNested(v: Nested[]): { flat: (number | boolean | string)[]; shape: number[] } {
  const shape: number[] = [];
  let level: Nested = v;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: (number | boolean | string)[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (Array.isArray(x)) {
      if (x.length !== shape[depth]) throw new Error(`check: ragged array (expected length ${shape[depth]} at depth ${depth}, got ${x.length})`);
      x.forEach((y) => walk(y, depth + 1));
    } else {
      if (depth !== shape.length) throw new Error("check: ragged array (mixed nesting depth)");
      flat.push(x);
    }
  };
  walk(v, 0);
  return { flat, shape };
}

/** Converts a value to its check record (no display). */
export function toCheckRecord(id: string, value: CheckValue): CheckRecord {
  if (typeof id !== "string" || !/^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+)*$/.test(id)) {
    throw new Error(`check: id must look like "notebook/name" (letters, digits, _ . - /), got ${JSON.stringify(id)}`);
  }
  if (value instanceof tf.Tensor) {
    const data = Array.from(value.dataSync() as ArrayLike<number>, jsonNumber);
    if (value.shape.length === 0) return { id, value: data[0], shape: [] };
    return { id, value: data, shape: [...value.shape] };
  }
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) {
    return { id, value: Array.from(value, jsonNumber), shape: [value.length] };
  }
  if (Array.isArray(value)) {
    const { flat, shape } = flattenNested(value);
    return { id, value: flat.map(scalar), shape };
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
    return { id, value: scalar(value) };
  }
  throw new Error(`check(${id}): unsupported value of type ${typeof value}; pass a number, boolean, string, array or tf.Tensor`);
}

function fmt(x: CheckScalar): string {
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : x.toPrecision(6);
  return JSON.stringify(x);
}

/** One readable line describing a record. */
export function describeCheck(r: CheckRecord): string {
  if (!Array.isArray(r.value)) return `check ${r.id}: ${fmt(r.value)}`;
  const shape = `(${(r.shape ?? [r.value.length]).join(", ")})`;
  const nums = r.value.filter((x): x is number => typeof x === "number");
  if (r.value.length <= 6) return `check ${r.id}: ${shape} [${r.value.map(fmt).join(", ")}]`;
  if (nums.length === r.value.length) {
    const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
    return `check ${r.id}: ${shape} min ${fmt(Math.min(...nums))}, max ${fmt(Math.max(...nums))}, mean ${fmt(mean)}`;
  }
  return `check ${r.id}: ${shape} [${r.value.slice(0, 4).map(fmt).join(", ")}, …]`;
}

/**
 * Records `value` under `id` (unique per notebook, e.g. "knn/dists_two_loops") and shows it.
 * `opts.quiet` suppresses the readable line (the MIME bundle is still emitted). Returns nothing, so
 * a notebook cell ending in `check(...)` prints no extra value; the record is in `checkLog()`.
 */
export function check(id: string, value: CheckValue, opts: { quiet?: boolean } = {}): void {
  const rec = toCheckRecord(id, value);
  log.push(rec);
  const line = describeCheck(rec);
  const shown = displayBundle({ "text/plain": opts.quiet ? `check ${id}` : line, [CHECK_MIME]: rec });
  if (!shown && !opts.quiet) console.log(line);
}
