/** lib/tslabHeadless.ts: with CS231N_HEADLESS=1 tslab runs the next cell right after a failed one. */
import { strict as assert } from "assert";
import { dropAbortWindow } from "../lib/tslabHeadless";

type Queue = { add<T>(fn: () => T | Promise<T>): Promise<T>; reset(delay?: number): void };

describe("tslab without its abort window (CS231N_HEADLESS=1)", () => {
  it("does nothing unless CS231N_HEADLESS=1; then a task added right after a failure runs instead of being cancelled", async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { TaskQueue } = require("tslab/dist/util") as { TaskQueue: new () => Queue };
    const failThenRun = async (): Promise<string> => {
      const q = new TaskQueue();
      await q.add(() => { throw new Error("the failing cell"); }).catch(() => undefined);
      q.reset(200); // what tslab does after a failed cell
      return q.add(() => "ran").catch((e: Error) => e.name);
    };
    const saved = process.env.CS231N_HEADLESS;
    try {
      delete process.env.CS231N_HEADLESS;
      assert.equal(dropAbortWindow(), false);
      assert.equal(await failThenRun(), "TaskCanceledError", "tslab's own behaviour: the next cell is aborted");
      process.env.CS231N_HEADLESS = "1";
      assert.equal(dropAbortWindow(), true, "tslab's TaskQueue was found and patched");
      assert.equal(await failThenRun(), "ran");
    } finally {
      if (saved === undefined) delete process.env.CS231N_HEADLESS;
      else process.env.CS231N_HEADLESS = saved;
    }
  });
});
