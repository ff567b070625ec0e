// Starts the current view's API requests from the entry chunk, before the view's own chunk has
// loaded (main.tsx calls it once, at start). The requests go into the same QueryClient under
// the same keys the view's hooks use (hooks.ts), so the view finds them in flight or answered
// instead of asking again after its chunk arrived. Where index.html already sent them (early.ts),
// the query functions adopt those requests rather than send their own.
import type { QueryClient } from "@tanstack/react-query";
import { alertsQuery, defaultPromClient, instantQuery, rangeQuery } from "./hooks";
import { ROUTE_QUERIES } from "./promql";
import { viewOfPath } from "./early";
import type { PromClient } from "./prom";
import { timeParamsOf } from "../app/router";

/** Which prefetchable view a path shows, if any. */
export function routeView(path: string): keyof typeof ROUTE_QUERIES | undefined {
  const view = viewOfPath(path);
  return view === "overview" || view === "nodes" ? view : undefined;
}

/** Starts the requests of the view at `path` with the URL's time range; returns how many. */
export function prefetchRoute(client: QueryClient, path: string, search: URLSearchParams, prom: PromClient = defaultPromClient): number {
  const view = routeView(path);
  // The header's alert count is on every page.
  void client.prefetchQuery(alertsQuery(prom));
  if (!view) return 1;
  const { from, to } = timeParamsOf(search);
  const at = to === "now" ? undefined : Number(to);
  const { instant, range } = ROUTE_QUERIES[view];
  for (const expr of instant) void client.prefetchQuery(instantQuery(prom, expr, at));
  for (const expr of range) void client.prefetchQuery(rangeQuery(prom, expr, from, to));
  return 1 + instant.length + range.length;
}
