import { describe, expect, it } from "vitest";
import {
  chooseStepSeconds,
  formatAbsoluteRange,
  formatTimeInput,
  parseDurationMs,
  parseRangeInput,
  parseTimeExpr,
  parseTimeInput,
  rangeDisplay,
  refreshMs,
  resolveRange,
} from "./time";

describe("time", () => {
  it("parses Prometheus-style durations", () => {
    expect(parseDurationMs("15m")).toBe(900_000);
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs("7d")).toBe(604_800_000);
    expect(parseDurationMs("5x")).toBeUndefined();
    expect(parseDurationMs("")).toBeUndefined();
    expect(parseDurationMs("15m junk")).toBeUndefined();
  });
  it("parses now-relative and epoch-ms times", () => {
    const now = 1_700_000_000_000;
    expect(parseTimeExpr("now", now)).toBe(now);
    expect(parseTimeExpr("now-1h", now)).toBe(now - 3_600_000);
    expect(parseTimeExpr("1699990000000", now)).toBe(1_699_990_000_000);
    expect(parseTimeExpr("yesterday", now)).toBeUndefined();
  });
  it("resolves a range, falling back to the last hour on bad input", () => {
    const now = 1_700_000_000_000;
    expect(resolveRange({ from: "now-15m", to: "now" }, now)).toEqual({ startMs: now - 900_000, endMs: now });
    expect(resolveRange({ from: "bogus", to: "now" }, now)).toEqual({ startMs: now - 3_600_000, endMs: now });
  });
  it("chooses a step near the chart's resolution and never below the scrape interval", () => {
    expect(chooseStepSeconds(15 * 60_000)).toBe(5);
    expect(chooseStepSeconds(3_600_000)).toBe(15);
    expect(chooseStepSeconds(7 * 86_400_000)).toBe(3600);
    // 7 days at 300 points stays far below the hub's 11,000-step limit.
    expect((7 * 86_400) / chooseStepSeconds(7 * 86_400_000)).toBeLessThan(11_000);
  });
  it("reads refresh intervals", () => {
    expect(refreshMs("off")).toBe(false);
    expect(refreshMs("10s")).toBe(10_000);
    expect(refreshMs("1m")).toBe(60_000);
    expect(refreshMs("100ms")).toBe(false);
    expect(refreshMs("nonsense")).toBe(false);
  });
});

