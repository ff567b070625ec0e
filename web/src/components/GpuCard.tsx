// One GPU as a card: what nvtop's header shows, plus errors and the job holding it. Every value
// is shown with its ceiling (memory total, power limit, max clock, slowdown temperature).
import type { ReactNode } from "react";
import { Link } from "../app/router";
import {
  formatCelsius,
  formatInt,
  formatMemUsedTotal,
  formatMHz,
  formatPercent,
  formatPowerDrawLimit,
  isNum,
} from "../lib/format";
import { isHarmfulThrottle, throttleLabel } from "../lib/throttle";
import { gpuLabel, memTotalMib, memUsedMib, type Gpu, type GpuField } from "../model/gpus";
import { Badge, Meter, Value, ClockIcon } from "./ui";

export interface GpuCardProps {
  gpu: Gpu;
  /** Users by job id (from Slurm). */
  users?: Record<string, string | undefined>;
  /** Set when the node's exporter is silent: values are the last ones seen. */
  staleSince?: string;
  selected?: boolean;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3 border-t border-line/60 py-1 first:border-t-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="m-0 text-right text-sm tabular-nums">{children}</dd>
    </div>
  );
}

export function GpuCard({ gpu, users = {}, staleSince, selected }: GpuCardProps) {
  const v = gpu.values;
  const lost = v.up === 0;
  const missing = (f: GpuField): "unsupported" | "nodata" | "stale" | undefined => {
    if (staleSince) return "stale";
    if (v[f] !== undefined) return undefined;
    return lost ? "nodata" : "unsupported";
  };
  const val = (f: GpuField, text: string) => <Value text={text} missing={missing(f)} staleSince={staleSince} />;
  const used = memUsedMib(gpu);
  const total = memTotalMib(gpu);
  const tempTone = isNum(v.temp) && isNum(v.slowdownTemp) && v.temp >= v.slowdownTemp - 5 ? "crit" : "ok";
  const smPct = isNum(v.smClock) && isNum(v.maxSmClock) && v.maxSmClock > 0 ? (v.smClock / v.maxSmClock) * 100 : undefined;
  const xidTotal = gpu.xids.reduce((a, x) => a + x.count, 0);
  const dbe = (v.eccDbeVol ?? 0) + (v.remapFailure ?? 0);
  const harmful = gpu.throttle.filter(isHarmfulThrottle);

  // A stale card gets a dashed border, not reduced opacity: faded text would fall below 4.5:1.
  return (
    <article
      id={`gpu-${gpu.index}`}
      aria-label={gpuLabel(gpu.host, gpu.index, gpu.model)}
      className={`rounded-lg border bg-surface p-3 ${selected ? "border-ok ring-2 ring-ok/40" : "border-line"} ${staleSince ? "border-dashed" : ""}`}
      data-testid="gpu-card"
    >
      <header className="mb-2 flex flex-wrap items-start justify-between gap-2">
        <h3 className="m-0 text-sm font-semibold">
          <Link to={`/nodes/${encodeURIComponent(gpu.host)}?gpu=${gpu.index}`} className="hover:underline">
            {gpuLabel(gpu.host, gpu.index, gpu.model)}
          </Link>
        </h3>
        <div className="flex flex-wrap gap-1">
          {staleSince ? (
            <Badge tone="muted" icon={<ClockIcon />}>
              stale · last seen {staleSince}
            </Badge>
          ) : lost ? (
            <Badge tone="crit">GPU lost</Badge>
          ) : (
            <Badge tone="ok">up</Badge>
          )}
          {xidTotal > 0 && <Badge tone="crit">Xid ×{xidTotal}</Badge>}
          {harmful.length > 0 && <Badge tone="warn">throttled</Badge>}
        </div>
      </header>
      <dl className="m-0">
        <Row label="Utilization (busy %)">
          {missing("util") ? val("util", formatPercent(v.util)) : <Meter fraction={(v.util ?? 0) / 100} label={formatPercent(v.util)} />}
        </Row>
        <Row label="Memory used / total">
          {used === undefined && !staleSince ? (
            <Value text="" missing={lost ? "nodata" : "unsupported"} />
          ) : (
            <Meter fraction={used !== undefined && total ? used / total : undefined} label={formatMemUsedTotal(used, total)} />
          )}
        </Row>
        <Row label="Temperature">
          <span className={tempTone === "crit" && !staleSince ? "font-semibold text-crit" : ""}>
            {tempTone === "crit" && !staleSince && <span aria-hidden="true">▲ </span>}
            {val("temp", formatCelsius(v.temp))}
          </span>
          {isNum(v.slowdownTemp) && <span className="text-xs text-muted"> / slowdown {formatCelsius(v.slowdownTemp)}</span>}
          {isNum(v.memTemp) && <span className="block text-xs text-muted">memory {formatCelsius(v.memTemp)}</span>}
        </Row>
        <Row label="Power draw / limit">{val("power", formatPowerDrawLimit(v.power, v.powerLimit))}</Row>
        <Row label="SM clock">
          {val("smClock", formatMHz(v.smClock))}
          {smPct !== undefined && <span className="text-xs text-muted"> ({Math.round(smPct)} % of {formatMHz(v.maxSmClock)})</span>}
        </Row>
        <Row label="Memory clock">
          {val("memClock", formatMHz(v.memClock))}
          {isNum(v.maxMemClock) && <span className="text-xs text-muted"> / max {formatMHz(v.maxMemClock)}</span>}
        </Row>
        <Row label="Throttle reasons">
          {gpu.throttle.length === 0 ? (
            v.throttleMask === undefined && gpu.throttle.length === 0 && !staleSince ? (
              <Value text="" missing={lost ? "nodata" : "unsupported"} />
            ) : (
              <span className="text-muted">none</span>
            )
          ) : (
            <span className="flex flex-wrap justify-end gap-1">
              {gpu.throttle.map((r) => (
                <Badge key={r} tone={isHarmfulThrottle(r) ? "warn" : "muted"}>
                  {throttleLabel(r)}
                </Badge>
              ))}
            </span>
          )}
        </Row>
        <Row label="Xid errors">
          {gpu.xids.length === 0 ? (
            <span className="text-muted">0</span>
          ) : (
            <span className="flex flex-wrap justify-end gap-1">
              {gpu.xids.map((x) => (
                <Badge key={x.xid} tone={x.count > 0 ? "crit" : "muted"} title={`Xid ${x.xid}: ${x.count} since the exporter started`}>
                  Xid {x.xid} ×{formatInt(x.count)}
                </Badge>
              ))}
            </span>
          )}
        </Row>
        <Row label="ECC corrected / uncorrected">
          <span className={dbe > 0 ? "font-semibold text-crit" : ""}>
            {dbe > 0 && <span aria-hidden="true">✕ </span>}
            {val("eccSbeVol", formatInt(v.eccSbeVol))} / {val("eccDbeVol", formatInt(v.eccDbeVol))}
          </span>
          {(v.remapPending === 1 || v.remapFailure === 1) && (
            <span className="block text-xs text-crit">{v.remapFailure === 1 ? "row remap failed" : "row remap pending: reset the GPU"}</span>
          )}
        </Row>
        <Row label="Job">
          {gpu.jobs.length === 0 ? (
            <span className="text-muted">free</span>
          ) : (
            gpu.jobs.map((j) => (
              <Link key={j} to={`/jobs/${encodeURIComponent(j)}`} className="ml-2 text-ok hover:underline">
                {j}
                {users[j] ? ` (${users[j]})` : ""}
              </Link>
            ))
          )}
          {isNum(v.processes) && <span className="block text-xs text-muted">{formatInt(v.processes)} processes</span>}
        </Row>
      </dl>
    </article>
  );
}
