import { describe, expect, it } from "vitest";
import {
  formatAgo,
  formatCelsius,
  formatDuration,
  formatFreeOfTotal,
  formatGiB,
  formatInt,
  formatMemUsedTotal,
  formatPercent,
  formatPowerDrawLimit,
  formatPowerTotal,
  formatSlurmMem,
} from "./format";

describe("format", () => {
  it("keeps 0 and N/A apart", () => {
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(undefined)).toBe("N/A");
    expect(formatPercent(Number.NaN)).toBe("N/A");
    expect(formatInt(0)).toBe("0");
    expect(formatCelsius(undefined)).toBe("N/A");
  });
  it("shows DCGM MiB as IEC GiB with one decimal", () => {
    expect(formatGiB(81559)).toBe("79.6 GiB");
    expect(formatGiB(1024)).toBe("1.0 GiB");
    expect(formatMemUsedTotal(40960, 81920)).toBe("40.0 / 80.0 GiB");
    expect(formatMemUsedTotal(undefined, 81920)).toBe("N/A / 80.0 GiB");
  });
  it("shows Slurm MB (MiB) as whole GiB", () => {
    expect(formatSlurmMem(65536)).toBe("64 GiB");
  });
  it("writes power as draw / limit W", () => {
    expect(formatPowerDrawLimit(312.4, 700)).toBe("312 / 700 W");
    expect(formatPowerDrawLimit(312.4, undefined)).toBe("312 / N/A W");
  });
  it("switches cluster power to kW at 10 kW", () => {
    expect(formatPowerTotal(4201)).toBe("4,201 W");
    expect(formatPowerTotal(123456)).toBe("123.5 kW");
  });
  it("formats counts as free / total integers", () => {
    expect(formatFreeOfTotal(2, 12)).toBe("2 / 12");
    expect(formatFreeOfTotal(undefined, 12)).toBe("N/A / 12");
  });
  it("formats durations compactly", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(12 * 60)).toBe("12 min");
    expect(formatDuration(3 * 3600)).toBe("3 h");
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe("3 h 5 min");
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe("2 d 4 h");
    expect(formatDuration(-5)).toBe("0 s");
  });
  it("says how long ago", () => {
    expect(formatAgo(1_000_000 - 47_000, 1_000_000)).toBe("47 s ago");
    expect(formatAgo(undefined, 1_000_000)).toBe("never seen");
  });
});
