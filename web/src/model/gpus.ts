// GPU records joined from the GPU exporters' series (DCGM names, Hostname/gpu/UUID labels).
// A GPU held by a job has one copy of each series per job (`hpc_job`), so records are keyed on
// Hostname + gpu index and the jobs collected; a metric the GPU cannot report stays undefined.
import type { InstantSample } from "../api/prom";
import { decodeThrottleMask } from "../lib/throttle";

export interface Gpu {
  /** "node1/0" */
  key: string;
  host: string;
  index: number;
  uuid?: string;
  model?: string;
  instance?: string;
  /** hpc_job values: the Slurm jobs holding the GPU. */
  jobs: string[];
  /** Newest sample time among the GPU's series (ms). */
  lastSampleMs?: number;
  values: Partial<Record<GpuField, number>>;
  throttle: string[];
  xids: { xid: string; count: number }[];
  unsupported: string[];
  processMemBytes: { pid: string; bytes: number }[];
}

export const GPU_FIELDS = {
  util: "DCGM_FI_DEV_GPU_UTIL",
  memCopyUtil: "DCGM_FI_DEV_MEM_COPY_UTIL",
  fbUsed: "DCGM_FI_DEV_FB_USED",
  fbFree: "DCGM_FI_DEV_FB_FREE",
  fbTotal: "DCGM_FI_DEV_FB_TOTAL",
  temp: "DCGM_FI_DEV_GPU_TEMP",
  memTemp: "DCGM_FI_DEV_MEMORY_TEMP",
  slowdownTemp: "DCGM_FI_DEV_SLOWDOWN_TEMP",
  shutdownTemp: "DCGM_FI_DEV_SHUTDOWN_TEMP",
  power: "DCGM_FI_DEV_POWER_USAGE",
  powerLimit: "DCGM_FI_DEV_ENFORCED_POWER_LIMIT",
  smClock: "DCGM_FI_DEV_SM_CLOCK",
  memClock: "DCGM_FI_DEV_MEM_CLOCK",
  maxSmClock: "DCGM_FI_DEV_MAX_SM_CLOCK",
  maxMemClock: "DCGM_FI_DEV_MAX_MEM_CLOCK",
  throttleMask: "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
  eccSbeVol: "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
  eccDbeVol: "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
  eccSbeAgg: "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL",
  eccDbeAgg: "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL",
  remapPending: "DCGM_FI_DEV_ROW_REMAP_PENDING",
  remapFailure: "DCGM_FI_DEV_ROW_REMAP_FAILURE",
  lastXid: "DCGM_FI_DEV_XID_ERRORS",
  up: "gpuwatchdog_gpu_up",
  processes: "gpuwatchdog_gpu_processes",
} as const;

export type GpuField = keyof typeof GPU_FIELDS;

const FIELD_OF_METRIC: Record<string, GpuField> = Object.fromEntries(
  Object.entries(GPU_FIELDS).map(([f, m]) => [m, f as GpuField]),
);

export function gpuKey(host: string, index: number | string): string {
  return `${host}/${index}`;
}

/** "node1/gpu0 (H100 80GB HBM3)": the label every GPU carries everywhere. */
export function gpuLabel(host: string, index: number, model?: string): string {
  const short = model?.replace(/^NVIDIA\s+/, "");
  return short ? `${host}/gpu${index} (${short})` : `${host}/gpu${index}`;
}

export function buildGpus(samples: InstantSample[]): Gpu[] {
  const gpus = new Map<string, Gpu>();
  const jobs = new Map<string, Set<string>>();
  const throttle = new Map<string, Set<string>>();
  const xids = new Map<string, Map<string, number>>();
  for (const s of samples) {
    const host = s.metric.Hostname;
    const idx = s.metric.gpu;
    if (host === undefined || idx === undefined) continue;
    const key = gpuKey(host, idx);
    let g = gpus.get(key);
    if (!g) {
      g = {
        key,
        host,
        index: Number(idx),
        jobs: [],
        values: {},
        throttle: [],
        xids: [],
        unsupported: [],
        processMemBytes: [],
      };
      gpus.set(key, g);
      jobs.set(key, new Set());
      throttle.set(key, new Set());
      xids.set(key, new Map());
    }
    g.uuid ??= s.metric.UUID;
    g.model ??= s.metric.modelName;
    g.instance ??= s.metric.instance;
    if (s.metric.hpc_job) jobs.get(key)!.add(s.metric.hpc_job);
    if (g.lastSampleMs === undefined || s.t > g.lastSampleMs) g.lastSampleMs = s.t;
    const name = s.metric.__name__ ?? "";
    const field = FIELD_OF_METRIC[name];
    if (field) {
      if (!Number.isNaN(s.v)) g.values[field] = s.v;
      continue;
    }
    if (name === "gpuwatchdog_gpu_throttle_reason" && s.v === 1 && s.metric.reason) {
      throttle.get(key)!.add(s.metric.reason);
    } else if (name === "gpuwatchdog_gpu_xid_errors_total" && s.metric.xid) {
      xids.get(key)!.set(s.metric.xid, s.v);
    } else if (name === "gpuwatchdog_gpu_unsupported" && s.v === 1 && s.metric.function) {
      if (!g.unsupported.includes(s.metric.function)) g.unsupported.push(s.metric.function);
    } else if (name === "gpuwatchdog_gpu_process_memory_bytes" && s.metric.pid) {
      if (!g.processMemBytes.some((p) => p.pid === s.metric.pid)) {
        g.processMemBytes.push({ pid: s.metric.pid, bytes: s.v });
      }
    }
  }
  for (const g of gpus.values()) {
    g.jobs = [...jobs.get(g.key)!].sort((a, b) => Number(a) - Number(b));
    const reasons = throttle.get(g.key)!;
    // Per-reason series when present; else decode the DCGM bitmask.
    g.throttle = reasons.size > 0 ? [...reasons] : g.values.throttleMask !== undefined ? decodeThrottleMask(g.values.throttleMask) : [];
    g.xids = [...xids.get(g.key)!.entries()]
      .map(([xid, count]) => ({ xid, count }))
      .sort((a, b) => Number(a.xid) - Number(b.xid));
    g.processMemBytes.sort((a, b) => b.bytes - a.bytes);
  }
  return [...gpus.values()].sort(compareGpus);
}

/** Natural order: node2 before node10, then GPU index. */
export function compareGpus(a: { host: string; index: number }, b: { host: string; index: number }): number {
  return naturalCompare(a.host, b.host) || a.index - b.index;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Memory used in MiB: FB_USED, or total - free when only those are reported. */
export function memUsedMib(g: Gpu): number | undefined {
  const v = g.values;
  if (v.fbUsed !== undefined) return v.fbUsed;
  if (v.fbTotal !== undefined && v.fbFree !== undefined) return v.fbTotal - v.fbFree;
  return undefined;
}

/** Memory total in MiB: FB_TOTAL, or used + free (+ reserved not known). */
export function memTotalMib(g: Gpu): number | undefined {
  const v = g.values;
  if (v.fbTotal !== undefined) return v.fbTotal;
  if (v.fbUsed !== undefined && v.fbFree !== undefined) return v.fbUsed + v.fbFree;
  return undefined;
}
