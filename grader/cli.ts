/**
 * Grader command line (package.json scripts):
 *   release <a> [--course DIR] [--out DIR]
 *   references <a> [--quick] [--rules-only] [--course DIR]
 *   grade <submission>... [--assignment a] [--quick] [--jobs N] [--timeout-cell S] [--timeout-total S]
 *         [--memory MB] [--out DIR] [--course DIR] [--no-sandbox]
 *   gradescope <a> [--quick] [--course DIR] [--out DIR]
 */
import * as path from "path";
import { assignment } from "./course";
import { gradeBatch } from "./grade";
import { makeReferences, refreshRules } from "./references";
import { makeRelease } from "./release";
import { makeGradescope } from "./gradescope";

function parse(argv: string[]): { pos: string[]; flags: Record<string, string | true> } {
  const pos: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      if (v !== undefined) flags[k] = v;
      else if (["quick", "no-sandbox", "no-typecheck", "rules-only"].includes(k)) flags[k] = true;
      else flags[k] = argv[++i];
    } else pos.push(a);
  }
  return { pos, flags };
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { pos, flags } = parse(rest);
  const course = typeof flags.course === "string" ? path.resolve(flags.course) : undefined;
  const numFlag = (k: string): number | undefined => (typeof flags[k] === "string" ? Number(flags[k]) : undefined);
  switch (cmd) {
    case "release": {
      const r = makeRelease(assignment(pos[0] ?? "assignment1", course), {
        outRoot: typeof flags.out === "string" ? path.resolve(flags.out) : undefined,
        typecheck: !flags["no-typecheck"],
      });
      console.log(`release: ${r.dir} (${r.files.length} files, ${r.regions} solution regions stripped) and ${r.zip}`);
      return 0;
    }
    case "references": {
      const a = assignment(pos[0] ?? "assignment1", course);
      if (flags["rules-only"]) refreshRules(a, { quick: !!flags.quick });
      else await makeReferences(a, { quick: !!flags.quick, timeoutCellSec: numFlag("timeout-cell") });
      return 0;
    }
    case "grade": {
      if (!pos.length) throw new Error("usage: grade <submission>... [--assignment assignment1] [--out DIR]");
      const a = assignment(typeof flags.assignment === "string" ? flags.assignment : "assignment1", course);
      const out = path.resolve(typeof flags.out === "string" ? flags.out : "grades");
      const rs = await gradeBatch(a, pos, {
        out,
        jobs: numFlag("jobs"),
        timeoutCellSec: numFlag("timeout-cell"),
        timeoutTotalSec: numFlag("timeout-total"),
        memoryMB: numFlag("memory"),
        noSandbox: !!flags["no-sandbox"],
        quick: !!flags.quick,
      });
      for (const r of rs) console.log(`${r.name}\t${r.score}/${r.maxScore}${r.error ? `\t${r.error}` : ""}`);
      console.log(`results in ${out}`);
      return 0;
    }
    case "gradescope": {
      const z = makeGradescope(assignment(pos[0] ?? "assignment1", course), {
        outRoot: typeof flags.out === "string" ? path.resolve(flags.out) : undefined,
        quick: !!flags.quick,
      });
      console.log(`gradescope autograder: ${z}`);
      return 0;
    }
    default:
      console.error("usage: cli.ts release|references|grade|gradescope ...");
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      console.error(`error: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
