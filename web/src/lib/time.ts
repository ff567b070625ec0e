// Time ranges as Grafana writes them in URLs: `from=now-1h&to=now`, or epoch milliseconds.
import { formatMonthDay } from "./format";

export interface TimeRange {
  from: string;
  to: string;
}

export interface ResolvedRange {
  startMs: number;
  endMs: number;
}

export const RANGE_CHOICES: { value: string; label: string }[] = [
  { value: "now-15m", label: "Last 15 minutes" },
  { value: "now-1h", label: "Last 1 hour" },
  { value: "now-3h", label: "Last 3 hours" },
  { value: "now-6h", label: "Last 6 hours" },
  { value: "now-12h", label: "Last 12 hours" },
  { value: "now-24h", label: "Last 24 hours" },
  { value: "now-2d", label: "Last 2 days" },
  { value: "now-7d", label: "Last 7 days" },
];

export const REFRESH_CHOICES: { value: string; label: string }[] = [
  { value: "off", label: "Off" },
  { value: "5s", label: "5 s" },
  { value: "10s", label: "10 s" },
  { value: "30s", label: "30 s" },
  { value: "1m", label: "1 min" },
  { value: "5m", label: "5 min" },
];

export const DEFAULT_FROM = "now-1h";
export const DEFAULT_REFRESH = "10s";

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses "15s", "1m", "2h", "1h30m" into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) return undefined;
  return total;
}

/** "now", "now-15m", or epoch milliseconds; undefined when malformed. */
export function parseTimeExpr(text: string, nowMs: number): number | undefined {
  const t = text.trim();
  if (t === "now") return nowMs;
  if (t.startsWith("now-")) {
    const d = parseDurationMs(t.slice(4));
    return d === undefined ? undefined : nowMs - d;
  }
  if (/^\d{10,}$/.test(t)) return Number(t);
  return undefined;
}

export function resolveRange(range: TimeRange, nowMs: number): ResolvedRange {
  const end = parseTimeExpr(range.to, nowMs) ?? nowMs;
  let start = parseTimeExpr(range.from, nowMs) ?? end - 3_600_000;
  if (start >= end) start = end - 60_000;
  return { startMs: start, endMs: end };
}

/** The URL's time parameters, with their defaults. */
export interface TimeParams {
  from: string;
  to: string;
  refresh: string;
}

export function timeParamsOf(search: URLSearchParams): TimeParams {
  return {
    from: search.get("from") ?? DEFAULT_FROM,
    to: search.get("to") ?? "now",
    refresh: search.get("refresh") ?? DEFAULT_REFRESH,
  };
}

export function isLive(range: TimeRange): boolean {
  return range.to === "now";
}

const NICE_STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * The `step` for a range query: about `points` points across the range, rounded up to a nice
 * step and never below `minStepS` (the scrape interval), so the hub decimates server-side and
 * the browser never receives more points than the chart has pixels for.
 */
export function chooseStepSeconds(rangeMs: number, points = 300, minStepS = 5): number {
  const raw = rangeMs / 1000 / points;
  for (const s of NICE_STEPS_S) {
    if (s >= raw && s >= minStepS) return s;
  }
  return Math.max(minStepS, Math.ceil(raw / 86400) * 86400);
}

/** Where a range query over `range` is evaluated, asked at `nowMs`. */
export interface RangeWindow {
  startMs: number;
  /** Aligned down to the step, so consecutive polls hit the same evaluation points. */
  endMs: number;
  stepS: number;
}

/** The window of a range query over `range` at about `points` points. */
export function rangeWindow(range: TimeRange, nowMs: number, points = 300): RangeWindow {
  const { startMs, endMs } = resolveRange(range, nowMs);
  const stepS = chooseStepSeconds(endMs - startMs, points);
  return { startMs, endMs: Math.floor(endMs / 1000 / stepS) * stepS * 1000, stepS };
}

export function rangeLabel(from: string): string {
  const c = RANGE_CHOICES.find((r) => r.value === from);
  if (c) return c.label;
  if (from.startsWith("now-")) return `Last ${from.slice(4)}`;
  return "Custom range";
}

/**
 * What the range picker shows for the URL's range: the preset's name ("Last 6 hours") for a
 * range relative to now, else the actual times ("Nov 30 10:00 – 12:30", "Since Nov 30 10:00").
 */
export function rangeDisplay(range: TimeRange, nowMs: number): string {
  if (range.to === "now" && range.from.startsWith("now")) return rangeLabel(range.from);
  const { startMs, endMs } = resolveRange(range, nowMs);
  if (range.to === "now") return `Since ${formatRangeEnd(startMs, nowMs, false)}`;
  return formatAbsoluteRange(startMs, endMs, nowMs);
}

const pad2 = (n: number) => String(n).padStart(2, "0");

function sameLocalDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "Nov 30" (with the year when it is not this year's), then "10:00" or "10:00:15". */
function formatRangeEnd(ms: number, nowMs: number, withSeconds: boolean, withDate = true): string {
  const d = new Date(ms);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}${withSeconds ? `:${pad2(d.getSeconds())}` : ""}`;
  if (!withDate) return time;
  const year = d.getFullYear() === new Date(nowMs).getFullYear() ? "" : ` ${d.getFullYear()}`;
  return `${formatMonthDay(ms)}${year} ${time}`;
}

/**
 * "Nov 30 10:00 – 12:30" (one day), "Nov 30 22:00 – Dec 1 02:00" (across days); seconds only on
 * a range under an hour whose ends are not on whole minutes (a drag-zoom), where they matter.
 */
export function formatAbsoluteRange(startMs: number, endMs: number, nowMs: number): string {
  const s = Math.round(startMs / 1000) * 1000;
  const e = Math.round(endMs / 1000) * 1000;
  const withSeconds = e - s < 3_600_000 && (s % 60_000 !== 0 || e % 60_000 !== 0);
  const oneDay = sameLocalDay(new Date(s), new Date(e));
  return `${formatRangeEnd(s, nowMs, withSeconds)} – ${formatRangeEnd(e, nowMs, withSeconds, !oneDay)}`;
}

/** Local "2026-11-30 10:00" (":SS" added when not on a whole minute), as parseTimeInput reads it. */
export function formatTimeInput(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const sec = d.getSeconds() !== 0 ? `:${pad2(d.getSeconds())}` : "";
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}${sec}`;
}

/** A time typed into the custom range form, read, or why it could not be. */
export type TimeInput = { ok: true; ms: number; relative: boolean } | { ok: false; error: string };

const TIME_FORMS = "use YYYY-MM-DD HH:MM[:SS] in local time (end with Z for UTC), or now-6h";
const ABSOLUTE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(z|utc)?$/i;

/**
 * Reads "2026-11-30 10:00", "2026-11-30 10:00:15", "2026-11-30T10:00Z" (UTC), "2026-11-30"
 * (midnight), "now", "now-6h", "now-1h30m" or epoch milliseconds. Local time unless Z/UTC.
 */
export function parseTimeInput(text: string, nowMs: number): TimeInput {
  const t = text.trim();
  if (t === "") return { ok: false, error: `empty (${TIME_FORMS})` };
  if (t === "now" || t.startsWith("now-")) {
    const ms = parseTimeExpr(t, nowMs);
    if (ms === undefined) return { ok: false, error: `"${t}": unknown duration (use e.g. now-30m, now-6h, now-2d)` };
    return { ok: true, ms, relative: true };
  }
  if (/^\d{10,}$/.test(t)) return { ok: true, ms: Number(t), relative: false };
  const m = ABSOLUTE_RE.exec(t);
  if (!m) return { ok: false, error: `"${t}": not a time (${TIME_FORMS})` };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59) return { ok: false, error: `"${t}": no such time of day` };
  const utc = m[7] !== undefined;
  const date = utc ? new Date(Date.UTC(y, mo - 1, d, h, mi, s)) : new Date(y, mo - 1, d, h, mi, s);
  // Date rolls 2026-02-30 over into March: a date that does not come back unchanged is invalid.
  const back = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate()];
  if (back[0] !== y || back[1] !== mo || back[2] !== d) return { ok: false, error: `"${t}": no such date` };
  return { ok: true, ms: date.getTime(), relative: false };
}

/** How far past now a typed range may end (clocks differ between browser and hub). */
export const FUTURE_SLACK_MS = 5 * 60_000;
/** Shorter ranges hold only a couple of samples at the hub's 5 s step. */
export const MIN_RANGE_MS = 10_000;

/**
 * A typed range, checked, as the URL's `from`/`to`: "now-6h" to "now" stays relative (live);
 * anything else becomes epoch milliseconds, as a drag-zoom writes it. `field` says which input
 * an error belongs to ("range" for both).
 */
export type RangeInput =
  | { ok: true; from: string; to: string; startMs: number; endMs: number }
  | { ok: false; field: "from" | "to" | "range"; error: string };

export function parseRangeInput(fromText: string, toText: string, nowMs: number, opts: { maxSpanMs?: number } = {}): RangeInput {
  const from = parseTimeInput(fromText, nowMs);
  if (!from.ok) return { ok: false, field: "from", error: `From: ${from.error}` };
  const to = parseTimeInput(toText, nowMs);
  if (!to.ok) return { ok: false, field: "to", error: `To: ${to.error}` };
  if (to.ms > nowMs + FUTURE_SLACK_MS) {
    return { ok: false, field: "to", error: `To is in the future (after ${formatTimeInput(nowMs)}); there is no data there yet` };
  }
  if (from.ms >= to.ms) return { ok: false, field: "range", error: "From must be before To" };
  if (to.ms - from.ms < MIN_RANGE_MS) return { ok: false, field: "range", error: "The range must be at least 10 s long" };
  if (opts.maxSpanMs !== undefined && to.ms - from.ms > opts.maxSpanMs) {
    const days = Math.round(opts.maxSpanMs / 86_400_000);
    return { ok: false, field: "range", error: `The range is longer than the hub keeps data (${days} d); pick a shorter one` };
  }
  if (from.relative && toText.trim() === "now") return { ok: true, from: fromText.trim(), to: "now", startMs: from.ms, endMs: to.ms };
  return { ok: true, from: String(from.ms), to: String(to.ms), startMs: from.ms, endMs: to.ms };
}

/** Refresh interval in ms, or false for "off" / malformed. */
export function refreshMs(refresh: string): number | false {
  if (refresh === "off") return false;
  const ms = parseDurationMs(refresh);
  return ms && ms >= 1000 ? ms : false;
}
