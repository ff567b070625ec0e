// The PromQL the dashboard asks, in one place, and domain hooks built on it. A GPU held by a
// job has one copy of each series per job (hpc_job): cluster aggregates first take the max per
// GPU so a shared GPU is not counted twice.
import { useMemo } from "react";
import { byName, type InstantSample } from "./prom";
import { useInstantQuery, useRangeQuery, useSlowInstantQuery } from "./hooks";
import { buildGpus, type Gpu } from "../model/gpus";
import { buildHeatGrid, buildNodes, type HeatRow, type NodeRow } from "../model/nodes";
import { buildJobs, type Job } from "../model/jobs";

export const PER_GPU = "Hostname, gpu";

/** Deduplicates a per-GPU metric to one series per GPU. */
export function perGpu(metric: string, matchers = ""): string {
  return `max by (${PER_GPU}) (${metric}${matchers ? `{${matchers}}` : ""})`;
}

export function promString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const CLUSTER_POWER = `sum(${perGpu("DCGM_FI_DEV_POWER_USAGE")})`;
const CLUSTER_POWER_LIMIT = `sum(${perGpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT")})`;

export const Q = {
  clusterCounts:
    '{__name__=~"slurm_(gpus|cpus)_(alloc|idle|other|total)|slurm_nodes_[a-z_]+|slurm_queue_(running|pending)"}',
  clusterUtil: `avg(${perGpu("DCGM_FI_DEV_GPU_UTIL")})`,
  clusterPower: CLUSTER_POWER,
  clusterPowerLimit: CLUSTER_POWER_LIMIT,
  gpusReporting: `count(${perGpu("DCGM_FI_DEV_GPU_UTIL")})`,
  /** Heat grid and job tables: slim labels, one series per GPU and job. */
  gpuUtil: "max by (Hostname, gpu, modelName, hpc_job, instance) (DCGM_FI_DEV_GPU_UTIL)",
  gpuUp: "max by (Hostname, gpu, instance) (gpuwatchdog_gpu_up)",
  slurmNodes: '{__name__=~"slurm_node_(info|cpu_alloc|cpu_total|mem_alloc|mem_total|gpus|gpus_alloc)"}',
  jobs: '{__name__=~"slurm_job_(info|cpus|gpus|start_time_seconds|gpu)"}',
  jobGpu: "slurm_job_gpu",
  up: "up",
  lastCollection: "last_over_time(gpuwatchdog_exporter_last_collection_timestamp_seconds[6h])",
  /** 1 per exporter whose driver is nvml-sim; over 6 h, like lastCollection, so a silent node counts. */
  nvmlSimulated: "last_over_time(gpuwatchdog_exporter_nvml_simulated[6h])",
  /** Overview charts: draw and limit in one query, Slurm GPUs and jobs over time. */
  clusterPowerAndLimit: `${CLUSTER_POWER} or label_replace(${CLUSTER_POWER_LIMIT}, "limit", "1", "", "")`,
  gpusAllocTotal: '{__name__=~"slurm_gpus_(alloc|total)"}',
  queueRunningPending: '{__name__=~"slurm_queue_(running|pending)"}',
  nodeGpus: (host: string) =>
    `{__name__=~"DCGM_FI_DEV_.+|gpuwatchdog_gpu_.+", Hostname=${promString(host)}}`,
};

/**
 * What each view asks at the URL's time range, for prefetch.ts to start before the view's chunk
 * has loaded. The views ask the same expressions through the hooks (same query keys).
 */
export const ROUTE_QUERIES: Record<"overview" | "nodes", { instant: string[]; range: string[] }> = {
  overview: {
    instant: [Q.clusterCounts, Q.clusterUtil, Q.clusterPower, Q.clusterPowerLimit, Q.gpusReporting, Q.up],
    range: [Q.clusterUtil, Q.clusterPowerAndLimit, Q.gpusAllocTotal, Q.queueRunningPending],
  },
  nodes: {
    instant: [Q.slurmNodes, Q.up, Q.lastCollection, Q.jobGpu, Q.gpuUtil, Q.gpuUp],
    range: [],
  },
};

