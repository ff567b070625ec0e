// Running jobs from the Slurm exporter (slurm_job_*), with the GPUs each holds
// (slurm_job_gpu{job_id,user,node,gpu}) joined to the GPU exporters' utilization.
import type { InstantSample } from "../api/prom";
import { naturalCompare, type Gpu } from "./gpus";

export interface JobGpu {
  host: string;
  index: number;
  util?: number;
  model?: string;
}

export interface Job {
  id: string;
  user?: string;
  account?: string;
  partition?: string;
  nodes?: string;
  cpus?: number;
  gpuCount?: number;
  startMs?: number;
  gpus: JobGpu[];
}

export function buildJobs(samples: InstantSample[], gpus: Gpu[]): Job[] {
  const jobs = new Map<string, Job>();
  const get = (id: string) => {
    let j = jobs.get(id);
    if (!j) jobs.set(id, (j = { id, gpus: [] }));
    return j;
  };
  const gpuByKey = new Map(gpus.map((g) => [g.key, g]));
  for (const s of samples) {
    const id = s.metric.job_id;
    if (!id) continue;
    const j = get(id);
    switch (s.metric.__name__) {
      case "slurm_job_info":
        j.user = s.metric.user;
        j.account = s.metric.account;
        j.partition = s.metric.partition;
        j.nodes = s.metric.nodes;
        break;
      case "slurm_job_cpus":
        j.cpus = s.v;
        break;
      case "slurm_job_gpus":
        j.gpuCount = s.v;
        break;
      case "slurm_job_start_time_seconds":
        j.startMs = s.v * 1000;
        break;
      case "slurm_job_gpu": {
        const host = s.metric.node;
        const index = Number(s.metric.gpu);
        if (!host || !Number.isFinite(index)) break;
        j.user ??= s.metric.user;
        if (j.gpus.some((g) => g.host === host && g.index === index)) break;
        const g = gpuByKey.get(`${host}/${index}`);
        j.gpus.push({ host, index, util: g?.values.util, model: g?.model });
        break;
      }
    }
  }
  for (const j of jobs.values()) {
    j.gpus.sort((a, b) => naturalCompare(a.host, b.host) || a.index - b.index);
  }
  return [...jobs.values()].sort((a, b) => Number(b.id) - Number(a.id) || naturalCompare(a.id, b.id));
}

/** Mean utilization over the GPUs that report one; undefined when none does. */
export function meanUtil(gpus: JobGpu[]): number | undefined {
  const vals = gpus.map((g) => g.util).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  if (vals.length === 0) return undefined;
  return vals.reduce((a, b) => a + b, 0) / vals.length;
}
