// Alerts: firing and pending now (/api/v1/alerts), recent ones from the ALERTS series over the
// range, and the alerting rules with their health.
import { useMemo } from "react";
import { useAlerts, useRangeQuery, useRules } from "../api/hooks";
import type { Alert } from "../api/prom";
import { Link, useTimeParams } from "../app/router";
import { Badge, Empty, ErrorNote, Loading, Panel } from "../components/ui";
import { formatAgo, formatDateTime } from "../lib/format";
import { rangeDisplay } from "../lib/time";

/** Identity of an alert across /alerts and the ALERTS series: labels, sorted, minus state. */
export function alertKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== "alertstate" && k !== "__name__")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",");
}

const HIDDEN = new Set(["alertname", "alertstate", "__name__", "severity"]);

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/** Link to the thing an alert is about: a GPU, a node or a job. */
function Target({ labels }: { labels: Record<string, string> }) {
  const host = labels.Hostname ?? labels.node;
  if (host && labels.gpu !== undefined) return <Link to={`/nodes/${encodeURIComponent(host)}?gpu=${labels.gpu}`} className="text-ok hover:underline">{host}/gpu{labels.gpu}</Link>;
  if (host) return <Link to={`/nodes/${encodeURIComponent(host)}`} className="text-ok hover:underline">{host}</Link>;
  const job = labels.job_id ?? labels.hpc_job;
  if (job) return <Link to={`/jobs/${encodeURIComponent(job)}`} className="text-ok hover:underline">job {job}</Link>;
  return null;
}

function severityTone(a: { labels: Record<string, string>; state: string }) {
  if (a.state === "pending") return "warn" as const;
  const s = (a.labels.severity ?? "").toLowerCase();
  if (s === "warning" || s === "warn") return "warn" as const;
  if (s === "info") return "info" as const;
  return "crit" as const;
}

