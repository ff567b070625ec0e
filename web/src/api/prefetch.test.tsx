import { describe, expect, it, vi } from "vitest";
import { render, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { prefetchRoute, routeView } from "./prefetch";
import { PromClientContext, useInstantQuery, useRangeQuery } from "./hooks";
import { Q, ROUTE_QUERIES } from "./queries";
import type { PromClient } from "./prom";
import { DEFAULT_FROM } from "../lib/time";

function fakeProm() {
  return {
    query: vi.fn(async () => []),
    queryRange: vi.fn(async () => []),
    alerts: vi.fn(async () => []),
    rules: vi.fn(async () => []),
  } as unknown as PromClient & { query: ReturnType<typeof vi.fn>; queryRange: ReturnType<typeof vi.fn> };
}

describe("prefetchRoute", () => {
  it("knows the overview and nodes routes only", () => {
    expect(routeView("/")).toBe("overview");
    expect(routeView("/nodes")).toBe("nodes");
    expect(routeView("/nodes/gpu001")).toBeUndefined();
  });

  it("starts the overview's requests under the keys its hooks use, so they are not asked twice", async () => {
    const prom = fakeProm();
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: 2000, retry: false } } });
    const n = prefetchRoute(client, "/", new URLSearchParams(""), prom);
    expect(n).toBe(1 + ROUTE_QUERIES.overview.instant.length + ROUTE_QUERIES.overview.range.length);
    expect(client.getQueryState(["instant", Q.clusterCounts, "now"])).toBeDefined();
    expect(client.getQueryState(["range", Q.clusterPowerAndLimit, DEFAULT_FROM, "now", 300])).toBeDefined();
    function View() {
      useInstantQuery(Q.up);
      useRangeQuery(Q.clusterUtil);
      return null;
    }
    render(
      <QueryClientProvider client={client}>
        <PromClientContext.Provider value={prom}>
          <View />
        </PromClientContext.Provider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(client.getQueryState(["instant", Q.up, "now"])?.status).toBe("success"));
    await waitFor(() => expect(client.getQueryState(["range", Q.clusterUtil, DEFAULT_FROM, "now", 300])?.status).toBe("success"));
    expect(prom.query.mock.calls.filter((c) => c[0] === Q.up)).toHaveLength(1);
    expect(prom.queryRange.mock.calls.filter((c) => c[0] === Q.clusterUtil)).toHaveLength(1);
  });

  it("asks instant queries at the end of an absolute range", () => {
    const client = new QueryClient();
    prefetchRoute(client, "/nodes", new URLSearchParams("from=1000&to=2000"), fakeProm());
    expect(client.getQueryState(["instant", Q.slurmNodes, 2000])).toBeDefined();
  });
});
