/**
 * Grader command line (package.json scripts). Arguments are parsed strictly: an unknown flag, a
 * missing or malformed value exits 2 with the command's usage line.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { assignment } from "./course";
import { DEFAULTS, gradeBatch } from "./grade";
import { makeGradescope } from "./gradescope";
import { makeReferences, refreshRules } from "./references";
import { makeRelease } from "./release";

type Options = NonNullable<ParseArgsConfig["options"]>;
const str = { type: "string" } as const;
const flag = { type: "boolean" } as const;

const COMMANDS: Record<string, { usage: string; options: Options; positionals: "one" | "some" }> = {
  release: { usage: "release <assignment> [--course DIR] [--out DIR] [--no-typecheck]", options: { course: str, out: str, "no-typecheck": flag }, positionals: "one" },
  references: { usage: "references <assignment> [--quick] [--rules-only] [--only NOTEBOOK,...|hidden] [--timeout-cell S] [--course DIR]", options: { quick: flag, "rules-only": flag, only: str, "timeout-cell": str, course: str }, positionals: "one" },
  grade: {
    usage:
      "grade <submission>... [--assignment NAME] [--quick] [--jobs N] [--units N] [--timeout-cell S] [--timeout-total S] [--memory MB] [--disk MB] [--pids N] [--out DIR] [--course DIR] [--no-sandbox]",
    options: {
      assignment: str,
      quick: flag,
      jobs: str,
      units: str,
      "timeout-cell": str,
      "timeout-total": str,
      memory: str,
      disk: str,
      pids: str,
      out: str,
      course: str,
      "no-sandbox": flag,
    },
    positionals: "some",
  },
  gradescope: { usage: "gradescope <assignment> [--quick] [--course DIR] [--out DIR]", options: { quick: flag, course: str, out: str }, positionals: "one" },
};

const USAGE = `usage: npm run <command> -- ...\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join("\n")}`;

/** A bad command line: exit 2 with the usage line. */
export class UsageError extends Error {}

function positiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
}

export async function main(argv: string[], log: (s: string) => void = console.log): Promise<number> {
  const [cmd, ...rest] = argv;
  const spec = COMMANDS[cmd ?? ""];
  if (!spec) throw new UsageError(cmd ? `unknown command ${JSON.stringify(cmd)}` : "no command given");
  let values: Record<string, string | boolean | undefined>;
  let pos: string[];
  try {
    const parsed = parseArgs({ args: rest, options: spec.options, allowPositionals: true, strict: true });
    values = parsed.values as Record<string, string | boolean | undefined>;
    pos = parsed.positionals;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]}\nusage: ${spec.usage}`);
  }
  const usage = (why: string): UsageError => new UsageError(`${why}\nusage: ${spec.usage}`);
  if (spec.positionals === "one" && pos.length !== 1) throw usage(pos.length ? `one assignment expected, got ${pos.length}` : "the assignment is missing");
  if (spec.positionals === "some" && !pos.length) throw usage("no submission given");
  const s = (k: string): string | undefined => values[k] as string | undefined;
  let course: string | undefined;
  let num: Record<string, number | undefined>;
  try {
    course = s("course") !== undefined ? path.resolve(s("course")!) : undefined;
    if (course && !fs.existsSync(course)) throw new UsageError(`--course ${s("course")}: no such directory`);
    num = {
      jobs: positiveInt("jobs", s("jobs")),
      units: positiveInt("units", s("units")),
      timeoutCell: positiveInt("timeout-cell", s("timeout-cell")),
      timeoutTotal: positiveInt("timeout-total", s("timeout-total")),
      memory: positiveInt("memory", s("memory"), 64),
      disk: positiveInt("disk", s("disk"), 1),
      pids: positiveInt("pids", s("pids"), 16),
    };
  } catch (e) {
    throw e instanceof UsageError ? usage(e.message) : e;
  }
  switch (cmd) {
    case "release": {
      const r = makeRelease(assignment(pos[0], course), { outRoot: s("out") ? path.resolve(s("out")!) : undefined, typecheck: !values["no-typecheck"] });
      log(`release: ${r.dir} (${r.files.length} files, ${r.regions} solution regions stripped) and ${r.zip}`);
      return 0;
    }
    case "references": {
      const a = assignment(pos[0], course);
      if (values["rules-only"]) refreshRules(a, { quick: !!values.quick });
      else {
        const only = s("only")?.split(",").map((x) => x.trim()).filter(Boolean);
        if (only && !only.length) throw new Error("--only needs notebook names (e.g. HighLevelAPI.ipynb) or hidden");
        await makeReferences(a, { quick: !!values.quick, timeoutCellSec: num.timeoutCell, only });
      }
      return 0;
    }
    case "grade": {
      const missing = pos.filter((p) => !fs.existsSync(p));
      if (missing.length) throw new Error(`submission${missing.length > 1 ? "s" : ""} not found: ${missing.join(", ")} (nothing was graded)`);
      const a = assignment(s("assignment") ?? "assignment1", course);
      const out = path.resolve(s("out") ?? "grades");
      const rs = await gradeBatch(a, pos, {
        out,
        jobs: num.jobs,
        units: num.units,
        timeoutCellSec: num.timeoutCell ?? DEFAULTS.timeoutCellSec,
        timeoutTotalSec: num.timeoutTotal ?? DEFAULTS.timeoutTotalSec,
        memoryMB: num.memory,
        diskMB: num.disk,
        pids: num.pids,
        noSandbox: !!values["no-sandbox"],
        quick: !!values.quick,
      });
      for (const r of rs) log(`${r.name}\t${r.score}/${r.maxScore}${r.error ? `\t${r.error}` : ""}`);
      log(`results in ${out}`);
      return 0;
    }
    case "gradescope": {
      const z = makeGradescope(assignment(pos[0], course), { outRoot: s("out") ? path.resolve(s("out")!) : undefined, quick: !!values.quick });
      log(`gradescope autograder: ${z}`);
      return 0;
    }
  }
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      if (e instanceof UsageError) {
        console.error(`error: ${e.message}${e.message.includes("usage:") ? "" : `\n${USAGE}`}`);
        process.exit(2);
      }
      console.error(`error: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
