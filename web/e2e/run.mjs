// End-to-end checks of the dashboard against a running hub, with Debian's Chromium driven by
// playwright-core (no browser download). Every view, light and dark: it loads without console
// errors, axe-core finds no serious or critical violation, and a full-page screenshot is saved.
// Values on the page are compared with the hub's API; the Slurm facts below come from Slurm's
// own commands (tests/web_e2e_test.sh sets them up with scontrol, sbatch and a stopped exporter).
//
//   GW_DASHBOARD_URL  where the dashboard is served (default http://127.0.0.1:4173, `npm run
//                     preview` proxying /api to the hub; or the hub itself, http://127.0.0.1:3000)
//   GW_HUB_URL        the hub's API for the expected values (default GW_DASHBOARD_URL)
//   GW_NODE           a node to open (default: the first one the nodes page lists)
//   GW_GPUS_TOTAL     GPUs Slurm knows (sinfo Gres): heat grid cells and the overview's total
//   GW_DRAINED_NODE   a node drained with scontrol; GW_DRAINED_STATE its state in sinfo
//   GW_JOB_ID         a running GPU job; GW_JOB_NODE its node (squeue), GW_JOB_GPUS its GPU
//                     indices (scontrol -d show job, IDX), comma-separated
//   GW_STALE_NODE     a node whose GPU exporter is stopped
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   GW_SCREENSHOTS    where screenshots go (default e2e/screenshots/, git-ignored)
// Checks whose variables are unset are left out.
//
// Exit 0 when every check passes; 1 with the failures listed otherwise.
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const base = (env.GW_DASHBOARD_URL ?? "http://127.0.0.1:4173").replace(/\/$/, "");
const hub = (env.GW_HUB_URL ?? base).replace(/\/$/, "");
const shots = env.GW_SCREENSHOTS ?? join(here, "screenshots");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const drained = env.GW_DRAINED_NODE;
const job = env.GW_JOB_ID;
const jobNode = env.GW_JOB_NODE;
const jobGpus = (env.GW_JOB_GPUS ?? "").split(",").filter(Boolean).map(Number);
const staleNode = env.GW_STALE_NODE;
const gpusTotal = env.GW_GPUS_TOTAL ? Number(env.GW_GPUS_TOTAL) : undefined;

const failures = [];
let passed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(`${name}: ${e.message.split("\n")[0]}`);
    console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---- the hub's API, for expected values ----------------------------------------------------
async function hubQuery(expr) {
  const res = await fetch(`${hub}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = await res.json();
  assert(body.status === "success", `hub query ${expr}: ${body.error ?? res.status}`);
  return body.data.result;
}
async function hubNumber(expr) {
  const r = await hubQuery(expr);
  assert(r.length > 0, `the hub has no answer to ${expr}`);
  return Number(r[0].value[1]);
}
const fmtInt = (v) => Math.round(v).toLocaleString("en-US");

// ---- the browser ---------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

/** A page whose console errors and uncaught exceptions are collected in `errors`. */
async function newPage(colorScheme) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme });
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${m.text()}${m.location()?.url ? ` (${m.location().url})` : ""}`);
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return { ctx, page, errors };
}

