// End-to-end checks of the dashboard against a running hub, with Debian's Chromium driven by
// playwright-core (no browser download). Takes a light and a dark screenshot of every view.
//
//   GW_DASHBOARD_URL  where the dashboard is served (default http://127.0.0.1:4173, `npm run
//                     preview` proxying /api to the hub; or the hub itself, http://127.0.0.1:3000)
//   GW_NODE           a node to open (default: the first one the nodes page lists)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   GW_SCREENSHOTS    where screenshots go (default e2e/screenshots/, git-ignored)
//
// Exit 0 when every check passes; 1 with the failures listed otherwise.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const base = (process.env.GW_DASHBOARD_URL ?? "http://127.0.0.1:4173").replace(/\/$/, "");
const shots = process.env.GW_SCREENSHOTS ?? join(here, "screenshots");
mkdirSync(shots, { recursive: true });

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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function newPage(colorScheme) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => failures.push(`page error (${colorScheme}): ${e.message}`));
  return { ctx, page };
}

/** Waits until no query is in flight and charts had time to draw. */
async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(400);
}

try {
  let node = process.env.GW_NODE;
  for (const scheme of ["light", "dark"]) {
    const { ctx, page } = await newPage(scheme);

    await check(`[${scheme}] overview shows free/total GPU counts`, async () => {
      await page.goto(`${base}/`);
      const stat = page.getByTestId("stat-gpus");
      await stat.waitFor();
      await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('[data-testid="stat-gpus"]')?.textContent ?? ""), null, { timeout: 15000 });
      const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
      assert(dark === (scheme === "dark"), `theme class is ${dark ? "dark" : "light"} under prefers-color-scheme ${scheme}`);
      await settle(page);
      await page.screenshot({ path: join(shots, `overview-${scheme}.png`), fullPage: true });
    });

    await check(`[${scheme}] nodes: heat grid and table`, async () => {
      await page.getByRole("link", { name: "Nodes", exact: true }).click();
      await page.waitForURL(/\/nodes$/);
      await page.getByTestId("heat-grid").waitFor();
      const cells = await page.locator("[data-cell]").count();
      assert(cells > 0, "no GPU cell in the heat grid");
      const rows = await page.locator('[data-testid="node-table"] tbody tr').count();
      assert(rows > 0, "empty node table");
      node ??= (await page.locator('[data-testid="node-table"] tbody tr th a').first().textContent())?.trim();
      // Keyboard: focus the first cell, arrow right moves focus to the second.
      await page.locator('[data-cell="0"]').focus();
      await page.keyboard.press("ArrowRight");
      const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-cell"));
      assert(focused === "1", `ArrowRight focused cell ${focused}`);
      const detail = await page.getByTestId("heat-detail").textContent();
      assert(/gpu1/.test(detail ?? ""), `detail does not describe the focused GPU: ${detail}`);
      await settle(page);
      await page.screenshot({ path: join(shots, `nodes-${scheme}.png`), fullPage: true });
    });

    await check(`[${scheme}] filter lives in the URL`, async () => {
      await page.getByTestId("node-filter").fill(node);
      await page.waitForURL(new RegExp(`q=${node}`));
      await page.getByTestId("node-filter").fill("");
    });

    await check(`[${scheme}] node detail: GPU cards and charts`, async () => {
      await page.goto(`${base}/nodes/${encodeURIComponent(node)}?from=now-15m`);
      await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
      const text = await page.getByTestId("gpu-card").first().textContent();
      assert(/GiB/.test(text) && /W/.test(text) && /°C/.test(text), `card lacks units: ${text.slice(0, 200)}`);
      assert((await page.locator("canvas").count()) >= 4, "fewer than 4 charts");
      await settle(page);
      await page.screenshot({ path: join(shots, `node-${scheme}.png`), fullPage: true });
    });

    await check(`[${scheme}] GPU detail (?gpu=0)`, async () => {
      await page.goto(`${base}/nodes/${encodeURIComponent(node)}?gpu=0&from=now-15m`);
      await page.getByTestId("gpu-card").first().waitFor();
      assert((await page.getByTestId("gpu-card").count()) === 1, "more than one card for ?gpu=0");
      await settle(page);
      await page.screenshot({ path: join(shots, `gpu-${scheme}.png`), fullPage: true });
    });

    if (process.env.GW_STALE_NODE) {
      await check(`[${scheme}] a silent node shows its last values as stale`, async () => {
        await page.goto(`${base}/nodes/${encodeURIComponent(process.env.GW_STALE_NODE)}?from=now-15m`);
        await page.getByText(/exporter silent · last seen/).waitFor({ timeout: 15000 });
        await page.getByTestId("gpu-card").first().waitFor({ timeout: 15000 });
        await settle(page);
        await page.screenshot({ path: join(shots, `node-stale-${scheme}.png`), fullPage: true });
      });
    }

    await check(`[${scheme}] jobs and a job page`, async () => {
      await page.goto(`${base}/jobs`);
      await page.waitForSelector('[data-testid="job-table"], main p', { timeout: 15000 });
      await settle(page);
      await page.screenshot({ path: join(shots, `jobs-${scheme}.png`), fullPage: true });
      const first = page.locator('[data-testid="job-table"] tbody tr th a').first();
      if ((await first.count()) > 0) {
        await first.click();
        await page.getByTestId("findings").waitFor({ timeout: 15000 });
        await settle(page);
        await page.screenshot({ path: join(shots, `job-${scheme}.png`), fullPage: true });
      }
    });

    await check(`[${scheme}] alerts`, async () => {
      await page.goto(`${base}/alerts?from=now-1h`);
      await page.getByRole("heading", { name: "Alerts" }).waitFor();
      await settle(page);
      await page.screenshot({ path: join(shots, `alerts-${scheme}.png`), fullPage: true });
    });

    await ctx.close();
  }

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

  await check("deep link survives a reload (history routing fallback)", async () => {
    const { ctx, page } = await newPage("light");
    const res = await page.goto(`${base}/nodes/${encodeURIComponent(node)}?gpu=0&from=now-3h&refresh=30s`);
    assert(res.ok(), `GET a deep link answered ${res.status()}`);
    await page.getByTestId("gpu-card").first().waitFor();
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
