/**
 * Stage 3, validate: each notebook is nbformat 4 JSON that nbformat accepts; a problem is reported
 * per notebook (missing, not JSON, old format, schema error) and that notebook is not run.
 */
import { callPython } from "../python";

export interface ValidNotebook {
  name: string;
  /** the file to run, when valid */
  path?: string;
  /** why it can't be run */
  problem?: string;
}

export async function validate(notebooks: Record<string, string | null>): Promise<ValidNotebook[]> {
  const found = Object.values(notebooks).filter((p): p is string => !!p);
  const problems = found.length ? (await callPython<{ problems: Record<string, string | null> }>("validate", { notebooks: found })).problems : {};
  return Object.entries(notebooks).map(([name, p]) =>
    !p ? { name, problem: `missing notebook ${name}` } : problems[p] ? { name, problem: problems[p]! } : { name, path: p },
  );
}
