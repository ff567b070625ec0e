import { describe, expect, it } from "vitest";
import { decodeThrottleMask, isHarmfulThrottle, throttleLabel } from "./throttle";
import { contrastRatio, luminance, textOn, utilColor } from "./heat";

describe("throttle reasons", () => {
  it("decodes the NVML bitmask", () => {
    expect(decodeThrottleMask(0)).toEqual([]);
    expect(decodeThrottleMask(0x1 | 0x4)).toEqual(["gpu_idle", "sw_power_cap"]);
    expect(decodeThrottleMask(0x40)).toEqual(["hw_thermal_slowdown"]);
  });
  it("labels and grades reasons", () => {
    expect(throttleLabel("sw_power_cap")).toBe("power cap");
    expect(throttleLabel("new_reason")).toBe("new reason");
    expect(isHarmfulThrottle("gpu_idle")).toBe(false);
    expect(isHarmfulThrottle("hw_thermal_slowdown")).toBe(true);
  });
});

describe("heat colours", () => {
  it("get darker with load in the light theme and lighter in the dark one", () => {
    expect(luminance(utilColor(0, false))).toBeGreaterThan(luminance(utilColor(100, false)));
    expect(luminance(utilColor(0, true))).toBeLessThan(luminance(utilColor(100, true)));
  });
  it("clamps out-of-range input", () => {
    expect(utilColor(-5, false)).toBe(utilColor(0, false));
    expect(utilColor(250, false)).toBe(utilColor(100, false));
  });
  it("picks readable text for every shade", () => {
    for (const dark of [false, true]) {
      for (let u = 0; u <= 100; u += 5) {
        const bg = utilColor(u, dark);
        const fg = textOn(bg);
        const ratio = contrastRatio(luminance(bg), fg === "#ffffff" ? 1 : 0);
        expect(ratio, `util ${u} dark=${dark}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
