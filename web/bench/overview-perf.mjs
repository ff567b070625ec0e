// Performance budget of the dashboard with a simulated 64-node, 512-GPU cluster (docs/benchmarks.md):
//   - initial JavaScript (entry chunk and its static imports) gzipped: at most 250 KiB;
//   - the overview rendered (counts shown, all four charts drawn) within 1 s of navigation;
//   - with live updates running, the main thread busy less than 20 % of the time.
// A small HTTP server in this process serves web/dist the way the hub does and answers the
// API with synthetic data for 64 nodes x 8 GPUs (values move with time, so every update changes
// what is drawn), plus the hub's event stream (/api/v1/stream) sending `samples` once a second,
// the most the hub sends. Chromium is Debian's, driven by playwright-core, no CPU throttling.
//
//   node bench/overview-perf.mjs [--runs N] [--busy-runs N] [--busy-seconds S] [--json FILE]
//   CHROMIUM  the browser (default /usr/bin/chromium); GW_BENCH_TRACE=1 prints each render's requests
// Exit 1 when a median is over its budget.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RUNS = Number(arg("runs", 7));
const BUSY_RUNS = Number(arg("busy-runs", 3));
const BUSY_S = Number(arg("busy-seconds", 30));
const JSON_OUT = arg("json", undefined);
const BUDGET = { jsKiB: 250, renderMs: 1000, busyPct: 20 };

const NODES = 64;
const GPUS = 8;
const node = (i) => `gpu${String(i + 1).padStart(3, "0")}`;

// ---- the simulated cluster ------------------------------------------------------------------
// Per-GPU values as functions of time (s), so instant and range answers agree.
const util = (n, g, t) => Math.max(0, Math.min(100, 55 + 40 * Math.sin(t / 90 + n * 0.7 + g * 1.3)));
const power = (n, g, t) => 120 + 5.6 * util(n, g, t);
const jobOf = (n, g) => ((n * GPUS + g) % 7 === 0 ? undefined : String(5000 + Math.floor((n * GPUS + g) / 4)));
const allocated = () => {
  let a = 0;
  for (let n = 0; n < NODES; n++) for (let g = 0; g < GPUS; g++) if (jobOf(n, g)) a++;
  return a;
};
const ALLOC = allocated();
const DOWN_NODE = 41; // one node not responding, one drained: the overview shows their badges
const DRAIN_NODE = 17;

