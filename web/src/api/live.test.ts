import { describe, expect, it } from "vitest";
import { INITIAL_STREAM, liveStatus, nextPhase, pollsOnInterval, wantsStream, type LiveInputs, type StreamEvent } from "./live";

const base: LiveInputs = { supported: true, rangeLive: true, autoRefresh: true, hidden: false, phase: "open", refused: false };

describe("liveStatus", () => {
  it("is live while the stream is open on a range ending now", () => {
    expect(liveStatus(base)).toBe("live");
    expect(wantsStream(base)).toBe(true);
  });
  it("pauses on a zoomed or picked range, before anything else but polling", () => {
    expect(liveStatus({ ...base, rangeLive: false, hidden: true, phase: "lost" })).toBe("paused");
    expect(wantsStream({ ...base, rangeLive: false })).toBe(false);
  });
  it("closes the stream in a hidden tab and with auto refresh off", () => {
    expect(liveStatus({ ...base, hidden: true })).toBe("hidden");
    expect(wantsStream({ ...base, hidden: true })).toBe(false);
    expect(liveStatus({ ...base, autoRefresh: false })).toBe("off");
    expect(wantsStream({ ...base, autoRefresh: false })).toBe(false);
  });
  it("falls back to polling without EventSource or when the hub refuses the stream", () => {
    expect(liveStatus({ ...base, supported: false })).toBe("polling");
    expect(liveStatus({ ...base, refused: true })).toBe("polling");
    expect(wantsStream({ ...base, refused: true })).toBe(false);
    expect(pollsOnInterval("polling")).toBe(true);
    expect(pollsOnInterval("connecting")).toBe(true); // until the stream proves itself
  });
  it("freezes (no interval polling) when live, paused or lost", () => {
    for (const s of ["live", "paused", "lost", "hidden", "off"] as const) expect(pollsOnInterval(s)).toBe(false);
    expect(liveStatus({ ...base, phase: "lost" })).toBe("lost");
    expect(liveStatus({ ...base, phase: "connecting" })).toBe("connecting");
  });
});

describe("nextPhase", () => {
  const run = (...events: StreamEvent[]) => events.reduce(nextPhase, INITIAL_STREAM);
  it("opens", () => {
    expect(run("connect")).toMatchObject({ phase: "connecting" });
    expect(run("connect", "open")).toEqual({ phase: "open", everOpened: true, refused: false });
  });
  it("latches refused when the stream fails before it ever opened", () => {
    expect(run("connect", "error-closed")).toEqual({ phase: "closed", everOpened: false, refused: true });
    // A network error before the first open is EventSource retrying: still connecting.
    expect(run("connect", "error-retrying")).toMatchObject({ phase: "connecting", refused: false });
  });
  it("is lost after a working stream breaks, until one opens again", () => {
    const lost = run("connect", "open", "error-retrying");
    expect(lost.phase).toBe("lost");
    expect(run("connect", "open", "error-closed", "disconnect", "connect").phase).toBe("lost");
    expect(run("connect", "open", "error-closed", "disconnect", "connect", "open").phase).toBe("open");
  });
});
