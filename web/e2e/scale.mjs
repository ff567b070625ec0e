// The nodes page at 320 GPUs (40 nodes x 8), with the API answered by synthetic data in the
// browser (page.route), to check that the heat grid still reads at that size. No hub needed,
// only the built dashboard (GW_DASHBOARD_URL, default http://127.0.0.1:4173).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const base = (process.env.GW_DASHBOARD_URL ?? "http://127.0.0.1:4173").replace(/\/$/, "");
const shots = process.env.GW_SCREENSHOTS ?? join(here, "screenshots");
mkdirSync(shots, { recursive: true });

const NODES = 40;
const GPUS = 8;
const now = Date.now() / 1000;
const name = (i) => `gpu${String(i + 1).padStart(3, "0")}`;
const states = ["mixed", "allocated", "idle", "mixed+drain", "down*", "mixed", "allocated", "maint"];
const vec = (result) => ({ status: "success", data: { resultType: "vector", result } });
const sample = (metric, v) => ({ metric, value: [now, String(v)] });

function answer(query) {
  const out = [];
  if (query.startsWith("max by (Hostname, gpu, modelName, hpc_job, instance)")) {
    for (let n = 0; n < NODES; n++) {
      if (n % 10 === 4) continue; // a silent node every 10
      for (let g = 0; g < GPUS; g++) {
        const job = (n * GPUS + g) % 5 === 0 ? undefined : String(1000 + Math.floor((n * GPUS + g) / 4));
        const util = job ? ((n * 37 + g * 13) % 100) : 0;
        const idle = job && (n + g) % 9 === 0 ? 1 : util;
        out.push(sample({ Hostname: name(n), gpu: String(g), modelName: "NVIDIA H100 80GB HBM3", instance: `${name(n)}:9400`, ...(job ? { hpc_job: job } : {}) }, idle));
      }
    }
  } else if (query.includes("gpuwatchdog_gpu_up")) {
    for (let n = 0; n < NODES; n++) for (let g = 0; g < GPUS; g++) if (n % 10 !== 4) out.push(sample({ Hostname: name(n), gpu: String(g), instance: `${name(n)}:9400` }, n === 7 && g === 3 ? 0 : 1));
  } else if (query.includes("slurm_node_(info")) {
    for (let n = 0; n < NODES; n++) {
      out.push(sample({ __name__: "slurm_node_info", node: name(n), state: n % 10 === 4 ? "down*" : states[n % states.length], partitions: n < 20 ? "gpu" : "gpu,long" }, 1));
      out.push(sample({ __name__: "slurm_node_gpus", node: name(n) }, GPUS));
      out.push(sample({ __name__: "slurm_node_gpus_alloc", node: name(n) }, 6));
      out.push(sample({ __name__: "slurm_node_cpu_total", node: name(n) }, 128));
      out.push(sample({ __name__: "slurm_node_cpu_alloc", node: name(n) }, 96));
      out.push(sample({ __name__: "slurm_node_mem_total", node: name(n) }, 1024000));
      out.push(sample({ __name__: "slurm_node_mem_alloc", node: name(n) }, 512000));
    }
  } else if (query === "up") {
    for (let n = 0; n < NODES; n++) out.push(sample({ __name__: "up", instance: `${name(n)}:9400`, job: "gpu" }, n % 10 === 4 ? 0 : 1));
  } else if (query.startsWith("last_over_time")) {
    for (let n = 0; n < NODES; n++) out.push(sample({ instance: `${name(n)}:9400` }, n % 10 === 4 ? now - 1800 : now - 1));
  }
  return vec(out);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let failed = false;
try {
  for (const scheme of ["light", "dark"]) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: scheme });
    const page = await ctx.newPage();
    await page.route("**/api/v1/**", async (route) => {
      const url = new URL(route.request().url());
      const body = new URLSearchParams(route.request().postData() ?? "");
      let json;
      if (url.pathname.endsWith("/query")) json = answer(body.get("query") ?? "");
      else if (url.pathname.endsWith("/query_range")) json = { status: "success", data: { resultType: "matrix", result: [] } };
      else if (url.pathname.endsWith("/alerts")) json = { status: "success", data: { alerts: [] } };
      else json = { status: "success", data: { groups: [] } };
      await route.fulfill({ contentType: "application/json", body: JSON.stringify(json) });
    });
    await page.goto(`${base}/nodes?refresh=off`);
    await page.getByTestId("heat-grid").waitFor();
    const cells = await page.locator("[data-cell]").count();
    console.log(`${scheme}: ${cells} GPU cells`);
    if (cells !== NODES * GPUS) {
      console.log(`FAIL expected ${NODES * GPUS} cells`);
      failed = true;
    }
    await page.locator('[data-cell="0"]').focus();
    await page.keyboard.press("ArrowDown");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `nodes-320gpus-${scheme}.png`), fullPage: false });
    await ctx.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
