/**
 * Real browser check: JupyterLab (from .venv) headless, Debian's Chromium driven by playwright-core,
 * setup_check.ipynb opened and run in the page, and the plotly chart must render as SVG (not the
 * text/plain fallback). The screenshot goes to artifacts/e2e/setup_check.png (a CI artifact).
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { chromium, Browser } from "playwright-core";

const ROOT = path.resolve(__dirname, "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOT = path.join(ROOT, "artifacts", "e2e", "setup_check.png");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForHttp(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`JupyterLab did not answer at ${url} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("e2e: JupyterLab in Chromium runs setup_check.ipynb and renders plotly", function () {
  this.timeout(240_000);
  this.retries(1); // one retry for browser start-up timing; a real rendering failure fails both tries
  let lab: ChildProcess | undefined;
  let browser: Browser | undefined;
  let labLog = "";
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-e2e-"));

  before(function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (npm install does this as root)`);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (lab?.pid) { try { process.kill(-lab.pid, "SIGTERM"); } catch { /* gone */ } }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(function () {
    // A failed try (even one a retry then passes) shows its error and JupyterLab's last log lines.
    if (this.currentTest?.state === "failed" || this.currentTest?.isFailed?.()) {
      console.log(`      e2e try failed: ${this.currentTest?.err?.message ?? "?"}\n      JupyterLab log tail:\n${labLog.split("\n").slice(-15).join("\n")}`);
    }
  });

  it("opens the notebook, runs all cells and shows an SVG plotly chart", async () => {
    // A retry starts clean: stop what the failed try left running.
    await browser?.close().catch(() => undefined);
    if (lab?.pid) { try { process.kill(-lab.pid, "SIGTERM"); } catch { /* gone */ } }
    const port = await freePort();
    const token = "e2e" + Math.random().toString(36).slice(2);
    // A copy of the notebook, so the run's outputs never touch the committed file.
    const nbDir = fs.mkdtempSync(path.join(tmp, "nb-"));
    fs.copyFileSync(path.join(ROOT, "notebooks", "setup_check.ipynb"), path.join(nbDir, "setup_check.ipynb"));
    lab = spawn(path.join(ROOT, ".venv", "bin", "jupyter"), [
      "lab", "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1",
      `--ServerApp.token=${token}`, `--ServerApp.root_dir=${nbDir}`, "--LabApp.news_url=None",
    ], {
      cwd: ROOT, detached: true,
      env: { ...process.env, JUPYTER_CONFIG_DIR: path.join(nbDir, ".cfg"), JUPYTER_RUNTIME_DIR: path.join(nbDir, ".rt"), JUPYTERLAB_WORKSPACES_DIR: path.join(nbDir, ".ws") },
    });
    lab.stdout?.on("data", (d) => { labLog += d; });
    lab.stderr?.on("data", (d) => { labLog += d; });
    await waitForHttp(`http://127.0.0.1:${port}/api/status?token=${token}`, 60_000);

    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`http://127.0.0.1:${port}/lab/tree/setup_check.ipynb?token=${token}`);
    await page.waitForSelector(".jp-Notebook", { timeout: 60_000 });
    // Wait until the tslab kernel is connected and idle.
    await page.waitForFunction(() => {
      const s = document.querySelector(".jp-Notebook-ExecutionIndicator, [data-status]");
      return !!document.querySelector(".jp-NotebookPanel") && (!s || !/busy|starting|unknown/i.test(s.getAttribute("data-status") ?? ""));
    }, undefined, { timeout: 60_000 });
    await page.click(".jp-NotebookPanel .jp-Notebook");
    await page.getByRole("menuitem", { name: "Run", exact: true }).click();
    await page.locator("#jp-mainmenu-run").getByText("Run All Cells", { exact: true }).click();

    // The chart: plotly's renderer draws an SVG inside .plot-container.
    await page.waitForSelector(".jp-OutputArea .plot-container .main-svg", { timeout: 150_000 });
    const svgCount = await page.locator(".jp-OutputArea .plot-container svg.main-svg").count();
    const hasImage = await page.locator(".jp-OutputArea .plot-container image").count();
    // Our checks appear as their readable text line.
    await page.waitForSelector("text=check setup/tensors_after_dispose", { timeout: 60_000 });
    const text = await page.locator(".jp-OutputArea").allInnerTexts();
    await page.locator(".jp-OutputArea .plot-container").first().scrollIntoViewIfNeeded();
    fs.mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: false });
    console.log(`      plotly SVG nodes: ${svgCount}, <image> tiles: ${hasImage}; screenshot: ${path.relative(ROOT, SHOT)}`);
    assert.ok(svgCount >= 1, "expected a plotly SVG");
    assert.ok(hasImage >= 1, "expected the image grid inside the plotly SVG");
    const all = text.join("\n");
    assert.match(all, /backend: tensorflow, TensorFlow 2\.\d+/);
    assert.match(all, /check setup\/backend: "tensorflow"/);
    assert.doesNotMatch(all, /<plotly figure/, "the text fallback was shown instead of the chart");
  });
});
