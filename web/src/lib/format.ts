// Number and time formatting. Every formatter takes `number | undefined` and returns "N/A" for
// undefined or NaN, so a value that could not be read never turns into 0 on screen.

export const NA = "N/A";

// Pure: a bundle that formats nothing (the early requests, api/early.ts) leaves them out.
const intFmt = /* @__PURE__ */ new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = /* @__PURE__ */ new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

export function isNum(v: number | undefined | null): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

export function formatInt(v: number | undefined): string {
  return isNum(v) ? intFmt.format(Math.round(v)) : NA;
}

export function formatPercent(v: number | undefined): string {
  return isNum(v) ? `${intFmt.format(Math.round(v))} %` : NA;
}

/** DCGM reports framebuffer memory in MiB; show it in GiB (IEC), one decimal. */
export function mibToGiB(mib: number): number {
  return mib / 1024;
}

export function formatGiB(mib: number | undefined): string {
  return isNum(mib) ? `${oneDecimal.format(mibToGiB(mib))} GiB` : NA;
}

/** "12.3 / 80.0 GiB": used over total, each N/A on its own when unknown. */
export function formatMemUsedTotal(usedMib: number | undefined, totalMib: number | undefined): string {
  const used = isNum(usedMib) ? oneDecimal.format(mibToGiB(usedMib)) : NA;
  const total = isNum(totalMib) ? oneDecimal.format(mibToGiB(totalMib)) : NA;
  return `${used} / ${total} GiB`;
}

/** Slurm reports node memory in MB (really MiB, 1024² bytes): show GiB. */
export function formatSlurmMem(mb: number | undefined): string {
  return isNum(mb) ? `${intFmt.format(Math.round(mb / 1024))} GiB` : NA;
}

export function formatWatts(v: number | undefined): string {
  return isNum(v) ? `${intFmt.format(Math.round(v))} W` : NA;
}

/** Power as nvtop shows it: "draw / limit W". */
export function formatPowerDrawLimit(draw: number | undefined, limit: number | undefined): string {
  const d = isNum(draw) ? intFmt.format(Math.round(draw)) : NA;
  const l = isNum(limit) ? intFmt.format(Math.round(limit)) : NA;
  return `${d} / ${l} W`;
}

/** Cluster-level power: W below 10 kW, kW above (one decimal). */
export function formatPowerTotal(w: number | undefined): string {
  if (!isNum(w)) return NA;
  if (Math.abs(w) >= 10_000) return `${oneDecimal.format(w / 1000)} kW`;
  return `${intFmt.format(Math.round(w))} W`;
}

export function formatCelsius(v: number | undefined): string {
  return isNum(v) ? `${intFmt.format(Math.round(v))} °C` : NA;
}

export function formatMHz(v: number | undefined): string {
  return isNum(v) ? `${intFmt.format(Math.round(v))} MHz` : NA;
}

/** "free / total" as integers, for the "can my N-GPU job start now?" question. */
export function formatFreeOfTotal(free: number | undefined, total: number | undefined): string {
  return `${formatInt(free)} / ${formatInt(total)}`;
}

/** Compact duration: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(seconds: number | undefined): string {
  if (!isNum(seconds)) return NA;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "last seen 47 s ago"; `nowMs` and `seenMs` in milliseconds. */
export function formatAgo(seenMs: number | undefined, nowMs: number): string {
  if (!isNum(seenMs)) return "never seen";
  return `${formatDuration((nowMs - seenMs) / 1000)} ago`;
}

/** Local wall-clock time, 24 h: "14:02:11". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Local month and day: "Nov 29" (English month names, as the rest of the page). */
export function formatMonthDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
}

/** Local date and time: "2026-11-29 14:02". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
