// Keeps the page live over the hub's event stream: refetches on `samples` and `alerts` events,
// closes the stream while the tab is hidden or the range does not end "now", shows the
// disconnected banner (and freezes) when an open stream breaks, and falls back to polling
// where there is no EventSource or the hub refuses the stream. Mounted once, in App.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useQueryClient, type Query, type QueryClient } from "@tanstack/react-query";
import { connection } from "./connection";
import { INITIAL_STREAM, live, liveStatus, nextPhase, wantsStream, type StreamEvent } from "./live";
import { useTimeParams } from "../app/router";

export const STREAM_PATH = "/api/v1/stream";
/** Range queries are heavier: refetched at most this often however fast samples come. */
export const RANGE_REFETCH_MS = 5000;
/**
 * When the stream opens, queries answered this recently (or still in flight) are not fetched
 * again: on a first load the page has just asked them, and the next `samples` event follows
 * within a second anyway.
 */
export const CATCH_UP_SKIP_MS = 3000;
/** After the hub closed a stream that had worked, try again this much later. */
export const RECONNECT_MS = 5000;

function subscribeHidden(cb: () => void) {
  document.addEventListener("visibilitychange", cb);
  return () => document.removeEventListener("visibilitychange", cb);
}
const isHidden = () => document.hidden;

const isLiveInstant = (q: Query) => q.queryKey[0] === "instant" && q.queryKey[2] === "now";
const isLiveRange = (q: Query) => q.queryKey[0] === "range" && q.queryKey[3] === "now";

function refetchLive(client: QueryClient, withRanges: boolean) {
  void client.invalidateQueries({ predicate: (q) => isLiveInstant(q) || (withRanges && isLiveRange(q)) });
}

/** Whether a live query needs the catch-up fetch when the stream opens at `nowMs`. */
export function needsCatchUp(q: Query, nowMs: number): boolean {
  if (!isLiveInstant(q) && !isLiveRange(q)) return false;
  if (q.state.fetchStatus === "fetching") return false;
  return !(q.state.dataUpdatedAt > 0 && nowMs - q.state.dataUpdatedAt < CATCH_UP_SKIP_MS);
}

export function useLiveStream(): void {
  const client = useQueryClient();
  const { to, from, refresh } = useTimeParams();
  const hidden = useSyncExternalStore(subscribeHidden, isHidden, () => false);
  const [stream, setStream] = useState(INITIAL_STREAM);
  const [attempt, setAttempt] = useState(0);
  const everOpened = useRef(false);
  const lastRangeRefetch = useRef(0);
  const inputs = {
    supported: typeof EventSource !== "undefined",
    rangeLive: to === "now",
    autoRefresh: refresh !== "off",
    hidden,
    phase: stream.phase,
    refused: stream.refused,
  };
  const want = wantsStream(inputs);
  const status = liveStatus(inputs);

  useEffect(() => live.set(status), [status]);
  useEffect(() => {
    if (to === "now") live.rememberFrom(from);
  }, [to, from]);

  useEffect(() => {
    if (!want) return;
    const step = (e: StreamEvent) => setStream((prev) => nextPhase(prev, e));
    let retry: ReturnType<typeof setTimeout> | undefined;
    step("connect");
    const es = new EventSource(STREAM_PATH);
    es.onopen = () => {
      everOpened.current = true;
      step("open");
      connection.success();
      // Catch up on whatever happened while the stream was closed, skipping what was just
      // fetched (on a first load, every query was asked moments ago).
      const now = Date.now();
      lastRangeRefetch.current = now;
      void client.invalidateQueries({ predicate: (q) => needsCatchUp(q, now) });
    };
    es.onerror = () => {
      const closed = es.readyState === EventSource.CLOSED;
      step(closed ? "error-closed" : "error-retrying");
      if (!everOpened.current) return;
      connection.failure("the live update stream was lost");
      // EventSource retries by itself unless the hub answered with an error status.
      if (closed) retry = setTimeout(() => setAttempt((n) => n + 1), RECONNECT_MS);
    };
    es.addEventListener("samples", () => {
      const now = Date.now();
      const ranges = now - lastRangeRefetch.current >= RANGE_REFETCH_MS;
      if (ranges) lastRangeRefetch.current = now;
      refetchLive(client, ranges);
    });
    es.addEventListener("alerts", () => {
      void client.invalidateQueries({ queryKey: ["alerts"] });
      void client.invalidateQueries({ queryKey: ["rules"] });
    });
    return () => {
      if (retry !== undefined) clearTimeout(retry);
      es.close();
      step("disconnect");
    };
  }, [want, client, attempt]);
}