function slurmCounts() {
  const total = NODES * GPUS;
  return {
    slurm_gpus_total: total, slurm_gpus_alloc: ALLOC, slurm_gpus_idle: total - ALLOC - 16, slurm_gpus_other: 16,
    slurm_cpus_total: NODES * 128, slurm_cpus_alloc: NODES * 96, slurm_cpus_idle: NODES * 32 - 256, slurm_cpus_other: 256,
    slurm_nodes_total: NODES, slurm_nodes_mix: NODES - 2, slurm_nodes_idle: 0, slurm_nodes_alloc: 0, slurm_nodes_drain: 1,
    slurm_nodes_down: 0, slurm_nodes_not_responding: 1, slurm_nodes_maint: 0, slurm_nodes_fail: 0,
    slurm_queue_running: Math.ceil(ALLOC / 4), slurm_queue_pending: 37,
  };
}
const sum = (f, t) => {
  let s = 0;
  for (let n = 0; n < NODES; n++) for (let g = 0; g < GPUS; g++) s += f(n, g, t);
  return s;
};
/** Series of one query as [labels, value-at-time] pairs. */
function series(q) {
  const out = [];
  const per = (f, labels) => {
    for (let n = 0; n < NODES; n++) for (let g = 0; g < GPUS; g++) out.push([labels(n, g), (t) => f(n, g, t)]);
  };
  if (q.startsWith('{__name__=~"slurm_(gpus|cpus)')) {
    for (const [k, v] of Object.entries(slurmCounts())) out.push([{ __name__: k, job: "slurm", instance: "slurm:9341" }, () => v]);
  } else if (q === '{__name__=~"slurm_gpus_(alloc|total)"}' || q === '{__name__=~"slurm_queue_(running|pending)"}') {
    const c = slurmCounts();
    const names = q.includes("gpus") ? ["slurm_gpus_alloc", "slurm_gpus_total"] : ["slurm_queue_running", "slurm_queue_pending"];
    for (const k of names) out.push([{ __name__: k, job: "slurm", instance: "slurm:9341" }, (t) => c[k] + (k.endsWith("pending") ? Math.round(5 * Math.sin(t / 300)) : 0)]);
  } else if (q.startsWith("avg(max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL))")) {
    out.push([{}, (t) => sum(util, t) / (NODES * GPUS)]);
  } else if (q.startsWith("sum(max by (Hostname, gpu) (DCGM_FI_DEV_POWER_USAGE))")) {
    out.push([{}, (t) => sum(power, t)]);
    if (q.includes(" or label_replace(")) out.push([{ limit: "1" }, () => NODES * GPUS * 700]);
  } else if (q.startsWith("sum(max by (Hostname, gpu) (DCGM_FI_DEV_ENFORCED_POWER_LIMIT))")) {
    out.push([{}, () => NODES * GPUS * 700]);
  } else if (q.startsWith("count(max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL))")) {
    out.push([{}, () => NODES * GPUS]);
  } else if (q.startsWith("max by (Hostname, gpu, modelName, hpc_job, instance) (DCGM_FI_DEV_GPU_UTIL)")) {
    per(util, (n, g) => ({ Hostname: node(n), gpu: String(g), modelName: "NVIDIA H100 80GB HBM3", instance: `${node(n)}:9400`, ...(jobOf(n, g) ? { hpc_job: jobOf(n, g) } : {}) }));
  } else if (q.startsWith("max by (Hostname, gpu, instance) (gpuwatchdog_gpu_up)")) {
    per(() => 1, (n, g) => ({ Hostname: node(n), gpu: String(g), instance: `${node(n)}:9400` }));
  } else if (q.startsWith('{__name__=~"slurm_node_(info')) {
    for (let n = 0; n < NODES; n++) {
      const state = n === DOWN_NODE ? "mixed*" : n === DRAIN_NODE ? "mixed+drain" : "mixed";
      const gpusAlloc = [...Array(GPUS).keys()].filter((g) => jobOf(n, g)).length;
      const l = (name) => ({ __name__: name, node: node(n), job: "slurm", instance: "slurm:9341" });
      out.push([{ ...l("slurm_node_info"), state, partitions: n < 48 ? "gpu" : "gpu,long" }, () => 1]);
      for (const [k, v] of [["slurm_node_gpus", GPUS], ["slurm_node_gpus_alloc", gpusAlloc], ["slurm_node_cpu_total", 128], ["slurm_node_cpu_alloc", 96], ["slurm_node_mem_total", 1024000], ["slurm_node_mem_alloc", 512000]])
        out.push([l(k), () => v]);
    }
  } else if (q === "slurm_job_gpu") {
    for (let n = 0; n < NODES; n++) for (let g = 0; g < GPUS; g++) if (jobOf(n, g)) out.push([{ __name__: "slurm_job_gpu", job_id: jobOf(n, g), node: node(n), gpu: String(g) }, () => 1]);
  } else if (q === "up") {
    out.push([{ __name__: "up", job: "slurm", instance: "slurm:9341" }, () => 1]);
    for (let n = 0; n < NODES; n++) out.push([{ __name__: "up", job: "gpu", instance: `${node(n)}:9400` }, () => 1]);
  } else if (q.startsWith("last_over_time(gpuwatchdog_exporter_last_collection_timestamp_seconds")) {
    for (let n = 0; n < NODES; n++) out.push([{ instance: `${node(n)}:9400` }, (t) => t - 1]);
  } else if (q.startsWith('{__name__=~"slurm_job_(info')) {
    for (let j = 0; j < Math.ceil(ALLOC / 4); j++) out.push([{ __name__: "slurm_job_info", job_id: String(5000 + j), user: `user${j % 23}`, partition: "gpu", state: "RUNNING" }, () => 1]);
  }
  return out;
}
const fmt = (v) => String(Math.round(v * 1000) / 1000);
function instant(q, t) {
  return { resultType: "vector", result: series(q).map(([metric, f]) => ({ metric, value: [t, fmt(f(t))] })) };
}
function range(q, start, end, step) {
  const result = series(q).map(([metric, f]) => {
    const values = [];
    for (let t = start; t <= end + 1e-9; t += step) values.push([t, fmt(f(t))]);
    return { metric, values };
  });
  return { resultType: "matrix", result };
}
const ALERTS = [
  { labels: { alertname: "GpuAllocatedButIdle", severity: "warning", Hostname: node(3), gpu: "2" }, annotations: { summary: "allocated but idle" }, state: "firing", activeAt: new Date(Date.now() - 3600e3).toISOString(), value: "0" },
  { labels: { alertname: "SlurmNodeNotResponding", severity: "critical", node: node(DOWN_NODE) }, annotations: { summary: "not responding" }, state: "firing", activeAt: new Date(Date.now() - 600e3).toISOString(), value: "1" },
];

