// Cluster overview: free/total counts (the "can my N-GPU job start now?" question), jobs,
// cluster GPU load and power now and over the range, alerts firing, and the health of the data
// sources so a dead collector never looks like an idle cluster.
import { useCallback } from "react";
import { useAlerts, useInstantQuery, useRangeQuery } from "../api/hooks";
import { scalarOf } from "../api/prom";
import { Q, useClusterCounts } from "../api/queries";
import { Link, useTimeParams } from "../app/router";
import { TimeChart } from "../components/TimeChart";
import { Badge, ErrorNote, Panel, Stat, PauseIcon } from "../components/ui";
import { formatFreeOfTotal, formatInt, formatPercent, formatPowerTotal, NA } from "../lib/format";
import { rangeDisplay } from "../lib/time";

const pct = (v: number | undefined) => formatPercent(v);
const watts = (v: number | undefined) => formatPowerTotal(v);
const count = (v: number | undefined) => formatInt(v);

export default function Overview() {
  const counts = useClusterCounts();
  const g = counts.groups;
  const v = (n: string) => scalarOf(g, n);
  const util = useInstantQuery(Q.clusterUtil);
  const power = useInstantQuery(Q.clusterPower);
  const limit = useInstantQuery(Q.clusterPowerLimit);
  const reporting = useInstantQuery(Q.gpusReporting);
  const up = useInstantQuery(Q.up);
  const alerts = useAlerts();
  const { from, to } = useTimeParams();
  const rangeTitle = rangeDisplay({ from, to }, Date.now());

  const utilRange = useRangeQuery(Q.clusterUtil);
  const powerRange = useRangeQuery(Q.clusterPowerAndLimit);
  const gpuRange = useRangeQuery(Q.gpusAllocTotal);
  const jobRange = useRangeQuery(Q.queueRunningPending);

  const slurmUp = (up.data ?? []).filter((s) => s.metric.job === "slurm" || s.metric.instance?.endsWith(":9341"));
  const gpuTargets = (up.data ?? []).filter((s) => !slurmUp.includes(s));
  const gpuUp = gpuTargets.filter((s) => s.v === 1).length;
  const firing = (alerts.data ?? []).filter((a) => a.state === "firing");
  const slurmMissing = !counts.isLoading && g.size === 0;
  const down = (v("slurm_nodes_down") ?? 0) + (v("slurm_nodes_fail") ?? 0);
  const drain = (v("slurm_nodes_drain") ?? 0) + (v("slurm_nodes_maint") ?? 0);
  const notResp = v("slurm_nodes_not_responding") ?? 0;
  const usableNodes = (v("slurm_nodes_idle") ?? 0) + (v("slurm_nodes_mix") ?? 0);

  const clusterLabel = useCallback(() => "cluster", []);
  const powerLabel = useCallback((m: Record<string, string>) => (m.limit ? "limit (sum)" : "draw (sum)"), []);
  const nameLabel = useCallback((m: Record<string, string>) => (m.__name__ ?? "").replace(/^slurm_(gpus|queue)_/, ""), []);

  return (
    <div className="space-y-4">
      <h1 className="sr-only">Cluster overview</h1>
      <ErrorNote error={counts.error} what="Slurm counts" />
      {slurmMissing && (
        <div role="status" className="rounded border border-warn/60 bg-[var(--warn-bg)] px-3 py-2 text-sm text-warn">
          <span aria-hidden="true">▲ </span>No Slurm data: the Slurm exporter is not scraped or its commands fail. Counts below read N/A, not 0.
        </div>
      )}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
        <Stat
          testId="stat-gpus"
          label="GPUs free / total"
          value={formatFreeOfTotal(v("slurm_gpus_idle"), v("slurm_gpus_total"))}
          sub={`${count(v("slurm_gpus_alloc"))} allocated · ${count(v("slurm_gpus_other"))} unavailable`}
        />
        <Stat
          label="CPUs free / total"
          value={formatFreeOfTotal(v("slurm_cpus_idle"), v("slurm_cpus_total"))}
          sub={`${count(v("slurm_cpus_alloc"))} allocated · ${count(v("slurm_cpus_other"))} unavailable`}
        />
        <Stat
          label="Nodes usable / total"
          value={formatFreeOfTotal(g.size ? usableNodes : undefined, v("slurm_nodes_total"))}
          tone={down + notResp > 0 ? "crit" : drain > 0 ? "warn" : undefined}
          sub={
            g.size ? (
              <span className="flex flex-wrap gap-1">
                {down > 0 && <Badge tone="crit">{down} down</Badge>}
                {notResp > 0 && <Badge tone="crit">{notResp} not responding</Badge>}
                {drain > 0 && <Badge tone="warn" icon={<PauseIcon />}>{drain} drain/maint</Badge>}
                {down + drain + notResp === 0 && "all healthy"}
              </span>
            ) : (
              NA
            )
          }
        />
        <Stat label="Jobs running" value={count(v("slurm_queue_running"))} sub={<Link to="/jobs" className="hover:underline">see jobs</Link>} />
        <Stat label="Jobs pending" value={count(v("slurm_queue_pending"))} />
        <Stat label="GPU utilization now" value={pct(util.data?.[0]?.v)} sub={`mean over ${formatInt(reporting.data?.[0]?.v)} reporting GPUs`} />
        <Stat
          label="GPU power now"
          value={watts(power.data?.[0]?.v)}
          sub={`of ${watts(limit.data?.[0]?.v)} limit`}
        />
        <Stat
          testId="stat-alerts"
          label="Alerts firing"
          value={alerts.data ? String(firing.length) : NA}
          tone={firing.length > 0 ? "crit" : undefined}
          sub={<Link to="/alerts" className="hover:underline">{firing.length ? firing.slice(0, 2).map((a) => a.labels.alertname).join(", ") : "see alerts"}</Link>}
        />
      </div>

      <div className="flex flex-wrap items-center gap-2 text-xs text-muted" aria-label="Data sources">
        <span>Data sources:</span>
        <Badge tone={gpuTargets.length === 0 ? "muted" : gpuUp === gpuTargets.length ? "ok" : "crit"}>
          GPU exporters {gpuUp} / {gpuTargets.length} up
        </Badge>
        <Badge tone={slurmUp.length === 0 ? "muted" : slurmUp.every((s) => s.v === 1) ? "ok" : "crit"}>
          Slurm exporter {slurmUp.length === 0 ? "not configured" : slurmUp.every((s) => s.v === 1) ? "up" : "down"}
        </Badge>
        <span>· {formatInt(reporting.data?.[0]?.v)} GPUs reporting</span>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title={`Cluster GPU utilization · ${rangeTitle}`}>
          <TimeChart title="Mean GPU utilization" result={utilRange.data} labelOf={clusterLabel} format={pct} yMin={0} yMax={100} />
        </Panel>
        <Panel title={`Cluster GPU power · ${rangeTitle}`}>
          <TimeChart title="GPU power draw and limit" result={powerRange.data} labelOf={powerLabel} format={watts} yMin={0} />
        </Panel>
        <Panel title="GPUs allocated">
          <TimeChart title="GPUs allocated and total" result={gpuRange.data} labelOf={nameLabel} format={count} yMin={0} />
        </Panel>
        <Panel title="Jobs">
          <TimeChart title="Jobs running and pending" result={jobRange.data} labelOf={nameLabel} format={count} yMin={0} />
        </Panel>
      </div>
    </div>
  );
}
