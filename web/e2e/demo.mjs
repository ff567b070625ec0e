// `make demo` seen in a browser (tests/demo_test.sh runs it): the dashboard the demo prints says
// the GPUs are simulated, shows the running jobs Slurm reports, and the firing alerts; a
// screenshot of each view is saved.
//
//   GW_DASHBOARD_URL  the URL the demo printed
//   GW_JOB_IDS        running job ids from squeue (comma-separated): each must be on /jobs
//   GW_ALERT          the name of an alert that fires in the hub: it must be on /alerts
//   GW_SCREENSHOTS    where the screenshots go
//   CHROMIUM          the browser (default /usr/bin/chromium)
// Exit 0 when every check passes; 1 with the failures listed otherwise.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const base = (env.GW_DASHBOARD_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const shots = env.GW_SCREENSHOTS ?? "screenshots";
const jobIds = (env.GW_JOB_IDS ?? "").split(",").filter(Boolean);
mkdirSync(shots, { recursive: true });

const failures = [];
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(`${name}: ${e.message.split("\n")[0]}`);
    console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
  }
}

const browser = await chromium.launch({
  executablePath: env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

/** Opens `path`, waits for `text` to appear (a string or RegExp), screenshots it as `shot`. */
async function view(path, text, shot) {
  await page.goto(base + path);
  try {
    await page.getByText(text).first().waitFor({ timeout: 20000 });
  } finally {
    await page.waitForTimeout(1500); // charts and the live stream's first values
    await page.screenshot({ path: join(shots, `${shot}.png`), fullPage: true }).catch(() => {});
  }
}

await check("the overview says the GPUs are simulated", () =>
  view("/", /simulated/i, "demo-overview"));
if (env.GW_ALERT) {
  await check(`the alerts view shows the firing alert ${env.GW_ALERT}`, () =>
    view("/alerts", env.GW_ALERT, "demo-alerts"));
}
if (jobIds.length) {
  await check(`the jobs view lists the running jobs ${jobIds.join(", ")}`, async () => {
    await view("/jobs", jobIds[0], "demo-jobs");
    for (const id of jobIds) await page.getByText(id, { exact: true }).first().waitFor({ timeout: 10000 });
  });
}
await check("the GPU nodes view says the GPUs are simulated", () => view("/nodes", /simulated/i, "demo-nodes"));
await check("no uncaught page errors", async () => {
  if (errors.length) throw new Error(errors.join("; "));
});
await browser.close();
if (failures.length) {
  console.log(`${failures.length} failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
