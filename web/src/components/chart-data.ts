// Turns a range-query result into uPlot's aligned columns: one x column (seconds) on the query's
// step grid, one y column per series with null where the series has no point, so a blackout
// draws as a gap and never as 0 or as a line bridging it.
import type { RangeResult } from "../api/hooks";

/** Values outside this band are sensor garbage (dcgm-exporter #312: 644245923 °C) and dropped. */
export const SANE_MAX = 1e12;

export function alignSeries(result: RangeResult | undefined): (number | null)[][] {
  if (!result || result.series.length === 0) return [[]];
  const { stepS } = result;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of result.series) {
    if (s.ts.length === 0) continue;
    lo = Math.min(lo, s.ts[0]!);
    hi = Math.max(hi, s.ts[s.ts.length - 1]!);
  }
  if (!Number.isFinite(lo)) return [[], ...result.series.map(() => [])];
  // The grid runs from the requested start so an exporter that came up late shows a gap.
  const start = Math.min(lo, Math.ceil(result.startMs / 1000 / stepS) * stepS);
  const n = Math.round((hi - start) / stepS) + 1;
  const xs: number[] = new Array(n);
  for (let i = 0; i < n; i++) xs[i] = start + i * stepS;
  const cols: (number | null)[][] = result.series.map((s) => {
    const col: (number | null)[] = new Array(n).fill(null);
    for (let k = 0; k < s.ts.length; k++) {
      const i = Math.round((s.ts[k]! - start) / stepS);
      const v = s.values[k]!;
      if (i >= 0 && i < n && Number.isFinite(v) && Math.abs(v) < SANE_MAX) col[i] = v;
    }
    return col;
  });
  return [xs, ...cols];
}

export interface SeriesStats {
  count: number;
  min?: number;
  max?: number;
  mean?: number;
  last?: number;
}

export function seriesStats(aligned: (number | null)[][]): SeriesStats[] {
  return aligned.slice(1).map((col) => {
    let count = 0;
    let sum = 0;
    let min: number | undefined;
    let max: number | undefined;
    let last: number | undefined;
    for (const v of col) {
      if (v === null) continue;
      count++;
      sum += v;
      min = min === undefined ? v : Math.min(min, v);
      max = max === undefined ? v : Math.max(max, v);
      last = v;
    }
    return { count, min, max, last, mean: count ? sum / count : undefined };
  });
}

const pad = (n: number) => String(n).padStart(2, "0");

/** 24-hour tick labels; the date is added when the range spans more than a day. */
export function timeTicks(splits: number[], spanS: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return spanS > 86_400 ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}` : hm;
  });
}

/**
 * The indices of values with no value on either side. A line needs two neighbours, so such a
 * sample (a node seen for one scrape, the last sample before an exporter went silent) would be
 * invisible without a point of its own.
 */
export function isolatedPoints(values: readonly (number | null | undefined)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) continue;
    if (values[i - 1] == null && values[i + 1] == null) out.push(i);
  }
  return out;
}
