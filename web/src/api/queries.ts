// Domain hooks built on the dashboard's PromQL (promql.ts, re-exported here for the views).
import { useMemo } from "react";
import { byName, type InstantSample } from "./prom";
import { useInstantQuery, useRangeQuery, useSlowInstantQuery } from "./hooks";
import { buildGpus, type Gpu } from "../model/gpus";
import { buildHeatGrid, buildNodes, type HeatRow, type NodeRow } from "../model/nodes";
import { buildJobs, type Job } from "../model/jobs";

export { PER_GPU, perGpu, promString, Q, ROUTE_QUERIES } from "./promql";
import { promString, Q } from "./promql";

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