export default function Alerts() {
  const alerts = useAlerts();
  const rules = useRules();
  const { from, to } = useTimeParams();
  const shown = rangeDisplay({ from, to }, Date.now());
  const history = useRangeQuery('ALERTS{alertstate="firing"}', { points: 200 });
  const now = Date.now();
  const active = useMemo(() => {
    const order = { firing: 0, pending: 1 } as Record<string, number>;
    return [...(alerts.data ?? [])].sort((a, b) => (order[a.state] ?? 2) - (order[b.state] ?? 2) || (a.activeAt ?? "").localeCompare(b.activeAt ?? ""));
  }, [alerts.data]);
  const activeKeys = new Set(active.filter((a) => a.state === "firing").map((a) => alertKey(a.labels)));
  const recent = useMemo(() => {
    return (history.data?.series ?? [])
      .map((s) => {
        const pts = s.ts.filter((_t, i) => s.values[i] === 1);
        const { __name__: _n, ...labels } = s.metric;
        return { labels, first: pts[0], last: pts[pts.length - 1] };
      })
      .filter((r) => r.last !== undefined)
      .sort((a, b) => b.last! - a.last!);
  }, [history.data]);
  const alertingRules = (rules.data ?? []).flatMap((g) => g.rules.filter((r) => r.type === "alerting").map((r) => ({ ...r, group: g.name })));

  return (
    <div className="space-y-4">
      <h1 className="m-0 text-lg font-semibold">Alerts</h1>
      <ErrorNote error={alerts.error} what="alerts" />
      <Panel title={`Active · ${active.filter((a) => a.state === "firing").length} firing, ${active.filter((a) => a.state === "pending").length} pending`} id="active">
        {alerts.isLoading ? (
          <Loading what="alerts" />
        ) : active.length === 0 ? (
          <Empty>
            <span aria-hidden="true">● </span>No alert is firing or pending.
            {alertingRules.length === 0 && rules.data && " (The hub has no alerting rules: add rule_files to its config.)"}
          </Empty>
        ) : (
          <ul className="m-0 list-none divide-y divide-line p-0" data-testid="active-alerts">
            {active.map((a: Alert, i) => (
              <li key={i} className="flex flex-wrap items-start gap-x-3 gap-y-1 py-2">
                <Badge tone={severityTone(a)}>{a.state}</Badge>
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-baseline gap-2">
                    <span className="font-semibold">{a.labels.alertname}</span>
                    {a.labels.severity && <span className="text-xs text-muted">{a.labels.severity}</span>}
                    <Target labels={a.labels} />
                  </div>
                  {(a.annotations.summary || a.annotations.description) && <p className="m-0 text-sm">{a.annotations.summary ?? a.annotations.description}</p>}
                  <p className="m-0 text-xs text-muted">{labelText(a.labels)}</p>
                </div>
                <div className="text-right text-xs text-muted">
                  {a.activeAt && (
                    <>
                      since {formatDateTime(Date.parse(a.activeAt))}
                      <br />({formatAgo(Date.parse(a.activeAt), now)})
                    </>
                  )}
                  {a.value && <div>value {Number(a.value).toPrecision(4)}</div>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel title={to === "now" && from.startsWith("now") ? `Fired in the ${shown.toLowerCase()}` : `Fired · ${shown}`} id="recent">
        <ErrorNote error={history.error} what="alert history" />
        {recent.length === 0 ? (
          <Empty>No alert fired in this range.</Empty>
        ) : (
          <table className="w-full border-collapse text-sm" data-testid="recent-alerts">
            <thead className="border-b border-line text-xs text-muted">
              <tr>
                {["Alert", "About", "Labels", "First seen", "Last seen", "Now"].map((h) => (
                  <th key={h} scope="col" className="px-2 py-2 text-left font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {recent.map((r, i) => {
                const still = activeKeys.has(alertKey(r.labels));
                return (
                  <tr key={i} className="border-b border-line/60">
                    <td className="px-2 py-1.5 font-medium">{r.labels.alertname}</td>
                    <td className="px-2 py-1.5"><Target labels={r.labels} /></td>
                    <td className="px-2 py-1.5 text-xs text-muted">{labelText(r.labels)}</td>
                    <td className="px-2 py-1.5 whitespace-nowrap">{formatDateTime(r.first! * 1000)}</td>
                    <td className="px-2 py-1.5 whitespace-nowrap">{formatDateTime(r.last! * 1000)}</td>
                    <td className="px-2 py-1.5">{still ? <Badge tone="crit">firing</Badge> : <Badge tone="muted" icon="✓">resolved</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title={`Alerting rules · ${alertingRules.length}`} id="rules">
        <ErrorNote error={rules.error} what="rules" />
        {alertingRules.length === 0 ? (
          <Empty>No alerting rules loaded.</Empty>
        ) : (
          <table className="w-full border-collapse text-sm">
            <thead className="border-b border-line text-xs text-muted">
              <tr>
                {["Rule", "Group", "State", "Health", "For", "Expression"].map((h) => (
                  <th key={h} scope="col" className="px-2 py-2 text-left font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {alertingRules.map((r) => (
                <tr key={`${r.group}/${r.name}`} className="border-b border-line/60 align-top">
                  <td className="px-2 py-1.5 font-medium">{r.name}</td>
                  <td className="px-2 py-1.5 text-muted">{r.group}</td>
                  <td className="px-2 py-1.5">
                    <Badge tone={r.state === "firing" ? "crit" : r.state === "pending" ? "warn" : "muted"} icon={r.state === "inactive" ? "✓" : undefined}>
                      {r.state ?? "—"}
                    </Badge>
                  </td>
                  <td className="px-2 py-1.5">
                    {r.health === "ok" ? <Badge tone="ok">ok</Badge> : <Badge tone="crit" title={r.lastError}>{r.health ?? "unknown"}</Badge>}
                  </td>
                  <td className="px-2 py-1.5">{r.duration ? `${r.duration} s` : "—"}</td>
                  <td className="px-2 py-1.5"><code className="text-xs break-all">{r.query}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
