import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { CATCH_UP_SKIP_MS, useLiveStream } from "./useLiveStream";
import { live, useLiveStatus } from "./live";
import { connection } from "./connection";
import { navigate } from "../app/router";
import { LiveButton } from "../components/Toolbar";

/** Stands in for the browser's EventSource; tests drive its events. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, (() => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(name: string, fn: () => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    act(() => this.onopen?.());
  }
  emit(name: string) {
    act(() => this.listeners.get(name)?.forEach((fn) => fn()));
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    act(() => this.onerror?.());
  }
  static open(): FakeEventSource[] {
    return FakeEventSource.all.filter((e) => e.readyState !== FakeEventSource.CLOSED);
  }
}

let hidden = false;
const counts = { instant: 0, range: 0, alerts: 0 };

function Page() {
  useLiveStream();
  useQuery({ queryKey: ["instant", "up", "now"], queryFn: () => ++counts.instant });
  useQuery({ queryKey: ["range", "up", "now-1h", "now", 300], queryFn: () => ++counts.range });
  useQuery({ queryKey: ["alerts"], queryFn: () => ++counts.alerts });
  return (
    <>
      <span data-testid="status">{useLiveStatus()}</span>
      <LiveButton />
    </>
  );
}

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <Page />
    </QueryClientProvider>,
  );
}

const status = () => screen.getByTestId("status").textContent;

function setHidden(h: boolean) {
  hidden = h;
  act(() => void document.dispatchEvent(new Event("visibilitychange")));
}

beforeEach(() => {
  FakeEventSource.all = [];
  counts.instant = counts.range = counts.alerts = 0;
  hidden = false;
  vi.stubGlobal("EventSource", FakeEventSource);
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  connection.success(0);
});

/** Moves Date.now() (hence the age of fetched data) `ms` ahead; time keeps running from there. */
function ageBy(ms: number) {
  const realNow = Date.now.bind(Date);
  const offset = ms;
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + offset);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("useLiveStream", () => {
  it("opens the hub's stream and refetches live queries on samples events", async () => {
    renderPage();
    expect(FakeEventSource.open().map((e) => e.url)).toEqual(["/api/v1/stream"]);
    expect(status()).toBe("connecting");
    await waitFor(() => expect(counts.instant).toBe(1));
    await waitFor(() => expect(counts.range).toBe(1));
    ageBy(CATCH_UP_SKIP_MS + 1000); // the stream opens after the first answers have aged
    const es = FakeEventSource.open()[0]!;
    es.open();
    expect(status()).toBe("live");
    expect(live.get()).toBe("live");
    await waitFor(() => expect(counts.instant).toBe(2)); // catch-up on open
    expect(counts.range).toBe(2);
    es.emit("samples");
    await waitFor(() => expect(counts.instant).toBe(3));
    // Ranges wait RANGE_REFETCH_MS between refetches; alerts only follow `alerts` events.
    expect(counts.range).toBe(2);
    expect(counts.alerts).toBe(1);
    es.emit("alerts");
    await waitFor(() => expect(counts.alerts).toBe(2));
    expect(screen.getByTestId("live-button").getAttribute("aria-pressed")).toBe("true");
  });

  it("does not fetch again on open what was fetched in the last few seconds", async () => {
    renderPage();
    await waitFor(() => expect(counts.instant).toBe(1));
    await waitFor(() => expect(counts.range).toBe(1));
    const es = FakeEventSource.open()[0]!;
    es.open(); // right after the first answers: no catch-up fetch
    expect(status()).toBe("live");
    await new Promise((r) => setTimeout(r, 50));
    expect(counts).toEqual({ instant: 1, range: 1, alerts: 1 });
    // The next samples event refetches instant queries as usual; ranges wait RANGE_REFETCH_MS.
    es.emit("samples");
    await waitFor(() => expect(counts.instant).toBe(2));
    expect(counts.range).toBe(1);
  });

  it("does not restart a request still in flight when the stream opens", async () => {
    let started = 0;
    let answer: (v: number) => void = () => {};
    function Slow() {
      useLiveStream();
      useQuery({ queryKey: ["instant", "slow", "now"], queryFn: () => (started++, new Promise<number>((r) => (answer = r))) });
      return null;
    }
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <Slow />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(started).toBe(1));
    ageBy(CATCH_UP_SKIP_MS + 1000);
    FakeEventSource.open()[0]!.open();
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(1);
    act(() => answer(7));
    await waitFor(() => expect(client.getQueryData(["instant", "slow", "now"])).toBe(7));
  });

  it("closes the stream while the tab is hidden and reopens when it shows", () => {
    renderPage();
    FakeEventSource.open()[0]!.open();
    setHidden(true);
    expect(FakeEventSource.open()).toHaveLength(0);
    expect(status()).toBe("hidden");
    setHidden(false);
    expect(FakeEventSource.open()).toHaveLength(1);
    expect(status()).toBe("connecting");
  });

  it("pauses on a zoomed range and the Live button resumes the previous range", () => {
    window.history.replaceState(null, "", "/?from=now-6h");
    renderPage();
    FakeEventSource.open()[0]!.open();
    act(() => navigate("/?from=1700000000000&to=1700000600000"));
    expect(status()).toBe("paused");
    expect(FakeEventSource.open()).toHaveLength(0);
    fireEvent.click(screen.getByTestId("live-button"));
    expect(window.location.search).toBe("?from=now-6h");
    expect(FakeEventSource.open()).toHaveLength(1);
  });

  it("shows the banner and freezes when an open stream breaks, until it reopens", () => {
    renderPage();
    const es = FakeEventSource.open()[0]!;
    es.open();
    es.fail(false); // EventSource retries by itself
    expect(status()).toBe("lost");
    expect(connection.get().connected).toBe(false);
    es.open();
    expect(status()).toBe("live");
    expect(connection.get().connected).toBe(true);
  });

  it("reconnects itself when the hub closed a stream that had worked", () => {
    vi.useFakeTimers();
    renderPage();
    FakeEventSource.open()[0]!.open();
    FakeEventSource.open()[0]!.fail(true);
    expect(status()).toBe("lost");
    expect(FakeEventSource.open()).toHaveLength(0);
    act(() => void vi.advanceTimersByTime(5000));
    expect(FakeEventSource.open()).toHaveLength(1);
    expect(status()).toBe("lost"); // still frozen until the new stream opens
    FakeEventSource.open()[0]!.open();
    expect(status()).toBe("live");
  });

  it("falls back to polling when the hub refuses the stream", () => {
    renderPage();
    FakeEventSource.open()[0]!.fail(true);
    expect(status()).toBe("polling");
    expect(connection.get().connected).toBe(true);
    expect(FakeEventSource.open()).toHaveLength(0);
    expect(screen.queryByTestId("live-button")).toBeNull();
  });

  it("polls without EventSource", () => {
    vi.stubGlobal("EventSource", undefined);
    renderPage();
    expect(status()).toBe("polling");
    expect(FakeEventSource.all).toHaveLength(0);
  });
});
