/**
 * `check(id, value)`: records a gradable value (SPEC section 5).
 *
 * In a notebook it displays a readable line and a machine-readable `display_data` with MIME type
 * `application/vnd.cs231n.check+json`: `{"id", "value", "shape"?}`. Tensors and nested arrays are
 * flattened (row-major) with their shape; non-finite numbers are written as the strings "NaN",
 * "Infinity", "-Infinity" so that the JSON stays valid. Every call is also kept in `checkLog()`.
 *
 * Size limit: a value holds at most `CHECK_MAX_ELEMENTS` (1,000,000) elements — a 1,000×1,000
 * tensor is fine — and at most `CHECK_MAX_CHARS` (1,000,000) characters of text. A larger value
 * throws an error naming the id, its size and the limit (record a slice or a summary instead); the
 * grader drops oversized records made any other way with the same message.
 *
 * This file does not load TensorFlow: anything tensor-like (`shape`, `size`, `dataSync()`) is
 * accepted, so `check` costs nothing in a kernel that never uses tf.
 */
import { displayBundle } from "./display";

export const CHECK_MIME = "application/vnd.cs231n.check+json";
/** Most elements one check value may hold (the grader enforces the same limit). */
export const CHECK_MAX_ELEMENTS = 1_000_000;
/** Most characters of text (all strings of the value together) one check value may hold. */
export const CHECK_MAX_CHARS = 1_000_000;
const MAX_DEPTH = 32;

export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity";
export type CheckScalar = JsonNumber | string | boolean;
export interface CheckRecord {
  id: string;
  value: CheckScalar | CheckScalar[];
  shape?: number[];
}
/** What `check` needs of a tensor: a `tf.Tensor` is one. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly size: number;
  readonly dtype: string;
  dataSync(): ArrayLike<unknown>;
}
type Nested = number | boolean | string | Nested[];
export type CheckValue = Nested | Float32Array | Int32Array | Uint8Array | TensorLike;

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
const grouped = (n: number): string => n.toLocaleString("en-US");

function tooBig(id: string, what: string, limit: string): Error {
  return new Error(
    `check(${id}): the value is too large to record: ${what}; the limit is ${limit}. ` +
      "Check a smaller part or a summary instead (e.g. a few rows, the shape, the mean).",
  );
}
function limitElements(id: string, n: number, shape?: readonly number[]): void {
  if (n > CHECK_MAX_ELEMENTS)
    throw tooBig(id, `${grouped(n)} elements${shape ? ` (shape ${shape.join("×")})` : ""}`, `${grouped(CHECK_MAX_ELEMENTS)} elements`);
}

function isTensorLike(v: unknown): v is TensorLike {
  const t = v as TensorLike;
  return typeof v === "object" && v !== null && Array.isArray(t.shape) && typeof t.size === "number" && typeof t.dataSync === "function";
}

function flattenNested(id: string, v: Nested[]): { flat: (number | boolean | string)[]; shape: number[] } {
  const shape: number[] = [];
  let level: Nested = v;
  while (Array.isArray(level)) {
    if (shape.length >= MAX_DEPTH) throw new Error(`check(${id}): arrays nested more than ${MAX_DEPTH} levels deep`);
    shape.push(level.length);
    level = level[0];
  }
  limitElements(id, shape.reduce((a, b) => a * b, 1), shape);
  const flat: (number | boolean | string)[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (Array.isArray(x)) {
      if (x.length !== shape[depth]) throw new Error(`check(${id}): ragged array (expected length ${shape[depth]} at depth ${depth}, got ${x.length})`);
      for (const y of x) walk(y, depth + 1);
    } else {
      if (depth !== shape.length) throw new Error(`check(${id}): ragged array (mixed nesting depth)`);
      flat.push(x);
    }
  };
  walk(v, 0);
  return { flat, shape };
}

function limitChars(id: string, values: readonly CheckScalar[]): void {
  let chars = 0;
  for (const x of values) if (typeof x === "string") chars += x.length;
  if (chars > CHECK_MAX_CHARS) throw tooBig(id, `${grouped(chars)} characters of text`, `${grouped(CHECK_MAX_CHARS)} characters`);
}

/** Converts a value to its check record (no display). Throws if it is over the size limit. */
export function toCheckRecord(id: string, value: CheckValue): CheckRecord {
  if (typeof id !== "string" || !/^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+)*$/.test(id)) {
    throw new Error(`check: id must look like "notebook/name" (letters, digits, _ . - /), got ${JSON.stringify(id)}`);
  }
  if (isTensorLike(value)) {
    limitElements(id, value.size, value.shape);
    const data = Array.from(value.dataSync(), (x) => (typeof x === "number" ? jsonNumber(x) : typeof x === "boolean" ? x : String(x)));
    if (value.shape.length === 0) return { id, value: data[0], shape: [] };
    return { id, value: data, shape: [...value.shape] };
  }
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) {
    limitElements(id, value.length);
    return { id, value: Array.from(value, jsonNumber), shape: [value.length] };
  }
  if (Array.isArray(value)) {
    const { flat, shape } = flattenNested(id, value);
    const values = flat.map(scalar);
    limitChars(id, values);
    return { id, value: values, shape };
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
    const v = scalar(value);
    limitChars(id, [v]);
    return { id, value: v };
  }
  throw new Error(`check(${id}): unsupported value of type ${typeof value}; pass a number, boolean, string, array or tf.Tensor`);
}

function fmt(x: CheckScalar): string {
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : x.toPrecision(6);
  const s = JSON.stringify(x);
  return s.length > 80 ? `${s.slice(0, 77)}…"` : s;
}

/** One readable line describing a record. */
export function describeCheck(r: CheckRecord): string {
  if (!Array.isArray(r.value)) return `check ${r.id}: ${fmt(r.value)}`;
  const shape = `(${(r.shape ?? [r.value.length]).join(", ")})`;
  if (r.value.length <= 6) return `check ${r.id}: ${shape} [${r.value.map(fmt).join(", ")}]`;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let numeric = true;
  for (const x of r.value) {
    if (typeof x !== "number") {
      numeric = false;
      break;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  if (numeric) return `check ${r.id}: ${shape} min ${fmt(min)}, max ${fmt(max)}, mean ${fmt(sum / r.value.length)}`;
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
