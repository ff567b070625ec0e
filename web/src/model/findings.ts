// Plain-language notes about a job's GPU use, in the spirit of Princeton's jobstats: "GPU 2 of
// 4 idle for 3 h". A GPU without data is reported as such and never judged idle: missing data
// must not turn into an accusation.
import { formatDuration, formatGiB } from "../lib/format";

export const IDLE_UTIL_PCT = 5;
/** An idle stretch shorter than this is not worth a note. */
export const MIN_IDLE_S = 600;
export const LOW_MEAN_UTIL_PCT = 25;
export const LOW_MEM_FRACTION = 0.1;

export interface GpuHistory {
  /** "node1/gpu2" */
  label: string;
  /** Sample times (s) and utilization (%), NaN/absent points are gaps. */
  ts: number[];
  util: (number | null)[];
  /** Largest memory used over the job (MiB) and the GPU's total (MiB). */
  memMaxMib?: number;
  memTotalMib?: number;
}

export type Severity = "crit" | "warn" | "info";

export interface Finding {
  severity: Severity;
  text: string;
}

/** Seconds of the trailing run of samples below the idle threshold (0 when busy now). */
export function trailingIdleSeconds(ts: number[], util: (number | null)[], nowS: number): number {
  let i = util.length - 1;
  // Skip a trailing gap: it is "no data", not idle, but it does not end an idle stretch either.
  while (i >= 0 && (util[i] === null || Number.isNaN(util[i]!))) i--;
  if (i < 0 || util[i]! >= IDLE_UTIL_PCT) return 0;
  let first = i;
  for (let k = i; k >= 0; k--) {
    const v = util[k];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    if (v >= IDLE_UTIL_PCT) break;
    first = k;
  }
  return Math.max(0, nowS - ts[first]!);
}

function validValues(util: (number | null)[]): number[] {
  return util.filter((v): v is number => v !== null && !Number.isNaN(v));
}

export function jobFindings(gpus: GpuHistory[], jobStartS: number | undefined, nowS: number): Finding[] {
  const out: Finding[] = [];
  const n = gpus.length;
  if (n === 0) return [{ severity: "info", text: "This job holds no GPU." }];
  const noData = gpus.filter((g) => validValues(g.util).length === 0);
  for (const g of noData) {
    out.push({
      severity: "info",
      text: `No utilization data for ${g.label}: its exporter may be down, so it is not judged.`,
    });
  }
  const withData = gpus.filter((g) => validValues(g.util).length > 0);
  const runtimeS = jobStartS !== undefined ? nowS - jobStartS : undefined;
  for (const g of withData) {
    const idleS = trailingIdleSeconds(g.ts, g.util, nowS);
    const wholeJob = runtimeS !== undefined && idleS >= runtimeS * 0.95;
    const pos = gpus.indexOf(g) + 1;
    if (wholeJob && idleS >= MIN_IDLE_S) {
      out.push({ severity: "crit", text: `GPU ${pos} of ${n} (${g.label}) has been idle for the whole job (${formatDuration(idleS)}).` });
    } else if (idleS >= MIN_IDLE_S) {
      out.push({ severity: "warn", text: `GPU ${pos} of ${n} (${g.label}) idle for ${formatDuration(idleS)}.` });
    }
  }
  const all = withData.flatMap((g) => validValues(g.util));
  if (all.length > 0) {
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    if (mean < LOW_MEAN_UTIL_PCT) {
      out.push({
        severity: "warn",
        text: `Mean GPU utilization over the range is ${Math.round(mean)} % (below ${LOW_MEAN_UTIL_PCT} %): fewer GPUs may do.`,
      });
    }
  }
  const mem = withData.filter((g) => g.memMaxMib !== undefined && g.memTotalMib);
  if (mem.length > 0 && mem.every((g) => g.memMaxMib! / g.memTotalMib! < LOW_MEM_FRACTION)) {
    const maxUsed = Math.max(...mem.map((g) => g.memMaxMib!));
    out.push({
      severity: "info",
      text: `At most ${formatGiB(maxUsed)} of GPU memory used on any GPU (under ${LOW_MEM_FRACTION * 100} %): a smaller GPU or a MIG slice would do.`,
    });
  }
  if (out.length === 0) out.push({ severity: "info", text: "No problems found: every GPU is busy." });
  return out;
}
