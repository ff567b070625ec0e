import { describe, expect, it } from "vitest";
import { alignSeries, isolatedPoints, seriesStats, timeAxisSpacePx, timeTicks } from "./chart-data";

describe("alignSeries", () => {
  it("puts series on one step grid with nulls for gaps, never zeros", () => {
    const a = alignSeries({
      startMs: 100_000,
      endMs: 160_000,
      stepS: 15,
      series: [
        { metric: { gpu: "0" }, ts: [100, 115, 160], values: [1, 2, 5] },
        { metric: { gpu: "1" }, ts: [130], values: [Number.NaN] },
      ],
    });
    expect(a[0]).toEqual([100, 115, 130, 145, 160]);
    expect(a[1]).toEqual([1, 2, null, null, 5]);
    expect(a[2]).toEqual([null, null, null, null, null]);
  });
  it("drops impossible sensor values", () => {
    const a = alignSeries({ startMs: 0, endMs: 15_000, stepS: 15, series: [{ metric: {}, ts: [0, 15], values: [60, 644245923 * 1e4] }] });
    expect(a[1]).toEqual([60, null]);
  });
  it("handles an empty result", () => {
    expect(alignSeries(undefined)).toEqual([[]]);
  });
  it("summarises series", () => {
    expect(seriesStats([[1, 2, 3], [4, null, 2]])).toEqual([{ count: 2, min: 2, max: 4, last: 2, mean: 3 }]);
  });
});

describe("timeTicks", () => {
  // uPlot's time increments (seconds) from 1 s to 15 days, and its choice: the smallest
  // increment that leaves at least `space` pixels between ticks.
  const INCRS = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 28800, 43200, 86400, 2 * 86400, 3 * 86400, 7 * 86400, 15 * 86400];
  function uplotTicks(startS: number, endS: number, widthPx: number): { splits: number[]; incr: number } {
    const space = timeAxisSpacePx(endS - startS, widthPx);
    const incr = INCRS.find((i) => (widthPx * i) / (endS - startS) >= space)!;
    const splits: number[] = [];
    if (incr >= 86400) {
      // Whole days start at local midnight.
      const d = new Date(startS * 1000);
      d.setHours(0, 0, 0, 0);
      for (d.setDate(d.getDate() + 1); d.getTime() / 1000 <= endS; d.setDate(d.getDate() + incr / 86400)) splits.push(d.getTime() / 1000);
    } else {
      const base = incr >= 3600 ? new Date(startS * 1000).setHours(0, 0, 0, 0) / 1000 : 0;
      for (let s = base + Math.ceil((startS - base) / incr) * incr; s <= endS; s += incr) splits.push(s);
    }
    return { splits, incr };
  }
  const end = new Date(2026, 10, 30, 14, 0, 7).getTime() / 1000;

  for (const [name, spanS, pattern] of [
    ["2 min", 120, /^\d\d:\d\d:\d\d$/],
    ["15 min", 900, /^\d\d:\d\d$/],
    ["6 h", 6 * 3600, /^\d\d:\d\d$/],
    // Whole days ("Nov 24"), or times with the date under the first tick of each day.
    ["7 d", 7 * 86400, /^((Nov|Dec) \d+|\d\d:\d\d(\n(Nov|Dec) \d+)?)$/],
  ] as const) {
    for (const width of [300, 800, 1600]) {
      it(`never repeats a label between neighbouring ticks over ${name} at ${width} px`, () => {
        const { splits, incr } = uplotTicks(end - spanS, end, width);
        const labels = timeTicks(splits, incr);
        expect(splits.length).toBeGreaterThan(1);
        for (let i = 1; i < labels.length; i++) expect(labels[i]).not.toBe(labels[i - 1]);
        for (const l of labels) expect(l).toMatch(pattern);
        if (spanS > 86400) expect(labels[0]).toMatch(/(Nov|Dec) \d+$/);
      });
    }
  }

  it("shows seconds under a minute apart, minutes above, the date past a day", () => {
    const t = new Date(2026, 10, 29, 14, 5).getTime() / 1000;
    expect(timeTicks([t, t + 10, t + 20], 10)).toEqual(["14:05:00", "14:05:10", "14:05:20"]);
    expect(timeTicks([t, t + 60, t + 120], 60)).toEqual(["14:05", "14:06", "14:07"]);
    // Without uPlot's increment, the gap between ticks decides.
    expect(timeTicks([t, t + 30])).toEqual(["14:05:00", "14:05:30"]);
    expect(timeTicks([t])).toEqual(["14:05"]);
    const midnight = new Date(2026, 10, 30).getTime() / 1000;
    expect(timeTicks([midnight - 43200, midnight, midnight + 43200], 43200)).toEqual(["12:00\nNov 29", "00:00\nNov 30", "12:00"]);
    expect(timeTicks([midnight, midnight + 86400], 86400)).toEqual(["Nov 30", "Dec 1"]);
  });

  it("makes room for seconds only where ticks would be under a minute apart", () => {
    expect(timeAxisSpacePx(120, 800)).toBe(64);
    expect(timeAxisSpacePx(3600, 800)).toBe(50);
    expect(timeAxisSpacePx(120, 0)).toBe(50);
  });
});

describe("isolatedPoints", () => {
  it("finds the samples with no neighbour, which a line would not show", () => {
    expect(isolatedPoints([1, null, 2, 3, null, 4])).toEqual([0, 5]);
    expect(isolatedPoints([null, 7, null])).toEqual([1]);
    expect(isolatedPoints([1, 2, 3])).toEqual([]);
    expect(isolatedPoints([])).toEqual([]);
  });
});
