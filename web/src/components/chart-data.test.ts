import { describe, expect, it } from "vitest";
import { alignSeries, isolatedPoints, seriesStats, timeTicks } from "./chart-data";

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
  it("uses 24-hour times and adds the date past a day", () => {
    const t = new Date(2026, 10, 29, 14, 5).getTime() / 1000;
    expect(timeTicks([t], 3600)).toEqual(["14:05"]);
    expect(timeTicks([t], 3 * 86400)).toEqual(["11-29 14:05"]);
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
