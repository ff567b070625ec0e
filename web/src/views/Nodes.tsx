// Nodes: the GPU heat grid (every GPU at a glance) and the node table with Slurm state badges,
// partitions and CPU / memory / GPU allocation. Filter and sort live in the URL.
import { useMemo } from "react";
import { useNodes } from "../api/queries";
import { Link, useLocation, useSetParams } from "../app/router";
import { HeatGrid } from "../components/HeatGrid";
import { Badge, Empty, ErrorNote, Loading, Meter, Panel, StateBadge, ClockIcon } from "../components/ui";
import { formatAgo, formatInt, formatPercent, formatSlurmMem } from "../lib/format";
import type { HeatRow, NodeRow } from "../model/nodes";
import { naturalCompare } from "../model/gpus";

type SortKey = "name" | "state" | "gpus" | "util";

function meanUtil(row: HeatRow | undefined): number | undefined {
  const vals = (row?.cells ?? []).filter((c) => c.status === "ok" && c.util !== undefined).map((c) => c.util!);
  return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : undefined;
}

export function matchesFilter(n: NodeRow, q: string): boolean {
  if (!q) return true;
  const hay = [n.name, n.state?.raw ?? "", n.state?.label ?? "", ...n.partitions].join(" ").toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((t) => hay.includes(t));
}

export default function Nodes() {
  const { nodes, heat, isLoading, error, updatedAt } = useNodes();
  const { search } = useLocation();
  const set = useSetParams();
  const q = search.get("q") ?? "";
  const sort = (search.get("sort") ?? "name") as SortKey;
  const desc = search.get("desc") === "1";
  const heatByNode = useMemo(() => new Map(heat.map((r) => [r.node.name, r])), [heat]);

  const rows = useMemo(() => {
    const list = nodes.filter((n) => matchesFilter(n, q));
    const key = (n: NodeRow): number | string => {
      switch (sort) {
        case "state":
          return n.state?.label ?? "";
        case "gpus":
          return n.gpusAlloc ?? -1;
        case "util":
          return meanUtil(heatByNode.get(n.name)) ?? -1;
        default:
          return n.name;
      }
    };
    list.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = typeof ka === "number" && typeof kb === "number" ? ka - kb : naturalCompare(String(ka), String(kb));
      return desc ? -c : c;
    });
    return list;
  }, [nodes, q, sort, desc, heatByNode]);
  const heatRows = useMemo(() => heat.filter((r) => matchesFilter(r.node, q)), [heat, q]);
  const gpuTotal = heatRows.reduce((a, r) => a + r.cells.length, 0);

  const header = (k: SortKey, label: string) => {
    const active = sort === k;
    return (
      <th scope="col" aria-sort={active ? (desc ? "descending" : "ascending") : "none"} className="px-2 py-2 text-left font-medium">
        <button type="button" className="inline-flex items-center gap-1 hover:underline" onClick={() => set({ sort: k === "name" ? null : k, desc: active && !desc ? "1" : null }, { replace: true })}>
          {label}
          <span aria-hidden="true" className="text-muted">
            {active ? (desc ? "▼" : "▲") : "↕"}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="m-0 text-lg font-semibold">Nodes</h1>
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted">Filter</span>
          <input
            type="search"
            value={q}
            onChange={(e) => set({ q: e.target.value || null }, { replace: true })}
            placeholder="name, state or partition"
            className="h-8 w-64 rounded border border-line bg-surface px-2 text-sm"
            data-testid="node-filter"
          />
        </label>
      </div>
      <ErrorNote error={error} what="nodes" />
      <Panel title={`GPUs · ${formatInt(gpuTotal)} on ${formatInt(heatRows.length)} nodes`} id="heat">
        {isLoading ? <Loading what="GPUs" /> : heatRows.length === 0 ? <Empty>No GPU reported and no GPU node in Slurm.</Empty> : <HeatGrid rows={heatRows} />}
      </Panel>
      <Panel title={`Nodes · ${rows.length}${q ? ` of ${nodes.length}` : ""}`} id="node-table">
        {isLoading ? (
          <Loading what="nodes" />
        ) : rows.length === 0 ? (
          <Empty>No node matches.</Empty>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-sm" data-testid="node-table">
              <thead className="border-b border-line text-xs text-muted">
                <tr>
                  {header("name", "Node")}
                  {header("state", "Slurm state")}
                  <th scope="col" className="px-2 py-2 text-left font-medium">Partitions</th>
                  <th scope="col" className="px-2 py-2 text-left font-medium">CPUs alloc / total</th>
                  <th scope="col" className="px-2 py-2 text-left font-medium">Memory alloc / total</th>
                  {header("gpus", "GPUs alloc / total")}
                  {header("util", "GPU util (mean)")}
                  <th scope="col" className="px-2 py-2 text-left font-medium">GPU exporter</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <NodeTableRow key={n.name} n={n} util={meanUtil(heatByNode.get(n.name))} nowMs={updatedAt || Date.now()} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}

function NodeTableRow({ n, util, nowMs }: { n: NodeRow; util: number | undefined; nowMs: number }) {
  const e = n.exporter;
  return (
    <tr className={`border-b border-line/60 ${e.stale ? "text-muted" : ""}`}>
      <th scope="row" className="px-2 py-1.5 text-left font-medium">
        <Link to={`/nodes/${encodeURIComponent(n.name)}`} className="text-ok hover:underline">
          {n.name}
        </Link>
      </th>
      <td className="px-2 py-1.5">
        <StateBadge state={n.state} />
      </td>
      <td className="px-2 py-1.5">{n.partitions.join(", ") || "—"}</td>
      <td className="px-2 py-1.5">
        <Meter fraction={n.cpuTotal ? (n.cpuAlloc ?? 0) / n.cpuTotal : undefined} label={`${formatInt(n.cpuAlloc)} / ${formatInt(n.cpuTotal)}`} />
      </td>
      <td className="px-2 py-1.5">
        <Meter fraction={n.memTotalMb ? (n.memAllocMb ?? 0) / n.memTotalMb : undefined} label={`${formatSlurmMem(n.memAllocMb)} / ${formatSlurmMem(n.memTotalMb)}`} />
      </td>
      <td className="px-2 py-1.5">
        <Meter fraction={n.gpus ? (n.gpusAlloc ?? 0) / n.gpus : undefined} label={`${formatInt(n.gpusAlloc)} / ${formatInt(n.gpus)}`} />
      </td>
      <td className="px-2 py-1.5 tabular-nums">{e.stale ? <Badge tone="muted" icon={<ClockIcon />}>stale</Badge> : formatPercent(util)}</td>
      <td className="px-2 py-1.5">
        {e.instance === undefined ? (
          <Badge tone="muted">none</Badge>
        ) : e.stale ? (
          <Badge tone="crit" icon={<ClockIcon />}>
            last seen {formatAgo(e.lastSeenMs, nowMs)}
          </Badge>
        ) : (
          <Badge tone="ok">up</Badge>
        )}
      </td>
    </tr>
  );
}
