// One job: who, where, its GPUs now, their history over the job's lifetime (start to now, as
// Open OnDemand links it), and plain-language findings ("GPU 2 of 4 idle for 3 h").
import { useCallback, useMemo } from "react";
import { useInstantQuery, useRangeQuery } from "../api/hooks";
import { promString, useJobs } from "../api/queries";
import type { Labels } from "../api/prom";
import { Link, useTimeParams } from "../app/router";
import { TimeChart } from "../components/TimeChart";
import { Badge, Empty, ErrorNote, Panel } from "../components/ui";
import { formatDateTime, formatDuration, formatInt, formatPercent, formatWatts, NA } from "../lib/format";
import { jobFindings, type GpuHistory } from "../model/findings";
import { alignSeries } from "../components/chart-data";

const MAX_RANGE_MS = 7 * 86_400_000;
const gib = (v: number | undefined) => (v === undefined ? NA : `${v.toFixed(v >= 10 ? 0 : 1)} GiB`);

export default function JobDetail({ id }: { id: string }) {
  const { jobs, isLoading } = useJobs();
  const job = jobs.find((j) => j.id === id);
  const params = useTimeParams();
  const now = Date.now();
  // The job's lifetime, unless the URL names a range explicitly.
  const explicit = new URLSearchParams(window.location.search).has("from");
  const from = !explicit && job?.startMs ? String(Math.max(Math.floor(job.startMs), now - MAX_RANGE_MS)) : params.from;
  const sel = `{hpc_job=${promString(id)}}`;
  const util = useRangeQuery(`max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL${sel})`, { from, to: params.to });
  const mem = useRangeQuery(`max by (Hostname, gpu) (DCGM_FI_DEV_FB_USED${sel}) / 1024`, { from, to: params.to });
  const power = useRangeQuery(`max by (Hostname, gpu) (DCGM_FI_DEV_POWER_USAGE${sel})`, { from, to: params.to });
  const total = useInstantQuery(`max by (Hostname, gpu) (DCGM_FI_DEV_FB_TOTAL${sel})`);
  const label = useCallback((m: Labels) => `${m.Hostname ?? "?"}/gpu${m.gpu ?? "?"}`, []);

  const findings = useMemo(() => {
    if (!util.data) return [];
    const aligned = alignSeries(util.data);
    const memAligned = alignSeries(mem.data);
    const memMax = new Map<string, number>();
    (mem.data?.series ?? []).forEach((s, i) => {
      const vals = (memAligned[i + 1] ?? []).filter((v): v is number => v !== null);
      // The chart's series are in GiB; findings compare MiB with FB_TOTAL.
      if (vals.length) memMax.set(label(s.metric), Math.max(...vals) * 1024);
    });
    const totals = new Map((total.data ?? []).map((s) => [label(s.metric), s.v]));
    const histories: GpuHistory[] = util.data.series.map((s, i) => ({
      label: label(s.metric),
      ts: aligned[0] as number[],
      util: aligned[i + 1] ?? [],
      memMaxMib: memMax.get(label(s.metric)),
      memTotalMib: totals.get(label(s.metric)),
    }));
    // GPUs Slurm says the job holds but that never reported under this job: no data, not idle.
    for (const g of job?.gpus ?? []) {
      const l = `${g.host}/gpu${g.index}`;
      if (!histories.some((h) => h.label === l)) histories.push({ label: l, ts: [], util: [] });
    }
    return jobFindings(histories, job?.startMs ? job.startMs / 1000 : undefined, util.data.endMs / 1000);
  }, [util.data, mem.data, total.data, job, label]);

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link to="/jobs" className="hover:underline">
          Jobs
        </Link>{" "}
        / <span className="text-fg">{id}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="m-0 text-lg font-semibold">Job {id}</h1>
        {job ? <Badge tone="ok">running</Badge> : !isLoading && <Badge tone="muted">not running</Badge>}
      </div>
      {job ? (
        <dl className="m-0 grid grid-cols-2 gap-x-6 gap-y-2 text-sm md:grid-cols-4 xl:grid-cols-8">
          {[
            ["User", job.user ?? "—"],
            ["Account", job.account ?? "—"],
            ["Partition", job.partition ?? "—"],
            ["Nodes", job.nodes ?? "—"],
            ["CPUs", formatInt(job.cpus)],
            ["GPUs", formatInt(job.gpuCount ?? job.gpus.length)],
            ["Started", job.startMs ? formatDateTime(job.startMs) : "—"],
            ["Running for", job.startMs ? formatDuration((now - job.startMs) / 1000) : "—"],
          ].map(([k, v]) => (
            <div key={k}>
              <dt className="text-xs text-muted">{k}</dt>
              <dd className="m-0">{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        !isLoading && <Empty>Slurm does not list job {id} as running; the charts show what the GPUs reported under this job in the selected range.</Empty>
      )}
      <Panel title="Findings" id="findings">
        <ErrorNote error={util.error} what="utilization history" />
        {findings.length === 0 ? (
          <p className="text-sm text-muted">Loading…</p>
        ) : (
          <ul className="m-0 list-none space-y-1 p-0" data-testid="findings">
            {findings.map((f) => (
              <li key={f.text} className="flex items-start gap-2 text-sm">
                <Badge tone={f.severity === "crit" ? "crit" : f.severity === "warn" ? "warn" : "info"}>{f.severity === "info" ? "note" : f.severity === "crit" ? "waste" : "check"}</Badge>
                <span>{f.text}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      {job && job.gpus.length > 0 && (
        <Panel title="GPUs now">
          <ul className="m-0 flex list-none flex-wrap gap-2 p-0">
            {job.gpus.map((g) => (
              <li key={`${g.host}/${g.index}`}>
                <Link to={`/nodes/${encodeURIComponent(g.host)}?gpu=${g.index}`} className="inline-flex gap-2 rounded border border-line bg-surface-2 px-2 py-1 text-sm hover:underline">
                  <span>
                    {g.host}/gpu{g.index}
                    {g.model ? ` (${g.model.replace(/^NVIDIA\s+/, "")})` : ""}
                  </span>
                  <span className="font-semibold tabular-nums">{formatPercent(g.util)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </Panel>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel>
          <TimeChart title="GPU utilization (this job)" result={util.data} labelOf={label} format={formatPercent} yMin={0} yMax={100} syncKey={`job-${id}`} />
        </Panel>
        <Panel>
          <TimeChart title="GPU memory used (this job)" result={mem.data} labelOf={label} format={gib} yMin={0} syncKey={`job-${id}`} />
        </Panel>
        <Panel>
          <TimeChart title="GPU power (this job)" result={power.data} labelOf={label} format={formatWatts} yMin={0} syncKey={`job-${id}`} />
        </Panel>
      </div>
    </div>
  );
}
