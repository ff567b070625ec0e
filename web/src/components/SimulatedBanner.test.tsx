import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SimulatedBanner, simulatedMessage } from "./SimulatedBanner";
import { PromClientContext } from "../api/hooks";
import { PromClient } from "../api/prom";

/** A hub whose instant queries for the simulated-driver metric answer `values`, one per target. */
function hub(values: number[] | null) {
  const asked: string[] = [];
  const fetcher = async (_url: string, init?: RequestInit) => {
    const query = new URLSearchParams(String(init?.body)).get("query") ?? "";
    asked.push(query);
    const result =
      values === null || !query.includes("gpuwatchdog_exporter_nvml_simulated")
        ? []
        : values.map((v, i) => ({ metric: { instance: `node${i + 1}:9400`, job: "gpu" }, value: [1_700_000_000, String(v)] }));
    return new Response(JSON.stringify({ status: "success", data: { resultType: "vector", result } }), { status: 200 });
  };
  return { prom: new PromClient("", fetcher), asked };
}

function show(values: number[] | null, client = new QueryClient({ defaultOptions: { queries: { retry: false } } })) {
  const { prom, asked } = hub(values);
  render(
    <QueryClientProvider client={client}>
      <PromClientContext.Provider value={prom}>
        <SimulatedBanner />
      </PromClientContext.Provider>
    </QueryClientProvider>,
  );
  return { asked };
}

const simulatedAsked = (asked: string[]) => asked.filter((q) => q.includes("gpuwatchdog_exporter_nvml_simulated")).length;

describe("SimulatedBanner", () => {
  it("counts the GPU nodes that run nvml-sim", async () => {
    show([1, 0, 1, 0]);
    const banner = await screen.findByRole("status");
    expect(banner.textContent).toBe(
      "◇Simulated GPUs: 2 of 4 GPU nodes run nvml-sim, GPU Watchdog's simulated driver; their values are not real hardware readings.",
    );
  });

  it("says so plainly when every GPU is simulated", async () => {
    show([1, 1, 1]);
    expect((await screen.findByRole("status")).textContent).toMatch(/^◇All GPUs on this dashboard are simulated \(nvml-sim, GPU Watchdog's simulated driver\)/);
  });

  it("shows nothing when no exporter is simulated or none reports the metric", async () => {
    for (const values of [[0, 0, 0], null]) {
      const { asked } = show(values);
      await waitFor(() => expect(simulatedAsked(asked)).toBe(1));
      // Let the answer render: still nothing.
      await new Promise((r) => setTimeout(r, 20));
      expect(screen.queryByTestId("simulated-banner")).toBeNull();
      document.body.innerHTML = "";
    }
  });

  it("waits for the page's first requests (prefetched before the first render) before asking", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let release: (v: number) => void = () => undefined;
    void client.prefetchQuery({ queryKey: ["instant", "up", "now"], queryFn: () => new Promise<number>((r) => (release = r)) });
    const { asked } = show([1], client);
    await new Promise((r) => setTimeout(r, 30));
    expect(simulatedAsked(asked)).toBe(0);
    release(1);
    expect((await screen.findByRole("status")).textContent).toMatch(/All GPUs on this dashboard are simulated/);
    expect(simulatedAsked(asked)).toBe(1);
  });
});

describe("simulatedMessage", () => {
  it("uses the singular for one node and says nothing without simulated nodes", () => {
    expect(simulatedMessage(1, 4)?.rest).toBe(" 1 of 4 GPU nodes runs nvml-sim, GPU Watchdog's simulated driver; its values are not real hardware readings.");
    expect(simulatedMessage(0, 4)).toBeNull();
    expect(simulatedMessage(0, 0)).toBeNull();
  });
});
