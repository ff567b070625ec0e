// The form behind the range picker's "Custom range…": two typed times, checked by
// parseRangeInput (lib/time.ts), applied as the URL's from/to. Enter applies, Escape cancels;
// an error is announced and moves focus to the input at fault.
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { formatTimeInput, parseRangeInput, type TimeRange } from "../lib/time";

export interface CustomRangeFormProps {
  /** The URL's current range, to start from. */
  initial: TimeRange;
  onApply: (range: TimeRange) => void;
  onCancel: () => void;
  /** The hub's retention, when known: longer ranges are refused. */
  maxSpanMs?: number;
  /** For tests; Date.now() by default. */
  now?: () => number;
}

/** A URL time as the person would type it: relative forms as they are, epoch ms as a date. */
function asInput(expr: string): string {
  return /^\d{10,}$/.test(expr) ? formatTimeInput(Number(expr)) : expr;
}

const inputClass =
  "h-8 w-48 rounded border border-line bg-surface px-2 font-mono text-sm text-fg aria-[invalid=true]:border-crit";
const buttonClass = "inline-flex h-8 items-center rounded border border-line px-3 text-sm";

export function CustomRangeForm({ initial, onApply, onCancel, maxSpanMs, now = Date.now }: CustomRangeFormProps) {
  const id = useId();
  const [from, setFrom] = useState(() => asInput(initial.from));
  const [to, setTo] = useState(() => asInput(initial.to));
  const [error, setError] = useState<{ field: "from" | "to" | "range"; text: string } | null>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const r = parseRangeInput(from, to, now(), { maxSpanMs });
    if (r.ok) {
      onApply({ from: r.from, to: r.to });
      return;
    }
    setError({ field: r.field, text: r.error });
    (r.field === "to" ? toRef : fromRef).current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    onCancel();
  };
  const invalid = (field: "from" | "to") => error !== null && (error.field === field || error.field === "range");
  const describedBy = `${id}-hint${error ? ` ${id}-error` : ""}`;

  return (
    <form aria-label="Custom time range" noValidate onSubmit={apply} onKeyDown={onKeyDown} className="flex flex-col gap-2 text-sm" data-testid="custom-range-form">
      <p className="m-0 font-medium">Custom time range</p>
      {(
        [
          ["from", "From", from, setFrom, fromRef],
          ["to", "To", to, setTo, toRef],
        ] as const
      ).map(([field, label, value, setValue, ref]) => (
        <div key={field} className="flex items-center justify-between gap-3">
          <label htmlFor={`${id}-${field}`} className="text-muted">
            {label}
          </label>
          <input
            id={`${id}-${field}`}
            ref={ref}
            type="text"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={invalid(field)}
            aria-describedby={describedBy}
            autoComplete="off"
            spellCheck={false}
            className={inputClass}
          />
        </div>
      ))}
      <p id={`${id}-hint`} className="m-0 max-w-72 text-xs text-muted">
        YYYY-MM-DD HH:MM[:SS] in local time (end with Z for UTC), or relative: now-6h, now.
      </p>
      {error && (
        <p id={`${id}-error`} role="alert" className="m-0 max-w-72 text-xs font-medium text-crit">
          {error.text}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={`${buttonClass} bg-surface hover:bg-surface-2`}>
          Cancel
        </button>
        <button type="submit" className={`${buttonClass} border-ok bg-ok font-medium text-white hover:opacity-90 dark:text-black`}>
          Apply
        </button>
      </div>
    </form>
  );
}
