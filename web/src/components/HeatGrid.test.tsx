import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { HeatGrid, describeCell } from "./HeatGrid";
import type { HeatRow, NodeRow } from "../model/nodes";
import { parseSlurmState } from "../lib/slurm-state";

const node = (name: string, stale = false): NodeRow => ({
  name,
  partitions: ["gpu"],
  state: parseSlurmState(stale ? "down*" : "mixed"),
  exporter: { stale, lastSeenMs: stale ? Date.now() - 120_000 : Date.now() },
});

const rows: HeatRow[] = [
  {
    node: node("node1"),
    cells: [
      { host: "node1", index: 0, util: 97, jobs: [{ id: "7", user: "ada" }], allocated: true, status: "ok" },
      { host: "node1", index: 1, util: 0, jobs: [{ id: "7", user: "ada" }], allocated: true, status: "ok" },
      { host: "node1", index: 2, util: 0, jobs: [], allocated: false, status: "ok" },
    ],
  },
  {
    node: node("node2", true),
    cells: [{ host: "node2", index: 0, jobs: [], allocated: false, status: "stale", lastSeenMs: Date.now() - 120_000 }],
  },
];

describe("HeatGrid", () => {
  it("labels every cell in words, with idle-but-allocated called out", () => {
    render(<HeatGrid rows={rows} />);
    expect(screen.getByLabelText("node1/gpu0: 97 % busy; job 7 (ada)")).toBeTruthy();
    expect(screen.getByLabelText("node1/gpu1: 0 % busy, allocated but idle; job 7 (ada)")).toBeTruthy();
    expect(screen.getByLabelText("node1/gpu2: 0 % busy; no job")).toBeTruthy();
    expect(screen.getByLabelText(/node2\/gpu0: stale, exporter last seen 2 min ago/)).toBeTruthy();
  });
  it("moves focus with the arrow keys and describes the focused GPU", () => {
    render(<HeatGrid rows={rows} />);
    const first = document.querySelector<HTMLElement>('[data-cell="0"]')!;
    expect(first.tabIndex).toBe(0);
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowRight" });
    expect(document.activeElement?.getAttribute("data-cell")).toBe("1");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("data-cell")).toBe("3");
    expect(screen.getByTestId("heat-detail").textContent).toMatch(/node2\/gpu0: stale/);
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    expect(document.activeElement?.getAttribute("data-cell")).toBe("0");
  });
  it("links each cell to its GPU page, keeping the time range", () => {
    window.history.replaceState(null, "", "/nodes?from=now-6h");
    render(<HeatGrid rows={rows} />);
    const a = screen.getByLabelText("node1/gpu0: 97 % busy; job 7 (ada)");
    expect(a.getAttribute("href")).toBe("/nodes/node1?from=now-6h&gpu=0");
  });
  it("describes a lost GPU", () => {
    expect(describeCell({ host: "n", index: 1, jobs: [], allocated: false, status: "lost" }, 0)).toBe("n/gpu1: GPU lost (the driver cannot read it); no job");
  });
});
