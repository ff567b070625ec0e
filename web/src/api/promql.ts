// The PromQL the dashboard asks, in one place, free of React so that the early requests
// (early.ts, inlined into index.html) can import it. A GPU held by a job has one copy of each
// series per job (hpc_job): cluster aggregates first take the max per GPU so a shared GPU is not
// counted twice.

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
 * What each view asks at the URL's time range, for early.ts and prefetch.ts to start before the
 * view's chunk has loaded. The views ask the same expressions through the hooks (same query keys).
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
