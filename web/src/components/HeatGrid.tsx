// Every GPU of the cluster in one compact grid: a row per node, a cell per GPU with its
// utilization (number + shade), whether a job holds it (solid border) or not (dashed), and the
// waste signal "allocated but idle" (▲). Built to read at 256+ GPUs. Arrow keys move between
// cells; the focused or hovered cell is described in full below the grid.
import { useState, type KeyboardEvent } from "react";
import { Link, useLocation, withGlobals } from "../app/router";
import { useIsDark } from "../app/theme";
import { formatAgo, formatPercent } from "../lib/format";
import { textOn, utilColor } from "../lib/heat";
import type { HeatCell, HeatRow } from "../model/nodes";
import { StateBadge, PauseIcon } from "./ui";

export const IDLE_PCT = 5;

export function describeCell(c: HeatCell, nowMs: number): string {
  const name = `${c.host}/gpu${c.index}${c.model ? ` (${c.model.replace(/^NVIDIA\s+/, "")})` : ""}`;
  const jobs = c.jobs.length ? `job ${c.jobs.map((j) => (j.user ? `${j.id} (${j.user})` : j.id)).join(", ")}` : "no job";
  switch (c.status) {
    case "stale":
      return `${name}: stale, exporter last seen ${formatAgo(c.lastSeenMs, nowMs)}; ${jobs}`;
    case "lost":
      return `${name}: GPU lost (the driver cannot read it); ${jobs}`;
    case "nodata":
      return `${name}: no utilization data; ${jobs}`;
    default: {
      const idle = c.allocated && c.util !== undefined && c.util < IDLE_PCT ? ", allocated but idle" : "";
      return `${name}: ${formatPercent(c.util)} busy${idle}; ${jobs}`;
    }
  }
}

function Cell({ c, dark, flat, onFocus }: { c: HeatCell; dark: boolean; flat: number; onFocus: (c: HeatCell) => void }) {
  const { search } = useLocation();
  const nowMs = Date.now();
  let bg = "var(--surface-2)";
  let fg = "var(--text-muted)";
  let text = "–";
  let extra = "";
  if (c.status === "ok" && c.util !== undefined) {
    bg = utilColor(c.util, dark);
    fg = textOn(bg);
    text = String(Math.round(c.util));
  } else if (c.status === "stale") {
    text = "?";
    extra = "stale-hatch";
  } else if (c.status === "lost") {
    bg = "var(--crit-bg)";
    fg = "var(--crit)";
    text = "✕";
  }
  const idleAlloc = c.status === "ok" && c.allocated && c.util !== undefined && c.util < IDLE_PCT;
  const border = c.allocated ? "border-solid border-fg/70" : "border-dashed border-muted/70";
  return (
    <a
      href={withGlobals(`/nodes/${encodeURIComponent(c.host)}`, search, { gpu: String(c.index) })}
      data-cell={flat}
      tabIndex={flat === 0 ? 0 : -1}
      aria-label={describeCell(c, nowMs)}
      title={describeCell(c, nowMs)}
      onFocus={() => onFocus(c)}
      onMouseEnter={() => onFocus(c)}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        window.history.pushState(null, "", e.currentTarget.getAttribute("href")!);
        window.dispatchEvent(new Event("gw:navigate"));
      }}
      className={`relative flex h-6 w-8 items-center justify-center rounded-sm border text-[11px] font-semibold tabular-nums ${border} ${extra}`}
      style={{ background: extra ? undefined : bg, color: fg }}
    >
      {text}
      {idleAlloc && (
        <span aria-hidden="true" className="absolute -right-1 -top-1.5 text-[10px] leading-none text-warn">
          ▲
        </span>
      )}
    </a>
  );
}

