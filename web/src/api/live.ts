// Whether the page is live, as one small state machine. The hub's event stream
// (/api/v1/stream) says when new samples arrived; useLiveStream feeds this store and the data
// hooks read it: while the stream drives updates, fixed-interval polling is off.
import { useSyncExternalStore } from "react";

/** The stream's own life: not opened, opening, open, or broken after having worked. */
export type StreamPhase = "closed" | "connecting" | "open" | "lost";

export interface LiveInputs {
  /** EventSource exists (else the hooks poll as before). */
  supported: boolean;
  /** The URL's range ends "now" (a zoom or a picked absolute range makes it false). */
  rangeLive: boolean;
  /** Auto refresh is not "off". */
  autoRefresh: boolean;
  /** document.hidden */
  hidden: boolean;
  phase: StreamPhase;
  /** The stream failed before it ever opened (an older hub, a proxy that refuses it). */
  refused: boolean;
}

/**
 * polling: no stream, refetchInterval as before. live: stream open. connecting: opening.
 * paused: the person zoomed or picked a past range ("Live" resumes). off: auto refresh off.
 * hidden: tab in the background. lost: the stream broke; the page freezes with the banner.
 */
export type LiveStatus = "polling" | "live" | "connecting" | "paused" | "off" | "hidden" | "lost";

export function liveStatus(i: LiveInputs): LiveStatus {
  if (!i.supported || i.refused) return "polling";
  if (!i.rangeLive) return "paused";
  if (!i.autoRefresh) return "off";
  if (i.hidden) return "hidden";
  if (i.phase === "open") return "live";
  if (i.phase === "lost") return "lost";
  return "connecting";
}

/** Whether a stream should be open for these inputs. */
export function wantsStream(i: LiveInputs): boolean {
  return i.supported && !i.refused && i.rangeLive && i.autoRefresh && !i.hidden;
}

export type StreamEvent = "connect" | "open" | "error-retrying" | "error-closed" | "disconnect";

export interface StreamState {
  phase: StreamPhase;
  everOpened: boolean;
  refused: boolean;
}

export const INITIAL_STREAM: StreamState = { phase: "closed", everOpened: false, refused: false };

/**
 * How the stream's phase moves. `refused` latches when it fails before ever opening; "lost"
 * lasts, through closing and reopening, until a stream opens again.
 */
export function nextPhase(s: StreamState, e: StreamEvent): StreamState {
  switch (e) {
    case "connect":
      return { ...s, phase: s.phase === "lost" ? "lost" : "connecting" };
    case "open":
      return { ...s, phase: "open", everOpened: true };
    case "error-retrying":
      return { ...s, phase: s.everOpened ? "lost" : "connecting" };
    case "error-closed":
      return s.everOpened ? { ...s, phase: "lost" } : { ...s, phase: "closed", refused: true };
    case "disconnect":
      return { ...s, phase: s.phase === "lost" ? "lost" : "closed" };
  }
}

/**
 * Whether the data hooks should poll on their own interval in this status. While a stream is
 * still connecting they do, so a proxy that holds the stream back cannot stop the page.
 */
export function pollsOnInterval(status: LiveStatus): boolean {
  return status === "polling" || status === "connecting";
}

export function createLiveStore() {
  let status: LiveStatus = typeof EventSource === "undefined" ? "polling" : "connecting";
  let lastLiveFrom: string | undefined;
  const listeners = new Set<() => void>();
  return {
    get: () => status,
    set(next: LiveStatus) {
      if (next === status) return;
      status = next;
      listeners.forEach((l) => l());
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** The relative range ("now-1h") to go back to when the person presses Live. */
    rememberFrom(from: string) {
      if (from.startsWith("now")) lastLiveFrom = from;
    },
    liveFrom: () => lastLiveFrom,
  };
}

export const live = createLiveStore();

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(live.subscribe, live.get, live.get);
}
