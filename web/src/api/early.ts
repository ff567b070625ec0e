// Requests sent before the dashboard's bundle has even downloaded. index.html inlines a small
// build of ../early-main.ts (vite.config.ts, plugin `earlyRequests`) that calls
// startEarlyRequests while the browser still parses the page; the hooks' query functions then
// adopt those requests (takeEarly) instead of asking again. The two scripts share nothing but
// one window property, the table below; each entry is taken at most once.
//
// No React here, and nothing that imports it: this module is bundled on its own.
import { ALERTS_PATH, instantBody, QUERY_PATH, QUERY_RANGE_PATH, rangeBody, type Fetcher, requestInit } from "./prom";
import { ROUTE_QUERIES } from "./promql";
import { rangeWindow, timeParamsOf, type RangeWindow } from "../lib/time";

export type ViewName = "overview" | "nodes" | "nodeDetail" | "jobs" | "jobDetail" | "alerts";

/** The view that `path` shows (App.tsx routes the same way), or undefined (not found). */
export function viewOfPath(path: string): ViewName | undefined {
  if (path === "/" || path === "") return "overview";
  if (path === "/nodes") return "nodes";
  if (/^\/nodes\/[^/]+$/.test(path)) return "nodeDetail";
  if (path === "/jobs") return "jobs";
  if (/^\/jobs\/[^/]+$/.test(path)) return "jobDetail";
  if (path === "/alerts") return "alerts";
  return undefined;
}

// Query keys: TanStack's keys in hooks.ts, and (as JSON) the keys of the early table.
export const instantKey = (expr: string, at: number | undefined) => ["instant", expr, at ?? "now"] as const;
export const rangeKey = (expr: string, from: string, to: string, points: number) => ["range", expr, from, to, points] as const;
export const ALERTS_KEY = ["alerts"] as const;

/** The points of a range query unless a hook asks otherwise (useRangeQuery). */
export const RANGE_POINTS = 300;

/** A request already sent. `window`: where a range query is evaluated, for its result. */
export interface EarlyRequest {
  response: Promise<Response>;
  sentAtMs: number;
  window?: RangeWindow;
}

export type EarlyTable = Map<string, EarlyRequest>;

/** Where the table lives: `window` in the page, a plain object in tests. */
export interface EarlyHost {
  __gwEarly?: EarlyTable;
}

declare global {
  interface Window {
    __gwEarly?: EarlyTable;
  }
}

/**
 * An answer older than this is not adopted: a page whose bundle took that long to arrive asks
 * again rather than show data from before it started.
 */
export const EARLY_MAX_AGE_MS = 10_000;

export interface PlannedRequest {
  key: readonly unknown[];
  path: string;
  /** Form body (POST), or null for a GET. */
  body: string | null;
  window?: RangeWindow;
}

/**
 * What the view at `path` asks first (ROUTE_QUERIES, at the URL's time range; at `nowMs` for a
 * relative one), as prefetch.ts and the view's hooks will ask it: the same keys and bodies. The
 * header's alert count, on every page, comes last.
 */
export function planEarlyRequests(path: string, search: URLSearchParams, nowMs: number): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  const view = viewOfPath(path);
  if (view === "overview" || view === "nodes") {
    const { from, to } = timeParamsOf(search);
    const at = to === "now" ? undefined : Number(to);
    const { instant, range } = ROUTE_QUERIES[view];
    for (const expr of instant) out.push({ key: instantKey(expr, at), path: QUERY_PATH, body: instantBody(expr, at) });
    for (const expr of range) {
      const w = rangeWindow({ from, to }, nowMs, RANGE_POINTS);
      out.push({ key: rangeKey(expr, from, to, RANGE_POINTS), path: QUERY_RANGE_PATH, body: rangeBody(expr, w.startMs, w.endMs, w.stepS), window: w });
    }
  }
  out.push({ key: ALERTS_KEY, path: ALERTS_PATH, body: null });
  return out;
}

/** Sends the planned requests of `path` and leaves them in `host`'s table; returns how many. */
export function startEarlyRequests(host: EarlyHost, fetcher: Fetcher, path: string, search: URLSearchParams, nowMs: number): number {
  const table: EarlyTable = new Map();
  for (const r of planEarlyRequests(path, search, nowMs)) {
    const response = fetcher(r.path, requestInit(r.body));
    // Not adopted (e.g. a failed request on a page whose view never asks): no unhandled rejection.
    response.catch(() => undefined);
    table.set(JSON.stringify(r.key), { response, sentAtMs: nowMs, window: r.window });
  }
  host.__gwEarly = table;
  return table.size;
}

/**
 * The early request under `key`, removed from the table (an answer's body can be read once), or
 * undefined: none was sent, it was taken already, or it is older than EARLY_MAX_AGE_MS.
 */
export function takeEarly(key: readonly unknown[], nowMs: number, host: EarlyHost | undefined = globalHost()): EarlyRequest | undefined {
  const table = host?.__gwEarly;
  if (!table) return undefined;
  const k = JSON.stringify(key);
  const r = table.get(k);
  if (!r) return undefined;
  table.delete(k);
  return nowMs - r.sentAtMs <= EARLY_MAX_AGE_MS ? r : undefined;
}

function globalHost(): EarlyHost | undefined {
  return typeof window === "undefined" ? undefined : window;
}
