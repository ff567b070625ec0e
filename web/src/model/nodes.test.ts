import { describe, expect, it } from "vitest";
import type { InstantSample } from "../api/prom";
import { buildGpus } from "./gpus";
import { buildHeatGrid, buildNodes, hostOfInstance } from "./nodes";

const NOW = 1_800_000_000_000;
const m = (name: string, labels: Record<string, string>, v: number): InstantSample => ({ metric: { __name__: name, ...labels }, t: NOW, v });

const slurm = [
  m("slurm_node_info", { node: "node1", state: "mixed", partitions: "gpu,debug", address: "10.0.0.1" }, 1),
  m("slurm_node_gpus", { node: "node1" }, 2),
  m("slurm_node_gpus_alloc", { node: "node1" }, 1),
  m("slurm_node_info", { node: "node2", state: "down*", partitions: "gpu" }, 1),
  m("slurm_node_gpus", { node: "node2" }, 4),
  m("slurm_node_info", { node: "cpu1", state: "idle", partitions: "cpu" }, 1),
  m("slurm_node_gpus", { node: "cpu1" }, 0),
];
const gpus = buildGpus([
  m("DCGM_FI_DEV_GPU_UTIL", { Hostname: "node1", gpu: "0", instance: "node1:9400" }, 90),
  m("DCGM_FI_DEV_GPU_UTIL", { Hostname: "node1", gpu: "1", instance: "node1:9400" }, 0),
]);
const up = [m("up", { instance: "node1:9400", job: "gpu" }, 1), m("up", { instance: "node2:9400", job: "gpu" }, 0), m("up", { instance: "127.0.0.1:9341", job: "slurm" }, 1)];
const last = [
  m("gpuwatchdog_exporter_last_collection_timestamp_seconds", { instance: "node1:9400" }, NOW / 1000 - 2),
  m("gpuwatchdog_exporter_last_collection_timestamp_seconds", { instance: "node2:9400" }, NOW / 1000 - 600),
];

describe("buildNodes", () => {
  const nodes = buildNodes({ slurm, up, lastCollection: last, gpus, nowMs: NOW });
  it("joins Slurm's view with the exporter's health", () => {
    const n1 = nodes.find((n) => n.name === "node1")!;
    expect(n1.partitions).toEqual(["gpu", "debug"]);
    expect(n1.exporter).toMatchObject({ instance: "node1:9400", up: 1, stale: false });
    const n2 = nodes.find((n) => n.name === "node2")!;
    expect(n2.state?.notResponding).toBe(true);
    expect(n2.exporter.stale).toBe(true);
    expect(n2.exporter.lastSeenMs).toBe(NOW - 600_000);
  });
  it("marks an exporter stale when its collections stop though scrapes work", () => {
    const frozen = buildNodes({
      slurm,
      up: [m("up", { instance: "node1:9400" }, 1)],
      lastCollection: [m("x", { instance: "node1:9400" }, NOW / 1000 - 300)],
      gpus,
      nowMs: NOW,
    });
    expect(frozen.find((n) => n.name === "node1")!.exporter.stale).toBe(true);
  });
  it("never attaches the Slurm exporter's up to a node", () => {
    expect(nodes.some((n) => n.exporter.instance === "127.0.0.1:9341")).toBe(false);
  });
  it("strips ports and IPv6 brackets from instances", () => {
    expect(hostOfInstance("node1:9400")).toBe("node1");
    expect(hostOfInstance("[::1]:9400")).toBe("::1");
  });
});

describe("buildHeatGrid", () => {
  const nodes = buildNodes({ slurm, up, lastCollection: last, gpus, nowMs: NOW });
  const jobGpu = [m("slurm_job_gpu", { job_id: "42", user: "ada", node: "node1", gpu: "1" }, 1)];
  const rows = buildHeatGrid(nodes, gpus, jobGpu);
  it("skips nodes without GPUs", () => {
    expect(rows.map((r) => r.node.name)).toEqual(["node1", "node2"]);
  });
  it("marks allocation and keeps 0 % as a measured value", () => {
    const c = rows[0]!.cells[1]!;
    expect(c).toMatchObject({ util: 0, allocated: true, status: "ok", jobs: [{ id: "42", user: "ada" }] });
    expect(rows[0]!.cells[0]!.allocated).toBe(false);
  });
  it("shows every GPU Slurm knows of a silent node, as stale", () => {
    const r = rows[1]!;
    expect(r.cells).toHaveLength(4);
    expect(r.cells.every((c) => c.status === "stale" && c.util === undefined)).toBe(true);
  });
});
