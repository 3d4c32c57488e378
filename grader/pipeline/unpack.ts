/**
 * Stage 1, unpack: a submission (folder or .zip) → a folder holding its files. Zips are extracted
 * safely by Python's zipfile (no absolute or `..` paths, no symlinks, size and entry caps).
 */
import * as fs from "fs";
import * as path from "path";
import { callPython } from "../python";

export interface Unpacked {
  /** the folder with the submission's files (the submission itself, or the extracted zip) */
  dir: string;
}

export async function unpack(submission: string, work: string): Promise<Unpacked> {
  const src = path.resolve(submission);
  if (!fs.existsSync(src)) throw new Error(`submission not found: ${submission}`);
  if (fs.statSync(src).isDirectory()) return { dir: src };
  if (!/\.zip$/i.test(src)) throw new Error(`a submission must be a folder or a .zip file: ${submission}`);
  const dest = path.join(work, "unpacked");
  fs.mkdirSync(dest);
  const r = await callPython<{ ok: boolean; error?: string }>("unzip", { zip: src, dest });
  if (!r.ok) throw new Error(r.error ?? "the zip could not be extracted");
  return { dir: dest };
}