// ---- the server -----------------------------------------------------------------------------
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml" };
const streams = new Set();
let streamEnabled = true;

async function body(req) {
  let s = "";
  for await (const c of req) s += c;
  return s;
}
const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const json = (data) => {
    const b = gzipSync(JSON.stringify({ status: "success", data }));
    res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
    res.end(b);
  };
  if (url.pathname === "/api/v1/stream") {
    if (!streamEnabled) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    res.write("retry: 5000\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
    return;
  }
  if (url.pathname.startsWith("/api/v1/")) {
    const p = new URLSearchParams(req.method === "POST" ? await body(req) : url.search);
    const now = Date.now() / 1000;
    if (url.pathname === "/api/v1/query") return json(instant(p.get("query") ?? "", Number(p.get("time") ?? now)));
    if (url.pathname === "/api/v1/query_range") return json(range(p.get("query") ?? "", Number(p.get("start")), Number(p.get("end")), Number(p.get("step"))));
    if (url.pathname === "/api/v1/alerts") return json({ alerts: ALERTS });
    if (url.pathname === "/api/v1/rules") return json({ groups: [] });
    return json({ resultType: "vector", result: [] });
  }
  const file = normalize(join(dist, url.pathname));
  const isAsset = file.startsWith(dist) && url.pathname !== "/" && existsSync(file);
  const path = isAsset ? file : join(dist, "index.html");
  res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream", "Content-Encoding": "gzip", "Cache-Control": isAsset ? "public, max-age=31536000, immutable" : "no-cache" });
  res.end(gzipSync(readFileSync(path)));
});
setInterval(() => {
  const data = `event: samples\ndata: {"t":${Date.now() / 1000}}\n\n`;
  for (const s of streams) s.write(data);
}, 1000).unref();
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// ---- measurements ---------------------------------------------------------------------------
function initialJsKiB() {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  return total / 1024;
}

/** Resolves, in the page, with performance.now() at the first frame where `ready` holds. */
const READY = {
  overview: () => {
    const stat = document.querySelector('[data-testid="stat-gpus"]')?.textContent ?? "";
    const figs = [...document.querySelectorAll("figure")];
    return /\d+ \/ \d+/.test(stat) && figs.length >= 4 && figs.every((f) => f.querySelector("canvas") && !/no data|Loading/.test(f.textContent ?? "") && !/no data in this range/.test(f.querySelector("[role=img]")?.getAttribute("aria-label") ?? ""));
  },
  nodes: () => document.querySelectorAll("[data-cell]").length === 512 && document.querySelectorAll('[data-testid="node-table"] tbody tr').length === 64,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function renderMs(view, path) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await ctx.newPage();
  await page.addInitScript(`window.__ready = ${READY[view].toString()};
    window.__readyAt = new Promise((resolve) => {
      const tick = () => (window.__ready() ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });`);
  await page.goto(`${base}${path}`);
  const ms = await page.evaluate(() => window.__readyAt);
  if (process.env.GW_BENCH_TRACE) {
    const r = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => `${e.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 60)} ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)}`));
    console.log(`  ${view} ${ms.toFixed(0)} ms:\n    ${r.join("\n    ")}`);
  }
  await ctx.close();
  return ms;
}