export function HeatGrid({ rows }: { rows: HeatRow[] }) {
  const dark = useIsDark();
  const [active, setActive] = useState<HeatCell | null>(null);
  // Flat index of the first cell of each row, for arrow-key movement.
  const starts: number[] = [];
  let total = 0;
  for (const r of rows) {
    starts.push(total);
    total += r.cells.length;
  }
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>("[data-cell]");
    if (!el) return;
    const cur = Number(el.dataset.cell);
    let row = starts.findIndex((s, i) => cur >= s && (i === starts.length - 1 || cur < starts[i + 1]!));
    const col = cur - starts[row]!;
    let next = cur;
    if (e.key === "ArrowRight") next = Math.min(total - 1, cur + 1);
    else if (e.key === "ArrowLeft") next = Math.max(0, cur - 1);
    else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      row = Math.max(0, Math.min(rows.length - 1, row + (e.key === "ArrowDown" ? 1 : -1)));
      next = starts[row]! + Math.min(col, rows[row]!.cells.length - 1);
    } else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = total - 1;
    else return;
    e.preventDefault();
    const target = e.currentTarget.querySelector<HTMLElement>(`[data-cell="${next}"]`);
    if (target) {
      el.tabIndex = -1;
      target.tabIndex = 0;
      target.focus();
    }
  };
  let flat = 0;
  return (
    <div>
      <div
        className="grid gap-x-6 gap-y-1"
        style={{ gridTemplateColumns: "repeat(auto-fill, minmax(22rem, 1fr))" }}
        onKeyDown={onKey}
        aria-label="GPU heat grid: arrow keys move between GPUs, Enter opens one"
        role="group"
        data-testid="heat-grid"
      >
        {rows.map((r) => (
          <div key={r.node.name} className="flex items-center gap-2 py-0.5">
            <Link
              to={`/nodes/${encodeURIComponent(r.node.name)}`}
              tabIndex={-1}
              className={`w-20 shrink-0 truncate text-xs font-medium hover:underline ${r.node.exporter.stale ? "text-muted" : ""}`}
              title={r.node.state?.raw ?? r.node.name}
            >
              {r.node.state && (r.node.state.tone === "crit" || r.node.state.drain || r.node.state.maint) && (
                <span aria-hidden="true" className={r.node.state.tone === "crit" ? "text-crit" : "text-drain"}>
                  {r.node.state.tone === "crit" ? "✕ " : <PauseIcon />}
                </span>
              )}
              {r.node.name}
            </Link>
            <div className="flex flex-wrap gap-1">
              {r.cells.map((c) => (
                <Cell key={c.index} c={c} dark={dark} flat={flat++} onFocus={setActive} />
              ))}
            </div>
          </div>
        ))}
      </div>
      <div className="mt-3 min-h-10 rounded border border-line bg-surface-2 px-3 py-2 text-sm" aria-live="polite" data-testid="heat-detail">
        {active ? (
          <HoverDetail cell={active} rows={rows} />
        ) : (
          <span className="text-muted">Hover or focus a GPU for details; Enter or click opens it.</span>
        )}
      </div>
      <HeatLegend dark={dark} />
    </div>
  );
}

function HoverDetail({ cell, rows }: { cell: HeatCell; rows: HeatRow[] }) {
  const node = rows.find((r) => r.node.name === cell.host)?.node;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span>{describeCell(cell, Date.now())}</span>
      {node && <StateBadge state={node.state} />}
    </span>
  );
}

function HeatLegend({ dark }: { dark: boolean }) {
  const steps = [0, 25, 50, 75, 100];
  return (
    <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted" aria-label="Legend">
      <span className="flex items-center gap-1">
        Utilization
        {steps.map((s) => {
          const bg = utilColor(s, dark);
          return (
            <span key={s} className="inline-flex h-4 w-7 items-center justify-center rounded-sm text-[10px]" style={{ background: bg, color: textOn(bg) }}>
              {s}
            </span>
          );
        })}
        %
      </span>
      <span className="flex items-center gap-1">
        <span className="inline-block h-4 w-5 rounded-sm border border-solid border-fg/70" /> job holds it
      </span>
      <span className="flex items-center gap-1">
        <span className="inline-block h-4 w-5 rounded-sm border border-dashed border-muted/70" /> free
      </span>
      <span className="flex items-center gap-1">
        <span className="text-warn">▲</span> allocated but idle (&lt; {IDLE_PCT} %)
      </span>
      <span className="flex items-center gap-1">
        <span className="stale-hatch inline-flex h-4 w-5 items-center justify-center rounded-sm">?</span> stale
      </span>
      <span className="flex items-center gap-1">
        <span className="text-crit">✕</span> GPU lost
      </span>
      <span className="flex items-center gap-1">– no data</span>
    </div>
  );
}
