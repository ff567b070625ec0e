// Running jobs with the GPUs they hold and each GPU's utilization now.
import { useMemo } from "react";
import { useJobs } from "../api/queries";
import { Link, useLocation, useSetParams } from "../app/router";
import { Empty, ErrorNote, Loading, Panel } from "../components/ui";
import { IDLE_PCT } from "../components/HeatGrid";
import { formatDuration, formatInt, formatPercent } from "../lib/format";
import { meanUtil, type Job } from "../model/jobs";

export function jobMatches(j: Job, q: string): boolean {
  if (!q) return true;
  const hay = [j.id, j.user ?? "", j.account ?? "", j.partition ?? "", j.nodes ?? ""].join(" ").toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((t) => hay.includes(t));
}

export default function Jobs() {
  const { jobs, isLoading, error } = useJobs();
  const { search } = useLocation();
  const set = useSetParams();
  const q = search.get("q") ?? "";
  const rows = useMemo(() => jobs.filter((j) => jobMatches(j, q)), [jobs, q]);
  const now = Date.now();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="m-0 text-lg font-semibold">Running jobs</h1>
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted">Filter</span>
          <input
            type="search"
            value={q}
            onChange={(e) => set({ q: e.target.value || null }, { replace: true })}
            placeholder="job, user, account, partition, node"
            className="h-8 w-72 rounded border border-line bg-surface px-2 text-sm"
          />
        </label>
      </div>
      <ErrorNote error={error} what="jobs" />
      <Panel title={`${rows.length} running${q ? ` of ${jobs.length}` : ""}`}>
        {isLoading ? (
          <Loading what="jobs" />
        ) : rows.length === 0 ? (
          <Empty>{jobs.length ? "No job matches." : "No running job (or no Slurm data)."}</Empty>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-sm" data-testid="job-table">
              <thead className="border-b border-line text-xs text-muted">
                <tr>
                  {["Job", "User", "Account", "Partition", "Nodes", "CPUs", "Running for", "GPUs (utilization now)", "Mean"].map((h) => (
                    <th key={h} scope="col" className="px-2 py-2 text-left font-medium">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((j) => {
                  const mean = meanUtil(j.gpus);
                  return (
                    <tr key={j.id} className="border-b border-line/60 align-top">
                      <th scope="row" className="px-2 py-1.5 text-left font-medium">
                        <Link to={`/jobs/${encodeURIComponent(j.id)}`} className="text-ok hover:underline">
                          {j.id}
                        </Link>
                      </th>
                      <td className="px-2 py-1.5">{j.user ?? "—"}</td>
                      <td className="px-2 py-1.5">{j.account ?? "—"}</td>
                      <td className="px-2 py-1.5">{j.partition ?? "—"}</td>
                      <td className="px-2 py-1.5">{j.nodes ?? "—"}</td>
                      <td className="px-2 py-1.5 tabular-nums">{formatInt(j.cpus)}</td>
                      <td className="px-2 py-1.5 whitespace-nowrap">{j.startMs ? formatDuration((now - j.startMs) / 1000) : "—"}</td>
                      <td className="px-2 py-1.5">
                        {j.gpus.length === 0 ? (
                          <span className="text-muted">none</span>
                        ) : (
                          <span className="flex flex-wrap gap-1">
                            {j.gpus.map((g) => {
                              const idle = g.util !== undefined && g.util < IDLE_PCT;
                              return (
                                <Link
                                  key={`${g.host}/${g.index}`}
                                  to={`/nodes/${encodeURIComponent(g.host)}?gpu=${g.index}`}
                                  className={`rounded border px-1.5 text-xs tabular-nums hover:underline ${idle ? "border-warn/60 bg-[var(--warn-bg)] text-warn" : "border-line bg-surface-2"}`}
                                  title={idle ? "allocated but idle" : undefined}
                                >
                                  {idle && <span aria-hidden="true">▲ </span>}
                                  {g.host}/gpu{g.index} {g.util === undefined ? "N/A" : formatPercent(g.util)}
                                  {idle && <span className="sr-only"> (idle)</span>}
                                </Link>
                              );
                            })}
                          </span>
                        )}
                      </td>
                      <td className="px-2 py-1.5 tabular-nums">{formatPercent(mean)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}
