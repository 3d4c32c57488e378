/**
 * README's result tables are generated (scripts/results.ts) from the committed full-run references:
 * a table that drifted from them fails here ("run npm run results").
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { README, assignmentsWithResults, renderResults, updatedReadme } from "../scripts/results";

describe("README result tables", () => {
  it("cover every assignment with full references and match them", () => {
    const names = assignmentsWithResults();
    assert.ok(names.includes("assignment1") && names.includes("assignment2"), names.join(", "));
    const text = fs.readFileSync(README, "utf8");
    assert.equal(updatedReadme(text, names), text, "README.md's result tables are out of date: run `npm run results`");
  });
  it("list the targeted rules with the solution's values", () => {
    const t = renderResults("assignment1");
    assert.match(t, /\| `knn\/best_k_accuracy` \| \*\*0\.\d{3}\*\* \| >= 0\.28 \(\d+ pt\) \| course:/);
    assert.throws(() => updatedReadme("no markers here", ["assignment1"]), /no "<!-- BEGIN results assignment1 -->"/);
  });
});
