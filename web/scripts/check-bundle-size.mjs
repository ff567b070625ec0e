// Fails the build when the JavaScript loaded before first render exceeds the budget (250 KiB
// gzipped): the entry chunk and every chunk it imports statically (modulepreload links), not
// the views that load on demand.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET = 250 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of new Set(files)) {
  const gz = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  total += gz;
  console.log(`  ${f}  ${(gz / 1024).toFixed(1)} KiB gzipped`);
}
console.log(`initial JS: ${(total / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET / 1024} KiB)`);
if (total > BUDGET) {
  console.error("initial JS over budget");
  process.exit(1);
}
