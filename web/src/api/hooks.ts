// Data hooks. Views never call fetch: they ask for a query here. While the hub's event stream
// is open (useLiveStream), it refetches these queries when new samples arrive and the fixed
// interval is off; without the stream they poll on the URL's refresh interval as before.
import { keepPreviousData, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { ApiError, PromClient, type Alert, type InstantSample, type RangeSeries, type RuleGroup } from "./prom";
import { connection } from "./connection";
import { pollsOnInterval, useLiveStatus } from "./live";
import { useTimeParams } from "../app/router";
import { chooseStepSeconds, refreshMs, resolveRange } from "../lib/time";

export const PromClientContext = createContext<PromClient>(new PromClient(""));

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
    queryKey: ["instant", expr, at ?? "now"],
    queryFn: ({ signal }) => tracked(client.query(expr, at !== undefined && Number.isFinite(at) ? at : undefined, signal)),
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
  const points = opts.points ?? 300;
  return useQuery({
    queryKey: ["range", expr, from, to, points],
    queryFn: async ({ signal }) => {
      const { startMs, endMs } = resolveRange({ from, to }, Date.now());
      const stepS = chooseStepSeconds(endMs - startMs, points);
      // Align to the step so consecutive polls hit the same evaluation points.
      const alignedEnd = Math.floor(endMs / 1000 / stepS) * stepS * 1000;
      const series = await tracked(client.queryRange(expr, startMs, alignedEnd, stepS, signal));
      return { series, startMs, endMs: alignedEnd, stepS };
    },
    refetchInterval: interval === false ? false : Math.max(interval, 5000),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
}

export function useAlerts(): UseQueryResult<Alert[], Error> {
  const client = usePromClient();
  const interval = useRefetchInterval();
  return useQuery({
    queryKey: ["alerts"],
    queryFn: ({ signal }) => tracked(client.alerts(signal)),
    refetchInterval: interval,
    placeholderData: keepPreviousData,
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