/** Waits until no query is in flight and charts had time to draw. */
async function settle(page) {
  await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(300);
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`);
  });
  return found;
}

/**
 * One view in one colour scheme: `fn` navigates and checks what the view shows, then the
 * screenshot is taken (also when `fn` failed), then console errors and axe-core are checked.
 */
async function view(p, scheme, name, shot, fn) {
  await check(`[${scheme}] ${name}`, async () => {
    try {
      await fn();
    } finally {
      await settle(p.page);
      await p.page.screenshot({ path: join(shots, `${shot}-${scheme}.png`), fullPage: true }).catch(() => {});
    }
  });
  await check(`[${scheme}] ${shot}: no console errors, axe-core finds no serious violation`, async () => {
    const errs = p.errors.splice(0);
    assert(errs.length === 0, `console: ${errs.join(" | ")}`);
    const v = await axeViolations(p.page);
    assert(v.length === 0, `axe: ${v.join("; ")}`);
  });
}

/** Waits until at least `n` charts are on the page and every one has data (its text summary). */
async function chartsHaveData(page, n) {
  await page
    .waitForFunction(
      (n) => {
        const figs = [...document.querySelectorAll("figure [role=img]")];
        return figs.length >= n && figs.every((f) => !/no data/.test(f.getAttribute("aria-label") ?? "no data"));
      },
      n,
      { timeout: 20000 },
    )
    .catch(async () => {
      const labels = await page.locator("figure [role=img]").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
      throw new Error(`charts without data: ${labels.filter((l) => /no data/.test(l ?? "no data")).join(" | ") || `${labels.length} < ${n} charts`}`);
    });
}

/** The label -> value text of a GPU card's rows (dt/dd). */
async function cardRows(card) {
  return card.evaluate((el) => Object.fromEntries([...el.querySelectorAll("dt")].map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim() ?? ""])));
}
const gpuCard = (page, host, i) => page.locator(`article#gpu-${i}[data-testid="gpu-card"]`).filter({ has: page.getByRole("link", { name: new RegExp(`^${host}/gpu${i}\\b`) }) });

/**
 * Tabs through the page from the top: every element that can take focus by Tab (tabindex >= 0,
 * visible, enabled) must receive it at least once. Returns the ones never reached.
 */
async function unreachedByTab(page) {
  const total = await page.evaluate(() => {
    const els = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")].filter((e) => {
      if (e.tabIndex < 0 || e.disabled || e.closest("[inert]")) return false;
      const r = e.getBoundingClientRect();
      const st = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && st.visibility !== "hidden";
    });
    els.forEach((e, i) => e.setAttribute("data-kbd", String(i)));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return els.length;
  });
  assert(total > 0, "no focusable element");
  const reached = new Set();
  for (let i = 0; i < total + 3; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.getAttribute("data-kbd"));
    if (id !== null && id !== undefined) reached.add(id);
  }
  const missing = await page.evaluate(
    (got) =>
      [...document.querySelectorAll("[data-kbd]")]
        .filter((e) => !got.includes(e.getAttribute("data-kbd")))
        .map((e) => `${e.tagName.toLowerCase()} "${(e.getAttribute("aria-label") ?? e.textContent ?? "").trim().slice(0, 40)}"`),
    [...reached],
  );
  return { total, missing };
}

