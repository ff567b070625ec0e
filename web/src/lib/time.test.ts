import { describe, expect, it } from "vitest";
import { chooseStepSeconds, parseDurationMs, parseTimeExpr, refreshMs, resolveRange } from "./time";

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
