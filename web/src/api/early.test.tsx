import { describe, expect, it, vi } from "vitest";
import { render, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { EARLY_MAX_AGE_MS, instantKey, planEarlyRequests, rangeKey, startEarlyRequests, takeEarly, viewOfPath, type EarlyHost } from "./early";
import { instantQuery, rangeQuery, alertsQuery } from "./hooks";
import { PromClient, type Fetcher } from "./prom";
import { Q, ROUTE_QUERIES } from "./promql";
import { boot } from "../early-main";

const ok = (data: unknown) => new Response(JSON.stringify({ status: "success", data }), { status: 200 });
const vector = (v: number) => ({ resultType: "vector", result: [{ metric: {}, value: [1, String(v)] }] });

/** A fetcher that records what it was asked and answers every instant query with `v`. */
function recorder(v = 1) {
  const calls: { path: string; body: string | null }[] = [];
  const f: Fetcher = async (path, init) => {
    calls.push({ path, body: (init?.body as string | undefined) ?? null });
    if (path.endsWith("/query_range")) return ok({ resultType: "matrix", result: [{ metric: {}, values: [[1, "5"]] }] });
    if (path.endsWith("/alerts")) return ok({ alerts: [] });
    return ok(vector(v));
  };
  return { calls, f };
}

describe("early requests", () => {
  it("routes paths as App.tsx does", () => {
    expect(viewOfPath("/")).toBe("overview");
    expect(viewOfPath("/nodes")).toBe("nodes");
    expect(viewOfPath("/nodes/gpu001")).toBe("nodeDetail");
    expect(viewOfPath("/jobs/42")).toBe("jobDetail");
    expect(viewOfPath("/alerts")).toBe("alerts");
    expect(viewOfPath("/nodes/a/b")).toBeUndefined();
  });

  it("plans the view's queries with the bodies the app's client sends for the same keys", async () => {
    const now = 1_700_000_000_000;
    const plan = planEarlyRequests("/", new URLSearchParams(""), now);
    const { instant, range } = ROUTE_QUERIES.overview;
    expect(plan).toHaveLength(instant.length + range.length + 1);
    expect(plan.at(-1)!.key).toEqual(["alerts"]);
    // What the app itself would send for those keys, at the same moment.
    vi.useFakeTimers({ now, toFake: ["Date"] });
    try {
      const app = recorder();
      const prom = new PromClient("", app.f);
      for (const expr of instant) await instantQuery(prom, expr, undefined).queryFn!({ signal: new AbortController().signal } as never);
      for (const expr of range) await rangeQuery(prom, expr, "now-1h", "now").queryFn!({ signal: new AbortController().signal } as never);
      expect(plan.slice(0, -1).map((p) => ({ path: p.path, body: p.body }))).toEqual(app.calls);
      expect(plan[0]!.key).toEqual(instantKey(Q.clusterCounts, undefined));
      expect(plan[instant.length]!.key).toEqual(rangeKey(range[0]!, "now-1h", "now", 300));
    } finally {
      vi.useRealTimers();
    }
  });

  it("plans only the alerts for a page without prefetchable queries", () => {
    expect(planEarlyRequests("/jobs", new URLSearchParams(""), 0).map((p) => p.key)).toEqual([["alerts"]]);
  });

  it("hands each request out once, and not when it is too old", () => {
    const host: EarlyHost = {};
    const early = recorder();
    startEarlyRequests(host, early.f, "/", new URLSearchParams(""), 1000);
    const key = instantKey(Q.up, undefined);
    expect(takeEarly(key, 1000 + EARLY_MAX_AGE_MS, host)).toBeDefined();
    expect(takeEarly(key, 1000 + EARLY_MAX_AGE_MS, host)).toBeUndefined();
    expect(takeEarly(instantKey(Q.clusterUtil, undefined), 1001 + EARLY_MAX_AGE_MS, host)).toBeUndefined();
    expect(takeEarly(key, 1000, {})).toBeUndefined();
  });

  it("the app's queries adopt the early requests instead of asking again", async () => {
    const early = recorder(7);
    startEarlyRequests(window, early.f, "/", new URLSearchParams(""), Date.now());
    const app = recorder(9);
    const prom = new PromClient("", app.f);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const [counts, util, alerts] = await Promise.all([
      client.fetchQuery(instantQuery(prom, Q.clusterCounts, undefined)),
      client.fetchQuery(rangeQuery(prom, Q.clusterUtil, "now-1h", "now")),
      client.fetchQuery(alertsQuery(prom)),
    ]);
    expect(counts[0]!.v).toBe(7);
    expect(util.series[0]!.values).toEqual([5]);
    // The range result carries the window the early request was evaluated at.
    const planned = planEarlyRequests("/", new URLSearchParams(""), Date.now()).find((p) => p.path.endsWith("query_range"))!;
    expect(util.stepS).toBe(planned.window!.stepS);
    expect(alerts).toEqual([]);
    expect(app.calls).toHaveLength(0);
    // Used once: the next fetch of the same query goes to the hub.
    const again = await client.fetchQuery({ ...instantQuery(prom, Q.clusterCounts, undefined), staleTime: 0 });
    expect(again[0]!.v).toBe(9);
    expect(app.calls).toHaveLength(1);
    delete window.__gwEarly;
  });

  it("asks itself when an early request failed, or when there is none", async () => {
    const failing: Fetcher = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    startEarlyRequests(window, failing, "/", new URLSearchParams(""), Date.now());
    const app = recorder(3);
    const prom = new PromClient("", app.f);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    expect((await client.fetchQuery(instantQuery(prom, Q.up, undefined)))[0]!.v).toBe(3);
    expect(app.calls.map((c) => c.body)).toEqual([new URLSearchParams({ query: Q.up }).toString()]);
    delete window.__gwEarly;
    expect((await client.fetchQuery(instantQuery(prom, Q.jobs, undefined)))[0]!.v).toBe(3);
    expect(app.calls).toHaveLength(2);
  });

  it("a view rendered on the early answers shows them without a request of its own", async () => {
    const early = recorder(42);
    startEarlyRequests(window, early.f, "/", new URLSearchParams(""), Date.now());
    const app = recorder(1);
    const prom = new PromClient("", app.f);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const { PromClientContext, useInstantQuery } = await import("./hooks");
    function View() {
      const q = useInstantQuery(Q.gpusReporting);
      return <p>{q.data ? `reporting ${q.data[0]!.v}` : "loading"}</p>;
    }
    const r = render(
      <QueryClientProvider client={client}>
        <PromClientContext.Provider value={prom}>
          <View />
        </PromClientContext.Provider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(r.getByText("reporting 42")).toBeTruthy());
    expect(app.calls).toHaveLength(0);
    delete window.__gwEarly;
  });
});

describe("boot (the inline script)", () => {
  it("preloads the current view's chunks and sends its requests", () => {
    window.history.replaceState(null, "", "/nodes?from=now-6h");
    const fetchSpy = vi.spyOn(window, "fetch").mockImplementation(async () => ok(vector(1)));
    try {
      boot({ nodes: ["/assets/Nodes-x.js", "/assets/ui-y.js"], overview: ["/assets/Overview-z.js"] });
      const links = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')].map((l) => l.getAttribute("href"));
      expect(links).toEqual(["/assets/Nodes-x.js", "/assets/ui-y.js"]);
      expect(fetchSpy).toHaveBeenCalledTimes(ROUTE_QUERIES.nodes.instant.length + 1);
      expect(window.__gwEarly?.has(JSON.stringify(instantKey(Q.slurmNodes, undefined)))).toBe(true);
    } finally {
      fetchSpy.mockRestore();
      document.head.querySelectorAll('link[rel="modulepreload"]').forEach((l) => l.remove());
      delete window.__gwEarly;
      window.history.replaceState(null, "", "/");
    }
  });
});
