// Small building blocks: badges (colour + icon + text, never colour alone), panels, values
// that keep 0, N/A and stale apart, and empty/error notes.
import type { ReactNode } from "react";
import type { Tone } from "../lib/slurm-state";
import type { SlurmNodeState } from "../lib/slurm-state";

const TONE_CLASS: Record<Tone, string> = {
  ok: "bg-[var(--ok-bg)] text-ok border-ok/50",
  info: "bg-surface-2 text-info border-info/50",
  warn: "bg-[var(--warn-bg)] text-warn border-warn/60",
  crit: "bg-[var(--crit-bg)] text-crit border-crit/60",
  muted: "bg-[var(--muted-bg)] text-muted border-line",
};

export const TONE_ICON: Record<Tone, string> = {
  ok: "●",
  info: "○",
  warn: "▲",
  crit: "✕",
  muted: "◌",
};

/** Clock and pause as SVG: not every font has U+23F1 / U+23F8. */
export function ClockIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden="true" className="inline-block align-[-1px]">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M8 4v4.5l3 1.8" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

export function PauseIcon() {
  return (
    <svg width="10" height="10" viewBox="0 0 16 16" aria-hidden="true" className="inline-block align-[-1px]">
      <rect x="3" y="2" width="3.5" height="12" fill="currentColor" />
      <rect x="9.5" y="2" width="3.5" height="12" fill="currentColor" />
    </svg>
  );
}

export function Badge({ tone, icon, children, title }: { tone: Tone; icon?: ReactNode; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-px text-xs font-medium ${TONE_CLASS[tone]}`}
    >
      <span aria-hidden="true">{icon ?? TONE_ICON[tone]}</span>
      {children}
    </span>
  );
}

const DRAIN_CLASS = "bg-[var(--drain-bg)] text-drain border-drain/60";

/** A Slurm node state; drain/maint use the purple of the palette and a pause icon. */
export function StateBadge({ state }: { state?: SlurmNodeState }) {
  if (!state) return <Badge tone="muted">not in Slurm</Badge>;
  const notes = [state.raw, ...state.suffixNotes].join(" — ");
  if (state.tone === "warn" && (state.drain || state.maint)) {
    return (
      <span
        title={notes}
        className={`inline-flex items-center gap-1 whitespace-nowrap rounded border px-1.5 py-px text-xs font-medium ${DRAIN_CLASS}`}
      >
        <PauseIcon />
        {state.label}
      </span>
    );
  }
  return (
    <Badge tone={state.tone} title={notes}>
      {state.label}
    </Badge>
  );
}

export function Panel({ title, actions, children, className = "", id }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <section aria-labelledby={title && id ? `${id}-title` : undefined} className={`rounded-lg border border-line bg-surface p-4 ${className}`}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && (
            <h2 id={id ? `${id}-title` : undefined} className="text-sm font-semibold tracking-wide text-fg">
              {title}
            </h2>
          )}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

/**
 * A measured value. `text` is the formatted value; `missing` says why there is none:
 * "unsupported" (N/A: the GPU cannot report it), "nodata" (nothing arrived) or "stale" (the
 * last value is shown, hatched, with when it was seen).
 */
export function Value({ text, missing, staleSince, className = "" }: { text: string; missing?: "unsupported" | "nodata" | "stale"; staleSince?: string; className?: string }) {
  if (missing === "unsupported") {
    return (
      <span className={`italic text-muted ${className}`} title="Not supported by this GPU or driver">
        N/A
      </span>
    );
  }
  if (missing === "nodata") {
    return (
      <span className={`text-muted ${className}`} title="No data from the exporter">
        — no data
      </span>
    );
  }
  if (missing === "stale") {
    return (
      <span className={`stale-hatch rounded px-0.5 text-muted ${className}`} title={staleSince ? `Last seen ${staleSince}` : "Stale"}>
        <ClockIcon /> {text}
        <span className="sr-only"> (stale{staleSince ? `, last seen ${staleSince}` : ""})</span>
      </span>
    );
  }
  return <span className={className}>{text}</span>;
}

export function Stat({ label, value, sub, tone, testId }: { label: string; value: ReactNode; sub?: ReactNode; tone?: Tone; testId?: string }) {
  return (
    <div className="rounded-lg border border-line bg-surface p-3" data-testid={testId}>
      <div className="text-xs font-medium uppercase tracking-wide text-muted">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "crit" ? "text-crit" : tone === "warn" ? "text-warn" : ""}`}>{value}</div>
      {sub && <div className="mt-0.5 text-xs text-muted">{sub}</div>}
    </div>
  );
}

export function ErrorNote({ error, what }: { error: Error | null | undefined; what: string }) {
  if (!error) return null;
  return (
    <div role="alert" className="my-2 rounded border border-crit/60 bg-[var(--crit-bg)] px-3 py-2 text-sm text-crit">
      <span aria-hidden="true">✕ </span>
      Could not load {what}: {error.message}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="py-4 text-sm text-muted">{children}</p>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="py-4 text-sm text-muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A horizontal bar for a fraction, with the numbers as text beside it. */
export function Meter({ fraction, label, tone = "ok" }: { fraction: number | undefined; label: string; tone?: Tone }) {
  const pct = fraction === undefined || !Number.isFinite(fraction) ? undefined : Math.max(0, Math.min(1, fraction)) * 100;
  const color = tone === "crit" ? "bg-crit" : tone === "warn" ? "bg-warn" : "bg-ok";
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-20 overflow-hidden rounded bg-surface-2 ring-1 ring-line" aria-hidden="true">
        {pct !== undefined && <div className={`h-full ${color}`} style={{ width: `${pct}%` }} />}
      </div>
      <span className="whitespace-nowrap text-xs tabular-nums">{label}</span>
    </div>
  );
}
