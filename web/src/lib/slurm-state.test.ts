import { describe, expect, it } from "vitest";
import { parseSlurmState } from "./slurm-state";

describe("parseSlurmState", () => {
  it("keeps the not-responding suffix", () => {
    const s = parseSlurmState("down*");
    expect(s.base).toBe("down");
    expect(s.notResponding).toBe(true);
    expect(s.down).toBe(true);
    expect(s.tone).toBe("crit");
    expect(s.label).toBe("down · not responding");
    expect(s.suffixNotes).toContain("not responding");
  });
  it("flags idle* as critical although idle", () => {
    const s = parseSlurmState("idle*");
    expect(s.base).toBe("idle");
    expect(s.tone).toBe("crit");
  });
  it("reads drain as a modifier or a base state", () => {
    expect(parseSlurmState("idle+drain").drain).toBe(true);
    expect(parseSlurmState("idle+drain").label).toBe("idle · drain");
    expect(parseSlurmState("drained").drain).toBe(true);
    expect(parseSlurmState("draining").tone).toBe("warn");
    expect(parseSlurmState("mixed+drain").tone).toBe("warn");
  });
  it("reads maintenance, short names and power suffixes", () => {
    expect(parseSlurmState("maint").maint).toBe(true);
    expect(parseSlurmState("mix$").maint).toBe(true);
    expect(parseSlurmState("alloc").base).toBe("allocated");
    expect(parseSlurmState("idle~").suffixNotes).toEqual(["powered off"]);
  });
  it("treats healthy states as ok or info", () => {
    expect(parseSlurmState("mixed").tone).toBe("ok");
    expect(parseSlurmState("allocated").tone).toBe("ok");
    expect(parseSlurmState("idle").tone).toBe("info");
  });
  it("survives empty input", () => {
    expect(parseSlurmState(undefined).base).toBe("unknown");
  });
});