describe("typed times", () => {
  const now = new Date(2026, 10, 30, 14, 0).getTime();
  const local = (...a: [number, number, number, number, number, number?]) => new Date(a[0], a[1], a[2], a[3], a[4], a[5] ?? 0).getTime();

  it("reads local date-times, with or without seconds, and UTC with Z", () => {
    expect(parseTimeInput("2026-11-30 10:00", now)).toEqual({ ok: true, ms: local(2026, 10, 30, 10, 0), relative: false });
    expect(parseTimeInput(" 2026-11-30T10:00:15 ", now)).toEqual({ ok: true, ms: local(2026, 10, 30, 10, 0, 15), relative: false });
    expect(parseTimeInput("2026-11-30", now)).toEqual({ ok: true, ms: local(2026, 10, 30, 0, 0), relative: false });
    expect(parseTimeInput("2026-11-30 10:00Z", now)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 30, 10, 0), relative: false });
    expect(parseTimeInput("2026-11-30 10:00 UTC", now)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 30, 10, 0), relative: false });
  });
  it("reads now-relative times and epoch milliseconds", () => {
    expect(parseTimeInput("now", now)).toEqual({ ok: true, ms: now, relative: true });
    expect(parseTimeInput("now-6h", now)).toEqual({ ok: true, ms: now - 6 * 3_600_000, relative: true });
    expect(parseTimeInput("1764496800000", now)).toEqual({ ok: true, ms: 1_764_496_800_000, relative: false });
  });
  it("says what is wrong with bad input", () => {
    const err = (t: string) => {
      const r = parseTimeInput(t, now);
      return r.ok ? "parsed" : r.error;
    };
    expect(err("")).toMatch(/^empty \(use YYYY-MM-DD HH:MM/);
    expect(err("yesterday")).toMatch(/^"yesterday": not a time \(use YYYY-MM-DD HH:MM\[:SS\]/);
    expect(err("now-6x")).toBe('"now-6x": unknown duration (use e.g. now-30m, now-6h, now-2d)');
    expect(err("now+1h")).toMatch(/not a time/);
    expect(err("2026-02-30 10:00")).toBe('"2026-02-30 10:00": no such date');
    expect(err("2026-13-01 10:00")).toBe('"2026-13-01 10:00": no such date');
    expect(err("2026-11-30 24:00")).toBe('"2026-11-30 24:00": no such time of day');
    expect(err("2026-11-30 10:61")).toBe('"2026-11-30 10:61": no such time of day');
    expect(err("30/11/2026 10:00")).toMatch(/not a time/);
    expect(err("2026-11-30 10")).toMatch(/not a time/);
  });
  it("writes times the way it reads them", () => {
    for (const ms of [local(2026, 10, 30, 10, 0), local(2026, 0, 2, 3, 4, 5)]) {
      const text = formatTimeInput(ms);
      expect(parseTimeInput(text, now)).toEqual({ ok: true, ms, relative: false });
    }
    expect(formatTimeInput(local(2026, 10, 30, 10, 0))).toBe("2026-11-30 10:00");
    expect(formatTimeInput(local(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02 03:04:05");
  });
});

describe("typed ranges", () => {
  const now = new Date(2026, 10, 30, 14, 0).getTime();
  const local = (h: number, m: number) => new Date(2026, 10, 30, h, m).getTime();

  it("turns an absolute range into epoch milliseconds, as a drag-zoom does", () => {
    expect(parseRangeInput("2026-11-30 10:00", "2026-11-30 12:30", now)).toEqual({
      ok: true,
      from: String(local(10, 0)),
      to: String(local(12, 30)),
      startMs: local(10, 0),
      endMs: local(12, 30),
    });
  });
  it("keeps now-6h to now relative (live), and pins other relative forms", () => {
    expect(parseRangeInput("now-6h", " now ", now)).toMatchObject({ ok: true, from: "now-6h", to: "now" });
    expect(parseRangeInput("now-6h", "now-1h", now)).toMatchObject({ ok: true, from: String(now - 6 * 3_600_000), to: String(now - 3_600_000) });
    expect(parseRangeInput("2026-11-30 10:00", "now", now)).toMatchObject({ ok: true, from: String(local(10, 0)), to: String(now) });
  });
  it("rejects bad ranges, naming the field at fault", () => {
    expect(parseRangeInput("soon", "now", now)).toMatchObject({ ok: false, field: "from", error: expect.stringMatching(/^From: "soon": not a time/) });
    expect(parseRangeInput("now-1h", "", now)).toMatchObject({ ok: false, field: "to", error: expect.stringMatching(/^To: empty/) });
    expect(parseRangeInput("2026-11-30 12:00", "2026-11-30 10:00", now)).toEqual({ ok: false, field: "range", error: "From must be before To" });
    expect(parseRangeInput("2026-11-30 12:00", "2026-11-30 12:00", now)).toMatchObject({ ok: false, field: "range" });
    expect(parseRangeInput("2026-11-30 12:00:00", "2026-11-30 12:00:05", now)).toEqual({ ok: false, field: "range", error: "The range must be at least 10 s long" });
    expect(parseRangeInput("2026-11-30 10:00", "2026-12-01 10:00", now)).toMatchObject({ ok: false, field: "to", error: expect.stringMatching(/^To is in the future/) });
    // A few minutes past now is clock skew, not a mistake.
    expect(parseRangeInput("2026-11-30 13:00", "2026-11-30 14:03", now)).toMatchObject({ ok: true });
  });
  it("enforces the hub's retention when it is known", () => {
    const r = parseRangeInput("2026-11-01 10:00", "2026-11-30 10:00", now, { maxSpanMs: 15 * 86_400_000 });
    expect(r).toEqual({ ok: false, field: "range", error: "The range is longer than the hub keeps data (15 d); pick a shorter one" });
    expect(parseRangeInput("2026-11-01 10:00", "2026-11-30 10:00", now)).toMatchObject({ ok: true });
  });
});

describe("range display", () => {
  const now = new Date(2026, 10, 30, 14, 0).getTime();
  const at = (mo: number, d: number, h: number, m: number, s = 0, y = 2026) => new Date(y, mo, d, h, m, s).getTime();

  it("names presets and shows the times of absolute ranges", () => {
    expect(rangeDisplay({ from: "now-6h", to: "now" }, now)).toBe("Last 6 hours");
    expect(rangeDisplay({ from: "now-90m", to: "now" }, now)).toBe("Last 90m");
    expect(rangeDisplay({ from: String(at(10, 30, 10, 0)), to: String(at(10, 30, 12, 30)) }, now)).toBe("Nov 30 10:00 – 12:30");
    expect(rangeDisplay({ from: String(at(10, 30, 10, 0)), to: "now" }, now)).toBe("Since Nov 30 10:00");
  });
  it("adds the second day, the year when not this one, and seconds for short zooms", () => {
    expect(formatAbsoluteRange(at(10, 29, 22, 0), at(10, 30, 2, 0), now)).toBe("Nov 29 22:00 – Nov 30 02:00");
    expect(formatAbsoluteRange(at(11, 31, 22, 0, 0, 2025), at(0, 1, 2, 0), now)).toBe("Dec 31 2025 22:00 – Jan 1 02:00");
    expect(formatAbsoluteRange(at(10, 30, 10, 5, 12), at(10, 30, 10, 7, 40), now)).toBe("Nov 30 10:05:12 – 10:07:40");
    expect(formatAbsoluteRange(at(10, 30, 10, 5, 12), at(10, 30, 12, 7, 40), now)).toBe("Nov 30 10:05 – 12:07");
  });
});
