/**
 * Rich output in a notebook. Inside the tslab kernel, `displayBundle` emits a Jupyter `display_data`
 * message with several MIME types at once (values may be JSON objects, as plotly's and our check
 * MIME types need); outside a kernel (mocha, node scripts) it returns false and callers print text.
 */
export type MimeBundle = Record<string, unknown>;
type Writer = (data: { data: MimeBundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

function tslabWriter(): Writer | null {
  // The kernel loads tslab/dist/jupyter.js; user code shares the process and its require cache.
  for (const key of Object.keys(require.cache)) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) {
      const w = (require.cache[key]?.exports as { lastWriteDisplayData?: Writer | null }).lastWriteDisplayData;
      if (typeof w === "function") return w;
    }
  }
  return null;
}

/** True when running in a tslab kernel that can display rich output. */
export function inNotebook(): boolean {
  return tslabWriter() !== null;
}

/**
 * Displays a MIME bundle. With `displayId`, later calls with the same id replace the output in place
 * (`update_display_data`), which live charts and progress bars use. Returns false outside a kernel.
 */
export function displayBundle(bundle: MimeBundle, displayId?: string): boolean {
  const w = tslabWriter();
  if (!w) return false;
  const update = displayId !== undefined && shown.has(displayId);
  if (displayId !== undefined) shown.add(displayId);
  w({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
  return true;
}
const shown = new Set<string>();

let counter = 0;
/** A fresh display id for an output that will be updated in place. */
export function newDisplayId(prefix = "cs231n"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
