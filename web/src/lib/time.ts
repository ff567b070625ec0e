// Time ranges as Grafana writes them in URLs: `from=now-1h&to=now`, or epoch milliseconds.

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

export function rangeLabel(from: string): string {
  const c = RANGE_CHOICES.find((r) => r.value === from);
  if (c) return c.label;
  if (from.startsWith("now-")) return `Last ${from.slice(4)}`;
  return "Custom range";
}

/** Refresh interval in ms, or false for "off" / malformed. */
export function refreshMs(refresh: string): number | false {
  if (refresh === "off") return false;
  const ms = parseDurationMs(refresh);
  return ms && ms >= 1000 ? ms : false;
}
