import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { Link, matchPath, navigate, timeParamsOf, useLocation, withGlobals } from "./router";
import { ConnectionBanner } from "../components/ConnectionBanner";
import { connection } from "../api/connection";

describe("router", () => {
  it("matches patterns and decodes parameters", () => {
    expect(matchPath("/nodes/:node", "/nodes/gpu%2D01")).toEqual({ node: "gpu-01" });
    expect(matchPath("/nodes/:node", "/nodes")).toBeNull();
    expect(matchPath("/jobs", "/nodes")).toBeNull();
  });
  it("carries the time range and refresh from view to view, dropping the rest", () => {
    const cur = new URLSearchParams("from=now-6h&refresh=30s&q=node1&gpu=2");
    expect(withGlobals("/jobs", cur)).toBe("/jobs?from=now-6h&refresh=30s");
    expect(withGlobals("/nodes/n1", cur, { gpu: "0" })).toBe("/nodes/n1?from=now-6h&refresh=30s&gpu=0");
  });
  it("has defaults for the time parameters", () => {
    expect(timeParamsOf(new URLSearchParams(""))).toEqual({ from: "now-1h", to: "now", refresh: "10s" });
  });
  it("navigates in-app on click and re-renders listeners", () => {
    window.history.replaceState(null, "", "/?from=now-3h");
    function Where() {
      return <span data-testid="where">{useLocation().path}</span>;
    }
    render(
      <>
        <Link to="/alerts">Alerts</Link>
        <Where />
      </>,
    );
    const a = screen.getByRole("link", { name: "Alerts" });
    expect(a.getAttribute("href")).toBe("/alerts?from=now-3h");
    fireEvent.click(a);
    expect(window.location.pathname).toBe("/alerts");
    expect(screen.getByTestId("where").textContent).toBe("/alerts");
    act(() => navigate("/nodes"));
    expect(screen.getByTestId("where").textContent).toBe("/nodes");
  });
});

describe("ConnectionBanner", () => {
  it("appears when the hub is unreachable and names the time of the frozen data", () => {
    render(<ConnectionBanner />);
    expect(screen.queryByRole("alert")).toBeNull();
    const t = new Date(2026, 0, 1, 14, 2, 11).getTime();
    act(() => {
      connection.success(t);
      connection.failure("cannot reach the hub: Failed to fetch");
    });
    expect(screen.getByRole("alert").textContent).toMatch(/Disconnected from the hub — showing data as of 14:02:11/);
    act(() => connection.success(t + 60_000));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
