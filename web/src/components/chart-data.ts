// Turns a range-query result into uPlot's aligned columns: one x column (seconds) on the query's
// step grid, one y column per series with null where the series has no point, so a blackout
// draws as a gap and never as 0 or as a line bridging it.
import type { RangeResult } from "../api/hooks";
import { formatMonthDay } from "../lib/format";

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

const DAY_S = 86_400;

const dayOf = (d: Date) => d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();

/**
 * 24-hour labels for time-axis ticks (epoch seconds), the format chosen from the tick spacing
 * `incrS` (uPlot's foundIncr; else the smallest gap between ticks) so that neighbours never read
 * the same: "10:05:30" when ticks are under a minute apart, "10:05" for minutes and hours, "Nov 29"
 * for whole days. When the ticks cover more than one day, the first tick and each tick on a new
 * day get the date as a second line ("00:00\nNov 30"), as uPlot and Grafana do.
 */
export function timeTicks(splits: number[], incrS?: number): string[] {
  let incr = incrS ?? Infinity;
  for (let i = 1; incrS === undefined && i < splits.length; i++) incr = Math.min(incr, splits[i]! - splits[i - 1]!);
  if (!Number.isFinite(incr)) incr = 60;
  const dates = splits.map((s) => new Date(s * 1000));
  const atMidnight = dates.every((d) => d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0);
  if (incr >= DAY_S && atMidnight) return dates.map((d) => formatMonthDay(d.getTime()));
  const withSeconds = incr < 60 || incr % 60 !== 0;
  const manyDays = dates.length > 1 && dayOf(dates[0]!) !== dayOf(dates[dates.length - 1]!);
  return dates.map((d, i) => {
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ""}`;
    const newDay = i === 0 || dayOf(d) !== dayOf(dates[i - 1]!);
    return manyDays && newDay ? `${time}\n${formatMonthDay(d.getTime())}` : time;
  });
}

/**
 * The least room between time ticks, in pixels: uPlot's 50 fits "10:05", but "10:05:30" needs
 * more, which it gets where ticks 50 px apart would be under a minute apart.
 */
export function timeAxisSpacePx(spanS: number, plotWidthPx: number): number {
  return plotWidthPx > 0 && spanS / (plotWidthPx / 50) < 60 ? 64 : 50;
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