/** Main-thread busy share (CDP TaskDuration over wall time) while updates arrive for `seconds`. */
async function busyPct(path, seconds) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => e.duration))).observe({ type: "longtask", buffered: true });
    window.__fetches = 0;
    const f = window.fetch;
    window.fetch = (...a) => (window.__fetches++, f(...a));
  });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
  await page.goto(`${base}${path}`);
  await page.waitForFunction(READY.overview, null, { timeout: 30000 });
  await page.waitForTimeout(3000); // the first round of refetches after the stream opened
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const a = await metric();
  const la = await page.evaluate(() => [window.__long.length, window.__fetches]);
  await page.waitForTimeout(seconds * 1000);
  const b = await metric();
  const lb = await page.evaluate(() => [window.__long.length, window.__fetches, window.__long.reduce((x, y) => Math.max(x, y), 0)]);
  await ctx.close();
  return { pct: (100 * (b.TaskDuration - a.TaskDuration)) / (b.Timestamp - a.Timestamp), longTasks: lb[0] - la[0], fetches: lb[1] - la[1], maxLongMs: lb[2] };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = { nodes: NODES, gpus: NODES * GPUS, initialJsKiB: initialJsKiB() };
try {
  console.log(`simulated cluster: ${NODES} nodes, ${NODES * GPUS} GPUs; dashboard ${dist}`);
  console.log(`initial JS: ${results.initialJsKiB.toFixed(1)} KiB gzipped (budget ${BUDGET.jsKiB})`);
  await renderMs("overview", "/"); // warm-up (browser start, disk cache of this machine)
  for (const [view, path] of [["overview", "/"], ["nodes", "/nodes"]]) {
    const xs = [];
    for (let i = 0; i < RUNS; i++) xs.push(await renderMs(view, path));
    results[`${view}RenderMs`] = { median: median(xs), runs: xs.map(Math.round) };
    console.log(`${view} rendered: median ${median(xs).toFixed(0)} ms after navigation (runs: ${xs.map((x) => x.toFixed(0)).join(", ")})`);
  }
  for (const [mode, path, stream] of [["stream", "/", true], ["poll5s", "/?refresh=5s", false]]) {
    streamEnabled = stream;
    const rs = [];
    for (let i = 0; i < BUSY_RUNS; i++) rs.push(await busyPct(path, BUSY_S));
    const pcts = rs.map((r) => r.pct);
    results[`busy_${mode}`] = { medianPct: median(pcts), runs: rs };
    console.log(
      `overview, ${stream ? "live over /api/v1/stream (1 event/s)" : "polling every 5 s (no stream)"}: main thread busy median ${median(pcts).toFixed(1)} % over ${BUSY_S} s ` +
        `(runs: ${pcts.map((x) => x.toFixed(1)).join(", ")}; long tasks ${rs.map((r) => r.longTasks).join("/")}, max ${Math.max(...rs.map((r) => r.maxLongMs)).toFixed(0)} ms; requests ${rs.map((r) => r.fetches).join("/")})`,
    );
  }
} finally {
  await browser.close();
  server.close();
  for (const s of streams) s.destroy();
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));

const over = [];
if (results.initialJsKiB > BUDGET.jsKiB) over.push(`initial JS ${results.initialJsKiB.toFixed(1)} KiB > ${BUDGET.jsKiB}`);
if (results.overviewRenderMs.median > BUDGET.renderMs) over.push(`overview render ${results.overviewRenderMs.median.toFixed(0)} ms > ${BUDGET.renderMs}`);
for (const m of ["busy_stream", "busy_poll5s"]) if (results[m].medianPct > BUDGET.busyPct) over.push(`${m} ${results[m].medianPct.toFixed(1)} % > ${BUDGET.busyPct}`);
console.log(over.length ? `OVER BUDGET: ${over.join("; ")}` : "within budget");
process.exit(over.length ? 1 : 0);
