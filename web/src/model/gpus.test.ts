import { describe, expect, it } from "vitest";
import type { InstantSample } from "../api/prom";
import { buildGpus, gpuLabel, memTotalMib, memUsedMib } from "./gpus";

const s = (name: string, labels: Record<string, string>, v: number, t = 1000): InstantSample => ({
  metric: { __name__: name, Hostname: "node1", gpu: "0", UUID: "GPU-a", modelName: "NVIDIA H100 80GB HBM3", instance: "node1:9400", ...labels },
  t,
  v,
});

describe("buildGpus", () => {
  it("merges the per-job copies of a GPU's series and collects the jobs", () => {
    const g = buildGpus([
      s("DCGM_FI_DEV_GPU_UTIL", { hpc_job: "12" }, 80),
      s("DCGM_FI_DEV_GPU_UTIL", { hpc_job: "7" }, 80),
      s("DCGM_FI_DEV_FB_USED", { hpc_job: "7" }, 1024),
    ]);
    expect(g).toHaveLength(1);
    expect(g[0]!.jobs).toEqual(["7", "12"]);
    expect(g[0]!.values.util).toBe(80);
  });
  it("keeps an absent metric undefined and a zero zero", () => {
    const g = buildGpus([s("DCGM_FI_DEV_GPU_UTIL", {}, 0)])[0]!;
    expect(g.values.util).toBe(0);
    expect(g.values.power).toBeUndefined();
  });
  it("prefers per-reason throttle series and falls back to the bitmask", () => {
    const a = buildGpus([
      s("gpuwatchdog_gpu_throttle_reason", { reason: "sw_power_cap" }, 1),
      s("gpuwatchdog_gpu_throttle_reason", { reason: "gpu_idle" }, 0),
      s("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", {}, 0x41),
    ])[0]!;
    expect(a.throttle).toEqual(["sw_power_cap"]);
    const b = buildGpus([s("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", {}, 0x41)])[0]!;
    expect(b.throttle).toEqual(["gpu_idle", "hw_thermal_slowdown"]);
  });
  it("collects Xids and unsupported functions", () => {
    const g = buildGpus([
      s("gpuwatchdog_gpu_xid_errors_total", { xid: "79" }, 1),
      s("gpuwatchdog_gpu_xid_errors_total", { xid: "13" }, 2),
      s("gpuwatchdog_gpu_unsupported", { function: "nvmlDeviceGetPowerUsage" }, 1),
    ])[0]!;
    expect(g.xids).toEqual([
      { xid: "13", count: 2 },
      { xid: "79", count: 1 },
    ]);
    expect(g.unsupported).toEqual(["nvmlDeviceGetPowerUsage"]);
  });
  it("sorts nodes naturally and by GPU index", () => {
    const g = buildGpus([
      s("DCGM_FI_DEV_GPU_UTIL", { Hostname: "node10" }, 1),
      s("DCGM_FI_DEV_GPU_UTIL", { Hostname: "node2", gpu: "1" }, 1),
      s("DCGM_FI_DEV_GPU_UTIL", { Hostname: "node2", gpu: "0" }, 1),
    ]);
    expect(g.map((x) => x.key)).toEqual(["node2/0", "node2/1", "node10/0"]);
  });
  it("derives memory from used/free/total", () => {
    const g = buildGpus([s("DCGM_FI_DEV_FB_FREE", {}, 1000), s("DCGM_FI_DEV_FB_TOTAL", {}, 3000)])[0]!;
    expect(memUsedMib(g)).toBe(2000);
    expect(memTotalMib(g)).toBe(3000);
  });
  it("labels a GPU with node, index and model", () => {
    expect(gpuLabel("node1", 3, "NVIDIA A100-SXM4-40GB")).toBe("node1/gpu3 (A100-SXM4-40GB)");
    expect(gpuLabel("node1", 3)).toBe("node1/gpu3");
  });
});