try {
  let node = env.GW_NODE;
  const nodeCount = await hubNumber("count(slurm_node_info)").catch(() => undefined);
  for (const scheme of ["light", "dark"]) {
    const p = await newPage(scheme);
    const { page } = p;

    await view(p, scheme, "overview: counts match the hub, charts drawn", "overview", async () => {
      await page.goto(`${base}/`);
      await page.getByTestId("stat-gpus").waitFor();
      await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('[data-testid="stat-gpus"]')?.textContent ?? ""), null, { timeout: 15000 });
      const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
      assert(dark === (scheme === "dark"), `theme class is ${dark ? "dark" : "light"} under prefers-color-scheme ${scheme}`);
      const idle = await hubNumber("slurm_gpus_idle");
      const total = await hubNumber("slurm_gpus_total");
      if (gpusTotal !== undefined) assert(total === gpusTotal, `hub's slurm_gpus_total ${total}, sinfo ${gpusTotal}`);
      const want = `${fmtInt(idle)} / ${fmtInt(total)}`;
      await page.waitForFunction((w) => document.querySelector('[data-testid="stat-gpus"]')?.textContent.includes(w), want, { timeout: 15000 }).catch(() => {});
      const stat = await page.getByTestId("stat-gpus").textContent();
      assert(stat.includes(want), `GPUs free / total shows "${stat}", the hub says ${want}`);
      const up = await hubQuery('up{job="gpu"}');
      const upText = `GPU exporters ${up.filter((s) => s.value[1] === "1").length} / ${up.length} up`;
      await page.getByText(upText).waitFor({ timeout: 15000 });
      await chartsHaveData(page, 4);
    });

    await view(p, scheme, "nodes: heat grid, table, drained node, job on its GPUs, stale node", "nodes", async () => {
      await page.getByRole("link", { name: "Nodes", exact: true }).click();
      await page.waitForURL(/\/nodes$/);
      await page.getByTestId("heat-grid").waitFor();
      await page.locator('[data-testid="node-table"] tbody tr').first().waitFor({ timeout: 15000 });
      const cells = await page.locator("[data-cell]").count();
      if (gpusTotal !== undefined) assert(cells === gpusTotal, `${cells} GPU cells, Slurm has ${gpusTotal} GPUs`);
      else assert(cells > 0, "no GPU cell in the heat grid");
      const rows = await page.locator('[data-testid="node-table"] tbody tr').count();
      if (nodeCount !== undefined) assert(rows === nodeCount, `${rows} table rows, the hub has ${nodeCount} nodes`);
      node ??= (await page.locator('[data-testid="node-table"] tbody tr th a').first().textContent())?.trim();
      const row = (n) => page.locator('[data-testid="node-table"] tbody tr').filter({ has: page.getByRole("link", { name: n, exact: true }) });
      if (drained) {
        const badge = row(drained).locator("td").first();
        const text = (await badge.textContent()).trim();
        assert(/drain/.test(text), `${drained}'s state badge reads "${text}" (sinfo: ${env.GW_DRAINED_STATE})`);
        assert((await badge.locator("svg").count()) === 1, `${drained}'s badge has no pause icon`);
      }
      if (staleNode) {
        const text = await row(staleNode).textContent();
        assert(/stale/.test(text) && /last seen/.test(text), `${staleNode}'s row is not marked stale: ${text}`);
        const labels = await page.locator("[data-cell]").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
        const staleCells = labels.filter((l) => l.startsWith(`${staleNode}/`));
        assert(staleCells.length > 0 && staleCells.every((l) => /stale/.test(l)), `${staleNode}'s cells: ${staleCells.join(" | ")}`);
      }
      if (job) {
        const labels = await page.locator("[data-cell]").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
        for (const i of jobGpus) {
          const l = labels.find((x) => x.startsWith(`${jobNode}/gpu${i} `) || x.startsWith(`${jobNode}/gpu${i}:`));
          assert(l && new RegExp(`job ${job}\\b`).test(l), `heat cell ${jobNode}/gpu${i} does not name job ${job}: ${l}`);
        }
      }
      // Keyboard: focus the first cell, arrow right moves focus to the second.
      await page.locator('[data-cell="0"]').focus();
      await page.keyboard.press("ArrowRight");
      const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-cell"));
      assert(focused === "1", `ArrowRight focused cell ${focused}`);
      const detail = await page.getByTestId("heat-detail").textContent();
      assert(/gpu1/.test(detail ?? ""), `detail does not describe the focused GPU: ${detail}`);
    });

    await check(`[${scheme}] filter lives in the URL`, async () => {
      await page.getByTestId("node-filter").fill(node);
      await page.waitForURL(new RegExp(`q=${node}`));
      await page.getByTestId("node-filter").fill("");
    });

    await view(p, scheme, `node detail (${node}): a card per GPU, charts`, "node", async () => {
      await page.goto(`${base}/nodes/${encodeURIComponent(node)}?from=now-15m`);
      await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
      const want = await hubNumber(`count(max by (gpu) (DCGM_FI_DEV_GPU_UTIL{Hostname="${node}"}))`);
      assert((await page.getByTestId("gpu-card").count()) === want, `cards: ${await page.getByTestId("gpu-card").count()}, the hub has ${want} GPUs`);
      const text = await page.getByTestId("gpu-card").first().textContent();
      assert(/GiB/.test(text) && /W/.test(text) && /°C/.test(text), `card lacks units: ${text.slice(0, 200)}`);
      await chartsHaveData(page, 4);
    });

    if (drained) {
      await view(p, scheme, `drained node (${drained}) shows its badge`, "node-drained", async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(drained)}`);
        await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
        const badge = page.locator("h1 + span");
        await badge.filter({ hasText: /drain/ }).waitFor({ timeout: 15000 });
        assert((await badge.locator("svg").count()) === 1, "the drain badge has no pause icon");
      });
    }

    if (job) {
      await view(p, scheme, `job ${job} appears on ${jobNode}'s GPUs ${jobGpus.join(",")}`, "node-job", async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(jobNode)}`);
        await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
        const cards = await page.getByTestId("gpu-card").count();
        for (let i = 0; i < cards; i++) {
          const rows = await cardRows(gpuCard(page, jobNode, i));
          const holds = new RegExp(`\\b${job}\\b`).test(rows.Job);
          assert(holds === jobGpus.includes(i), `${jobNode}/gpu${i}'s Job row reads "${rows.Job}"; Slurm gives job ${job} GPUs ${jobGpus}`);
        }
      });

      const g = jobGpus[0];
      await view(p, scheme, `GPU detail (${jobNode}/gpu${g}): the card shows what the exporter exported`, "gpu", async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(jobNode)}?gpu=${g}&from=now-15m`);
        await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
        assert((await page.getByTestId("gpu-card").count()) === 1, `more than one card for ?gpu=${g}`);
        await chartsHaveData(page, 5);
        const rows = await cardRows(page.getByTestId("gpu-card"));
        const sel = `{Hostname="${jobNode}", gpu="${g}"}`;
        const one = (m) => hubNumber(`max(${m}${sel})`);
        const range = async (m) => [await hubNumber(`min(min_over_time(${m}${sel}[1m]))`), await hubNumber(`max(max_over_time(${m}${sel}[1m]))`)];
        const num = (s) => Number(s.replace(/,/g, ""));
        const limit = await one("DCGM_FI_DEV_ENFORCED_POWER_LIMIT");
        assert(rows["Power draw / limit"].endsWith(`/ ${fmtInt(limit)} W`), `power row "${rows["Power draw / limit"]}", hub limit ${limit} W`);
        const draw = num(rows["Power draw / limit"].split(" / ")[0]);
        const [pLo, pHi] = await range("DCGM_FI_DEV_POWER_USAGE");
        assert(draw >= Math.round(pLo) && draw <= Math.round(pHi), `power draw ${draw} W outside the hub's last minute [${pLo}, ${pHi}]`);
        const slowdown = await one("DCGM_FI_DEV_SLOWDOWN_TEMP");
        assert(rows.Temperature.includes(`slowdown ${fmtInt(slowdown)} °C`), `temperature row "${rows.Temperature}", hub slowdown ${slowdown}`);
        const temp = num(rows.Temperature.match(/([\d,]+) °C/)[1]);
        const [tLo, tHi] = await range("DCGM_FI_DEV_GPU_TEMP");
        assert(temp >= Math.round(tLo) && temp <= Math.round(tHi), `temperature ${temp} °C outside the hub's last minute [${tLo}, ${tHi}]`);
        const maxSm = await one("DCGM_FI_DEV_MAX_SM_CLOCK");
        assert(rows["SM clock"].includes(`of ${fmtInt(maxSm)} MHz`), `SM clock row "${rows["SM clock"]}", hub max ${maxSm} MHz`);
        const fbTotal = await one("DCGM_FI_DEV_FB_TOTAL");
        const gib = (fbTotal / 1024).toFixed(1);
        assert(rows["Memory used / total"].includes(`/ ${gib} GiB`), `memory row "${rows["Memory used / total"]}", hub total ${fbTotal} MiB = ${gib} GiB`);
        assert(new RegExp(`\\b${job}\\b`).test(rows.Job), `Job row "${rows.Job}" lacks job ${job}`);
      });
    } else {
      await view(p, scheme, "GPU detail (?gpu=0)", "gpu", async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(node)}?gpu=0&from=now-15m`);
        await page.getByTestId("gpu-card").first().waitFor();
        assert((await page.getByTestId("gpu-card").count()) === 1, "more than one card for ?gpu=0");
      });
    }

    if (staleNode) {
      await view(p, scheme, `a silent node (${staleNode}) shows its last values as stale`, "node-stale", async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(staleNode)}?from=now-15m`);
        await page.getByText(/exporter silent · last seen/).waitFor({ timeout: 15000 });
        await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
        const cards = page.getByTestId("gpu-card");
        const n = await cards.count();
        assert((await cards.filter({ hasText: /stale · last seen/ }).count()) === n, "not every card says stale · last seen");
        assert((await page.locator('[data-testid="gpu-card"] .stale-hatch').count()) >= n, "values are not hatched as stale");
        await chartsHaveData(page, 4); // the history up to when the exporter stopped
      });
    }

    await view(p, scheme, "jobs: the running job is listed", "jobs", async () => {
      await page.goto(`${base}/jobs`);
      await page.waitForSelector('[data-testid="job-table"], main p', { timeout: 15000 });
      if (job) {
        const row = page.locator('[data-testid="job-table"] tbody tr').filter({ has: page.getByRole("link", { name: job, exact: true }) });
        await row.waitFor({ timeout: 15000 });
        const text = await row.textContent();
        assert(text.includes(jobNode), `job ${job}'s row does not name ${jobNode}: ${text}`);
      }
    });

    if (job) {
      await view(p, scheme, `job page (${job}): running, on its GPUs`, "job", async () => {
        await page.getByRole("link", { name: job, exact: true }).click();
        await page.waitForURL(new RegExp(`/jobs/${job}`));
        await page.getByTestId("findings").waitFor({ timeout: 15000 });
        await page.locator("h1 + span").filter({ hasText: /running$/ }).waitFor({ timeout: 15000 });
        for (const i of jobGpus) await page.getByRole("link", { name: new RegExp(`^${jobNode}/gpu${i}\\b`) }).waitFor({ timeout: 15000 });
      });
    }

    await view(p, scheme, "alerts", "alerts", async () => {
      await page.goto(`${base}/alerts?from=now-1h`);
      await page.getByRole("heading", { name: "Alerts" }).waitFor();
      await page.locator("main table, main p").first().waitFor({ timeout: 15000 });
    });

    await p.ctx.close();
  }

  await check("keyboard: Tab reaches every control of every view", async () => {
    const p = await newPage("light");
    const paths = ["/", "/nodes", `/nodes/${encodeURIComponent(jobNode ?? node)}`, `/nodes/${encodeURIComponent(jobNode ?? node)}?gpu=${jobGpus[0] ?? 0}`, "/jobs", ...(job ? [`/jobs/${job}`] : []), "/alerts"];
    const bad = [];
    for (const path of paths) {
      const sep = path.includes("?") ? "&" : "?";
      await p.page.goto(`${base}${path}${sep}refresh=off`);
      await settle(p.page);
      await p.page.waitForTimeout(500);
      const { total, missing } = await unreachedByTab(p.page);
      console.log(`     ${path}: ${total - missing.length} of ${total} focusable elements reached by Tab`);
      if (missing.length) bad.push(`${path}: ${missing.join(", ")}`);
    }
    await p.ctx.close();
    assert(bad.length === 0, `never focused: ${bad.join("; ")}`);
  });

  await check("theme choice is applied before first paint", async () => {
    const { ctx, page } = await newPage("light");
    await page.addInitScript(() => localStorage.setItem("gw-theme", "dark"));
    // Stop at the first byte of the body: the inline script in <head> must have run already.
    await page.goto(`${base}/`, { waitUntil: "commit" });
    await page.waitForSelector("#root", { state: "attached" });
    const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
    assert(dark, "stored dark theme not applied before the app ran");
    await page.getByTestId("theme-toggle").click(); // dark -> system (light here)
    assert(!(await page.evaluate(() => document.documentElement.classList.contains("dark"))), "toggle did not leave dark");
    await ctx.close();
  });

  await check("lost connection shows the banner and freezes the page", async () => {
    // Console errors are expected here (refused requests): this page's are not checked.
    const { ctx, page } = await newPage("light");
    await page.goto(`${base}/?refresh=5s`);
    await page.getByTestId("stat-gpus").waitFor();
    await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('[data-testid="stat-gpus"]')?.textContent ?? ""));
    const before = await page.getByTestId("stat-gpus").textContent();
    await page.route("**/api/**", (route) => route.abort("connectionrefused"));
    await page.getByTestId("connection-banner").waitFor({ timeout: 20000 });
    const after = await page.getByTestId("stat-gpus").textContent();
    assert(before === after, `values changed while disconnected: ${before} -> ${after}`);
    assert(await page.evaluate(() => !!document.querySelector(".frozen")), "page not marked frozen");
    await page.screenshot({ path: join(shots, "disconnected-light.png") });
    await page.unroute("**/api/**");
    await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 20000 });
    await ctx.close();
  });

  await check("deep link restores the nodes view (filter, sort, range, refresh), also after a reload", async () => {
    const target = drained ?? node;
    const { ctx, page, errors } = await newPage("light");
    const res = await page.goto(`${base}/nodes?q=${encodeURIComponent(target)}&sort=gpus&desc=1&from=now-6h&refresh=30s`);
    assert(res.ok(), `GET a deep link answered ${res.status()}`);
    for (const round of ["opened", "reloaded"]) {
      if (round === "reloaded") await page.reload();
      await page.locator('[data-testid="node-table"] tbody tr').first().waitFor({ timeout: 15000 });
      const filter = await page.getByTestId("node-filter").inputValue();
      assert(filter === target, `${round}: filter shows "${filter}"`);
      const names = await page.locator('[data-testid="node-table"] tbody tr th').allTextContents();
      assert(names.length === 1 && names[0].trim() === target, `${round}: table lists ${names.join(", ")}`);
      const sortState = await page.locator('[data-testid="node-table"] thead th').filter({ hasText: "GPUs alloc" }).getAttribute("aria-sort");
      assert(sortState === "descending", `${round}: GPUs column aria-sort=${sortState}`);
      const range = await page.getByTestId("range-picker").textContent();
      assert(/6 hours/.test(range), `${round}: range picker shows ${range}`);
      const refresh = await page.getByTestId("refresh-picker").textContent();
      assert(/30 s/.test(refresh), `${round}: refresh picker shows ${refresh}`);
    }
    // Links to other views keep the time range and refresh.
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    await page.waitForURL(/\/jobs\?/);
    const url = new URL(page.url());
    assert(url.searchParams.get("from") === "now-6h" && url.searchParams.get("refresh") === "30s", `the Jobs link lost the range: ${page.url()}`);
    assert(errors.length === 0, `console: ${errors.join(" | ")}`);
    await ctx.close();
  });

  await check("a typed absolute range: a bad one is refused inline, a good one applies to the URL and the label", async () => {
    const { ctx, page, errors } = await newPage("light");
    await page.goto(`${base}/`);
    await page.getByTestId("range-picker").click();
    await page.getByTestId("range-picker-custom-form").click();
    const form = page.getByTestId("custom-range-form");
    await form.waitFor();
    const from = form.getByLabel("From");
    const to = form.getByLabel("To");
    await from.fill("yesterday");
    await to.press("Enter");
    const alert = await form.getByRole("alert").textContent();
    assert(/From/.test(alert), `no inline error for a bad From: ${alert}`);
    assert(new URL(page.url()).searchParams.get("from") === null, `a bad range reached the URL: ${page.url()}`);
    // The last 30 minutes, typed in UTC, ending a minute ago.
    const pad = (d) => d.toISOString().slice(0, 19).replace("T", " ") + "Z";
    const end = new Date(Math.floor(Date.now() / 60000) * 60000 - 60000);
    const start = new Date(end.getTime() - 30 * 60000);
    await from.fill(pad(start));
    await to.fill(pad(end));
    await page.screenshot({ path: join(shots, "custom-range-form-light.png") });
    await to.press("Enter");
    await form.waitFor({ state: "detached" });
    const url = new URL(page.url());
    assert(url.searchParams.get("from") === String(start.getTime()) && url.searchParams.get("to") === String(end.getTime()),
      `URL has from=${url.searchParams.get("from")} to=${url.searchParams.get("to")}, want ${start.getTime()}..${end.getTime()}`);
    const label = await page.getByTestId("range-picker").textContent();
    const hhmm = (d) => d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    assert(label.includes(hhmm(start)) && label.includes(hhmm(end)), `the picker shows "${label}", not ${hhmm(start)} – ${hhmm(end)}`);
    await settle(page);
    await page.screenshot({ path: join(shots, "custom-range-applied-light.png") });
    assert(errors.length === 0, `console: ${errors.join(" | ")}`);
    await ctx.close();
  });

  await check("deep link restores the GPU view (?gpu=N, range)", async () => {
    const host = jobNode ?? node;
    const g = jobGpus[0] ?? 0;
    const { ctx, page } = await newPage("light");
    const res = await page.goto(`${base}/nodes/${encodeURIComponent(host)}?gpu=${g}&from=now-3h&refresh=30s`);
    assert(res.ok(), `GET a deep link answered ${res.status()}`);
    await page.getByTestId("gpu-card").first().waitFor();
    assert((await page.getByTestId("gpu-card").count()) === 1, "more than one card");
    const pressed = await page.getByRole("button", { name: `gpu${g}`, exact: true }).getAttribute("aria-pressed");
    assert(pressed === "true", `the gpu${g} button is not pressed (${pressed})`);
    assert((await page.getByRole("heading", { level: 1 }).textContent()).includes(`${host}/gpu${g}`), "heading does not name the GPU");
    const range = await page.getByTestId("range-picker").textContent();
    assert(/3 hours/.test(range), `range picker shows ${range}`);
    await ctx.close();
  });
} finally {
  await browser.close();
}

console.log(`\n${passed} passed, ${failures.length} failed; screenshots in ${shots}`);
if (failures.length) {
  for (const f of failures) console.log(`  - ${f}`);
  process.exit(1);
}
