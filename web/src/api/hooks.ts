// Data hooks. Views never call fetch: they ask for a query here. While the hub's event stream
// is open (useLiveStream), it refetches these queries when new samples arrive and the fixed
// interval is off; without the stream they poll on the URL's refresh interval as before.
import { keepPreviousData, queryOptions, useIsFetching, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState } from "react";
import { ApiError, PromClient, type Alert, type InstantSample, type RangeSeries, type RuleGroup } from "./prom";
import { connection } from "./connection";
import { pollsOnInterval, useLiveStatus } from "./live";
import { useTimeParams } from "../app/router";
import { rangeWindow, refreshMs } from "../lib/time";
import { ALERTS_KEY, instantKey, RANGE_POINTS, rangeKey, takeEarly } from "./early";

/** The client for the hub at this origin: the context's default, and what prefetch.ts uses. */
export const defaultPromClient = new PromClient("");
export const PromClientContext = createContext<PromClient>(defaultPromClient);

export function usePromClient(): PromClient {
  return useContext(PromClientContext);
}

/** Wraps a request so the connection banner knows whether the hub answers. */
async function tracked<T>(p: Promise<T>): Promise<T> {
  try {
    const v = await p;
    connection.success();
    return v;
  } catch (e) {
    if (e instanceof ApiError && e.isConnectionError) connection.failure(e.message);
    else if (e instanceof ApiError) connection.success();
    throw e;
  }
}

// Query keys and functions, shared by the hooks below and by prefetch.ts (which starts the
// current view's requests before its chunk has loaded): the same key finds the same request.
// A query's first fetch adopts the request index.html sent under its key, if any (early.ts).

/** An instant query at `at` (epoch ms), or at "now" when undefined. */
export function instantQuery(client: PromClient, expr: string, at: number | undefined) {
  const queryKey = instantKey(expr, at);
  return queryOptions({
    queryKey,
    queryFn: ({ signal }) => {
      const early = takeEarly(queryKey, Date.now());
      return tracked(client.query(expr, at !== undefined && Number.isFinite(at) ? at : undefined, signal, early?.response));
    },
  });
}

/** A range query over [from, to] (URL syntax: "now-1h", "now", epoch ms) at about `points` points. */
export function rangeQuery(client: PromClient, expr: string, from: string, to: string, points = RANGE_POINTS) {
  const queryKey = rangeKey(expr, from, to, points);
  return queryOptions({
    queryKey,
    queryFn: async ({ signal }): Promise<RangeResult> => {
      // An early request (early.ts) was planned at its own "now": its window goes with its answer.
      const early = takeEarly(queryKey, Date.now());
      const w = early?.window ?? rangeWindow({ from, to }, Date.now(), points);
      const series = await tracked(client.queryRange(expr, w.startMs, w.endMs, w.stepS, signal, early?.response));
      return { series, ...w };
    },
  });
}

export function alertsQuery(client: PromClient) {
  return queryOptions({
    queryKey: ALERTS_KEY,
    queryFn: ({ signal }) => tracked(client.alerts(signal, takeEarly(ALERTS_KEY, Date.now())?.response)),
  });
}

function useRefetchInterval(): number | false {
  const { refresh, to } = useTimeParams();
  const live = useLiveStatus();
  // A fixed (absolute) time range does not move: nothing to poll. The stream, when there is
  // one, decides when to refetch; a lost stream freezes the page.
  if (to !== "now" || !pollsOnInterval(live)) return false;
  return refreshMs(refresh);
}

/**
 * An instant query at the end of the URL's range ("now" when live), or at `timeMs` (e.g. the
 * moment a silent node was last seen, to show its last values marked stale).
 */
export function useInstantQuery(expr: string, opts: { enabled?: boolean; timeMs?: number } = {}): UseQueryResult<InstantSample[], Error> {
  const client = usePromClient();
  const { to } = useTimeParams();
  const interval = useRefetchInterval();
  const at = opts.timeMs ?? (to === "now" ? undefined : Number(to));
  return useQuery({
    ...instantQuery(client, expr, at),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
}

export interface RangeResult {
  series: RangeSeries[];
  startMs: number;
  endMs: number;
  stepS: number;
}

/**
 * A range query over the URL's time range (or an explicit one, e.g. a job's lifetime), with the
 * step chosen so the hub decimates to about `points` points.
 */
export function useRangeQuery(
  expr: string,
  opts: { from?: string; to?: string; points?: number; enabled?: boolean } = {},
): UseQueryResult<RangeResult, Error> {
  const client = usePromClient();
  const params = useTimeParams();
  const from = opts.from ?? params.from;
  const to = opts.to ?? params.to;
  const interval = useRefetchInterval();
  const points = opts.points ?? RANGE_POINTS;
  return useQuery({
    ...rangeQuery(client, expr, from, to, points),
    refetchInterval: interval === false ? false : Math.max(interval, 5000),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
}

export function useAlerts(): UseQueryResult<Alert[], Error> {
  const client = usePromClient();
  const interval = useRefetchInterval();
  return useQuery({
    ...alertsQuery(client),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
}

/**
 * False until the page's first requests have settled (or `maxWaitMs` has passed), then true for
 * good: for requests that must not compete with the ones the page is waiting for.
 */
export function useAfterFirstRequests(maxWaitMs = 5000): boolean {
  const fetching = useIsFetching();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setReady(true), maxWaitMs);
    return () => clearTimeout(t);
  }, [maxWaitMs]);
  useEffect(() => {
    if (fetching === 0) setReady(true);
  }, [fetching]);
  return ready;
}

/**
 * An instant query at "now" for something that changes rarely (which driver the exporters
 * loaded): asked once the page's first requests have settled, then every `intervalMs`, whatever
 * the URL's range and refresh. Its key is not an "instant" one, so the live stream's per-sample
 * refetches leave it alone.
 */
export function useSlowInstantQuery(expr: string, intervalMs: number): UseQueryResult<InstantSample[], Error> {
  const client = usePromClient();
  const ready = useAfterFirstRequests();
  return useQuery({
    queryKey: ["slow", expr] as const,
    queryFn: ({ signal }) => tracked(client.query(expr, undefined, signal)),
    refetchInterval: intervalMs,
    staleTime: intervalMs,
    enabled: ready,
  });
}

export function useRules(): UseQueryResult<RuleGroup[], Error> {
  const client = usePromClient();
  const interval = useRefetchInterval();
  return useQuery({
    queryKey: ["rules"],
    queryFn: ({ signal }) => tracked(client.rules(signal)),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
  });
}
