import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { GpuCard } from "./GpuCard";
import { buildGpus } from "../model/gpus";
import type { InstantSample } from "../api/prom";

const s = (name: string, v: number, labels: Record<string, string> = {}): InstantSample => ({
  metric: { __name__: name, Hostname: "node1", gpu: "2", modelName: "NVIDIA H100 80GB HBM3", ...labels },
  t: 0,
  v,
});

function card(samples: InstantSample[], props: { staleSince?: string } = {}) {
  const gpu = buildGpus(samples)[0]!;
  render(<GpuCard gpu={gpu} users={{ "42": "ada" }} {...props} />);
  return screen.getByRole("article", { name: "node1/gpu2 (H100 80GB HBM3)" });
}

describe("GpuCard", () => {
  it("shows measured zeros as 0 and unreported values as N/A", () => {
    const el = card([s("DCGM_FI_DEV_GPU_UTIL", 0), s("DCGM_FI_DEV_GPU_TEMP", 41), s("gpuwatchdog_gpu_up", 1)]);
    expect(within(el).getByText("0 %")).toBeTruthy();
    expect(within(el).getByText("41 °C")).toBeTruthy();
    // Power and clocks are not reported: N/A, never 0.
    expect(within(el).getAllByText("N/A").length).toBeGreaterThan(0);
    expect(within(el).queryByText("0 W")).toBeNull();
  });
  it("writes memory in GiB and power as draw / limit", () => {
    const el = card([
      s("DCGM_FI_DEV_FB_USED", 40960),
      s("DCGM_FI_DEV_FB_TOTAL", 81920),
      s("DCGM_FI_DEV_POWER_USAGE", 312.4),
      s("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", 700),
    ]);
    expect(within(el).getByText("40.0 / 80.0 GiB")).toBeTruthy();
    expect(within(el).getByText("312 / 700 W")).toBeTruthy();
  });
  it("names the job and its user, and Xid and throttle problems with text", () => {
    const el = card([
      s("DCGM_FI_DEV_GPU_UTIL", 3, { hpc_job: "42" }),
      s("gpuwatchdog_gpu_xid_errors_total", 2, { xid: "79" }),
      s("gpuwatchdog_gpu_throttle_reason", 1, { reason: "hw_thermal_slowdown" }),
    ]);
    expect(within(el).getByRole("link", { name: "42 (ada)" })).toBeTruthy();
    expect(within(el).getByText("Xid 79 ×2")).toBeTruthy();
    expect(within(el).getByText("thermal (HW)")).toBeTruthy();
    expect(within(el).getByText("throttled")).toBeTruthy();
  });
  it("says a lost GPU is lost and shows no data rather than N/A", () => {
    const el = card([s("gpuwatchdog_gpu_up", 0)]);
    expect(within(el).getByText("GPU lost")).toBeTruthy();
    expect(within(el).getAllByText("— no data").length).toBeGreaterThan(0);
  });
  it("marks a silent node's last values as stale with when they were seen", () => {
    const el = card([s("DCGM_FI_DEV_GPU_UTIL", 77)], { staleSince: "3 min ago" });
    expect(within(el).getByText(/stale · last seen 3 min ago/)).toBeTruthy();
    expect(within(el).getAllByText(/\(stale, last seen 3 min ago\)/).length).toBeGreaterThan(0);
  });
});
