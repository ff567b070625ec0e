// One node: its Slurm state and allocation, every GPU as a card, and history charts with a
// shared cursor. `?gpu=N` narrows the page to one GPU (the GPU detail view).
import { useCallback, useMemo } from "react";
import { useJobs, useNodeGpus, useNodeHistory, useNodes } from "../api/queries";
import type { Labels } from "../api/prom";
import { Link, useLocation, useSetParams, useTimeParams } from "../app/router";
import { GpuCard } from "../components/GpuCard";
import { TimeChart } from "../components/TimeChart";
import { Badge, Empty, ErrorNote, Loading, Panel, StateBadge, ClockIcon } from "../components/ui";
import { formatAgo, formatCelsius, formatInt, formatMHz, formatPercent, formatSlurmMem, formatWatts, NA } from "../lib/format";
import { rangeDisplay } from "../lib/time";

const gib = (v: number | undefined) => (v === undefined ? NA : `${v.toFixed(v >= 10 ? 0 : 1)} GiB`);

export default function NodeDetail({ node }: { node: string }) {
  const { search } = useLocation();
  const set = useSetParams();
  const { from, to } = useTimeParams();
  const gpuParam = search.get("gpu");
  const selected = gpuParam !== null && /^\d+$/.test(gpuParam) ? Number(gpuParam) : undefined;
  const { nodes, updatedAt } = useNodes();
  const row = nodes.find((n) => n.name === node);
  const stale = row?.exporter.stale ?? false;
  const nowMs = updatedAt || Date.now();
  // A silent exporter has no current series: show its last values, at the time it was last seen.
  const atMs = stale && row?.exporter.lastSeenMs ? row.exporter.lastSeenMs : undefined;
  const { gpus, isLoading, error } = useNodeGpus(node, atMs);
  const { jobs } = useJobs();
  const users = useMemo(() => Object.fromEntries(jobs.map((j) => [j.id, j.user])), [jobs]);
  const shown = selected === undefined ? gpus : gpus.filter((g) => g.index === selected);
  const staleSince = stale ? formatAgo(row?.exporter.lastSeenMs, nowMs) : undefined;

  const opts = { gpu: selected };
  const util = useNodeHistory("DCGM_FI_DEV_GPU_UTIL", node, opts);
  const mem = useNodeHistory("DCGM_FI_DEV_FB_USED", node, { ...opts, scale: "/ 1024" });
  const temp = useNodeHistory("DCGM_FI_DEV_GPU_TEMP", node, opts);
  const power = useNodeHistory("DCGM_FI_DEV_POWER_USAGE", node, opts);
  const sm = useNodeHistory("DCGM_FI_DEV_SM_CLOCK", node, { ...opts, enabled: selected !== undefined });
  const label = useCallback((m: Labels) => `gpu${m.gpu ?? "?"}`, []);
  const colorOf = useCallback((m: Labels) => Number(m.gpu ?? 0), []);

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link to="/nodes" className="hover:underline">
          Nodes
        </Link>{" "}
        / <span className="text-fg">{node}</span>
        {selected !== undefined && <span className="text-fg"> / gpu{selected}</span>}
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="m-0 text-lg font-semibold">
          {node}
          {selected !== undefined && `/gpu${selected}`}
        </h1>
        <StateBadge state={row?.state} />
        {row?.partitions.length ? <span className="text-sm text-muted">partitions {row.partitions.join(", ")}</span> : null}
        {stale ? (
          <Badge tone="crit" icon={<ClockIcon />}>
            exporter silent · last seen {staleSince}
          </Badge>
        ) : row?.exporter.instance ? (
          <Badge tone="ok">exporter up</Badge>
        ) : null}
      </div>
      {row && (
        <dl className="m-0 flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div>
            <dt className="inline text-muted">CPUs </dt>
            <dd className="inline">{formatInt(row.cpuAlloc)} / {formatInt(row.cpuTotal)} allocated</dd>
          </div>
          <div>
            <dt className="inline text-muted">Memory </dt>
            <dd className="inline">{formatSlurmMem(row.memAllocMb)} / {formatSlurmMem(row.memTotalMb)} allocated</dd>
          </div>
          <div>
            <dt className="inline text-muted">GPUs </dt>
            <dd className="inline">{formatInt(row.gpusAlloc)} / {formatInt(row.gpus)} allocated</dd>
          </div>
        </dl>
      )}
      <div role="group" aria-label="Show GPUs" className="flex flex-wrap gap-1">
        {[undefined, ...gpus.map((g) => g.index)].map((i) => {
          const active = selected === i;
          return (
            <button
              key={i ?? "all"}
              type="button"
              aria-pressed={active}
              onClick={() => set({ gpu: i === undefined ? null : String(i) })}
              className={`rounded border px-2 py-0.5 text-sm ${active ? "border-ok bg-[var(--ok-bg)] font-semibold text-ok" : "border-line bg-surface text-muted hover:text-fg"}`}
            >
              {i === undefined ? "All GPUs" : `gpu${i}`}
            </button>
          );
        })}
      </div>
      <ErrorNote error={error} what={`GPUs of ${node}`} />
      {isLoading ? (
        <Loading what="GPUs" />
      ) : shown.length === 0 ? (
        <Empty>{stale ? `No data from ${node}'s exporter since ${staleSince}.` : `No GPU series with Hostname="${node}".`}</Empty>
      ) : (
        <div className="grid gap-3" style={{ gridTemplateColumns: "repeat(auto-fill, minmax(20rem, 1fr))" }}>
          {shown.map((g) => (
            <GpuCard key={g.key} gpu={g} users={users} staleSince={staleSince} selected={selected === g.index && gpus.length > 1} />
          ))}
        </div>
      )}
      <h2 className="m-0 pt-2 text-base font-semibold">History · {rangeDisplay({ from, to }, Date.now())}</h2>
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel>
          <TimeChart title="Utilization" result={util.data} labelOf={label} colorIndexOf={colorOf} format={formatPercent} yMin={0} yMax={100} syncKey={`node-${node}`} />
        </Panel>
        <Panel>
          <TimeChart title="Memory used" result={mem.data} labelOf={label} colorIndexOf={colorOf} format={gib} yMin={0} syncKey={`node-${node}`} />
        </Panel>
        <Panel>
          <TimeChart title="Temperature" result={temp.data} labelOf={label} colorIndexOf={colorOf} format={formatCelsius} syncKey={`node-${node}`} />
        </Panel>
        <Panel>
          <TimeChart title="Power draw" result={power.data} labelOf={label} colorIndexOf={colorOf} format={formatWatts} yMin={0} syncKey={`node-${node}`} />
        </Panel>
        {selected !== undefined && (
          <Panel>
            <TimeChart title="SM clock" result={sm.data} labelOf={label} colorIndexOf={colorOf} format={formatMHz} yMin={0} syncKey={`node-${node}`} />
          </Panel>
        )}
      </div>
    </div>
  );
}