/** Which driver an exporter loaded changes only when it restarts: checked once a minute. */
export const SIMULATED_CHECK_MS = 60_000;

/** GPU nodes (exporter targets) whose driver is nvml-sim, of all that report which driver. */
export function useSimulatedGpus(): { simulated: number; total: number } {
  const { data } = useSlowInstantQuery(Q.nvmlSimulated, SIMULATED_CHECK_MS);
  return useMemo(() => ({ simulated: (data ?? []).filter((s) => s.v === 1).length, total: data?.length ?? 0 }), [data]);
}

/** The cluster's Slurm counts by metric name. */
export function useClusterCounts() {
  const q = useInstantQuery(Q.clusterCounts);
  const groups = useMemo(() => byName(q.data ?? []), [q.data]);
  return { ...q, groups };
}

/** Every GPU with its utilization and jobs (slim: enough for the heat grid and job table). */
export function useGpuLoad(): { gpus: Gpu[]; isLoading: boolean; error: Error | null; updatedAt: number } {
  const util = useInstantQuery(Q.gpuUtil);
  const up = useInstantQuery(Q.gpuUp);
  const gpus = useMemo(() => {
    const tagged = (name: string, list: InstantSample[] | undefined) =>
      (list ?? []).map((s) => ({ ...s, metric: { ...s.metric, __name__: name } }));
    return buildGpus([...tagged("DCGM_FI_DEV_GPU_UTIL", util.data), ...tagged("gpuwatchdog_gpu_up", up.data)]);
  }, [util.data, up.data]);
  return { gpus, isLoading: util.isLoading, error: util.error ?? up.error, updatedAt: util.dataUpdatedAt };
}

export function useNodes(): { nodes: NodeRow[]; gpus: Gpu[]; heat: HeatRow[]; isLoading: boolean; error: Error | null; updatedAt: number } {
  const slurm = useInstantQuery(Q.slurmNodes);
  const up = useInstantQuery(Q.up);
  const last = useInstantQuery(Q.lastCollection);
  const jobGpu = useInstantQuery(Q.jobGpu);
  const load = useGpuLoad();
  const updatedAt = Math.max(slurm.dataUpdatedAt, load.updatedAt);
  return useMemo(() => {
    const nodes = buildNodes({
      slurm: slurm.data ?? [],
      up: up.data ?? [],
      lastCollection: last.data ?? [],
      gpus: load.gpus,
      nowMs: updatedAt || Date.now(),
    });
    const heat = buildHeatGrid(nodes, load.gpus, jobGpu.data ?? []);
    return {
      nodes,
      gpus: load.gpus,
      heat,
      isLoading: slurm.isLoading || load.isLoading,
      error: slurm.error ?? load.error,
      updatedAt,
    };
  }, [slurm.data, up.data, last.data, jobGpu.data, load.gpus, load.isLoading, load.error, slurm.isLoading, slurm.error, updatedAt]);
}

export function useJobs(): { jobs: Job[]; isLoading: boolean; error: Error | null } {
  const q = useInstantQuery(Q.jobs);
  const load = useGpuLoad();
  const jobs = useMemo(() => buildJobs(q.data ?? [], load.gpus), [q.data, load.gpus]);
  return { jobs, isLoading: q.isLoading, error: q.error };
}

export function useNodeGpus(host: string, atMs?: number) {
  const q = useInstantQuery(Q.nodeGpus(host), { timeMs: atMs });
  const gpus = useMemo(() => buildGpus(q.data ?? []), [q.data]);
  return { ...q, gpus };
}

/** Per-GPU history of one metric on one node (one series per GPU index). */
export function useNodeHistory(
  metric: string,
  host: string,
  opts: { gpu?: number; from?: string; to?: string; enabled?: boolean; scale?: string } = {},
) {
  const matchers = `Hostname=${promString(host)}${opts.gpu !== undefined ? `, gpu="${opts.gpu}"` : ""}`;
  const expr = `max by (gpu) (${metric}{${matchers}})${opts.scale ? ` ${opts.scale}` : ""}`;
  return useRangeQuery(expr, { from: opts.from, to: opts.to, enabled: opts.enabled });
}
