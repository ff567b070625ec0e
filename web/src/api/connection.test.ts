import { describe, expect, it } from "vitest";
import { createConnectionStore } from "./connection";
import { perGpu, promString } from "./queries";

describe("connection store", () => {
  it("goes down on failure and up on success, keeping the last good time", () => {
    const c = createConnectionStore();
    c.success(1000);
    c.failure("cannot reach the hub");
    expect(c.get()).toEqual({ connected: false, lastSuccessMs: 1000, lastError: "cannot reach the hub" });
    c.success(5000);
    expect(c.get().connected).toBe(true);
    expect(c.get().lastSuccessMs).toBe(5000);
  });
  it("notifies listeners", () => {
    const c = createConnectionStore();
    let n = 0;
    c.subscribe(() => n++);
    c.failure("x");
    c.failure("x");
    expect(n).toBe(1);
  });
});

describe("queries", () => {
  it("deduplicates per GPU before aggregating", () => {
    expect(perGpu("DCGM_FI_DEV_GPU_UTIL")).toBe("max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)");
  });
  it("quotes label values for PromQL", () => {
    expect(promString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
