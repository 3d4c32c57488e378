/**
 * Quick mode: `CS231N_QUICK=1` makes notebooks shrink data sizes and iteration counts so that
 * tests can run every notebook headless in seconds. `quick(full, small)` picks the value to use.
 */
export const QUICK: boolean = process.env.CS231N_QUICK === "1";

/** Returns `small` in quick mode, `full` otherwise. */
export function quick<T>(full: T, small: T): T {
  return QUICK ? small : full;
}
