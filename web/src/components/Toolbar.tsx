// Time range, refresh interval and theme controls. Radix Select gives keyboard and screen-reader
// behaviour (WAI-ARIA listbox) for free; the values live in the URL.
import { useRef, useState, type Ref } from "react";
import { Popover, Select } from "radix-ui";
import { useIsFetching, useQueryClient } from "@tanstack/react-query";
import { useSetParams, useTimeParams } from "../app/router";
import { applyTheme, useThemeChoice, type ThemeChoice } from "../app/theme";
import { live, useLiveStatus, type LiveStatus } from "../api/live";
import { RANGE_CHOICES, REFRESH_CHOICES, rangeDisplay, type TimeRange } from "../lib/time";
import { CustomRangeForm } from "./CustomRangeForm";

interface PickerProps {
  label: string;
  value: string;
  choices: { value: string; label: string }[];
  onChange: (v: string) => void;
  display: string;
  testId: string;
  /** An entry after the choices that does something rather than being a value (opens a form). */
  action?: { value: string; label: string };
  triggerRef?: Ref<HTMLButtonElement>;
  /** Select's focus return to the trigger on close; return true to keep focus where it is. */
  keepFocusOnClose?: () => boolean;
}

const itemClass = "flex cursor-default items-center justify-between gap-3 rounded px-2 py-1 text-sm outline-none data-[highlighted]:bg-surface-2";

function Picker({ label, value, choices, onChange, display, testId, action, triggerRef, keepFocusOnClose }: PickerProps) {
  const known = choices.some((c) => c.value === value);
  return (
    <Select.Root value={value} onValueChange={onChange}>
      <Select.Trigger
        ref={triggerRef}
        aria-label={label}
        data-testid={testId}
        className="inline-flex h-8 items-center gap-1 rounded border border-line bg-surface px-2 text-sm hover:bg-surface-2"
      >
        <span className="text-muted">{label}:</span>
        <Select.Value>{display}</Select.Value>
        <Select.Icon aria-hidden="true" className="text-muted">
          ▾
        </Select.Icon>
      </Select.Trigger>
      <Select.Portal>
        <Select.Content
          position="popper"
          sideOffset={4}
          className="z-50 min-w-40 overflow-hidden rounded border border-line bg-surface text-fg shadow-lg"
          onCloseAutoFocus={(e) => {
            if (keepFocusOnClose?.()) e.preventDefault();
          }}
        >
          <Select.Viewport className="p-1">
            {!known && (
              <Select.Item value={value} className={itemClass}>
                <Select.ItemText>{display}</Select.ItemText>
                <Select.ItemIndicator aria-hidden="true">✓</Select.ItemIndicator>
              </Select.Item>
            )}
            {choices.map((c) => (
              <Select.Item key={c.value} value={c.value} className={itemClass}>
                <Select.ItemText>{c.label}</Select.ItemText>
                <Select.ItemIndicator aria-hidden="true">✓</Select.ItemIndicator>
              </Select.Item>
            ))}
            {action && (
              <>
                <Select.Separator className="my-1 h-px bg-line" />
                <Select.Item value={action.value} className={itemClass} data-testid={`${testId}-${action.value}`}>
                  <Select.ItemText>{action.label}</Select.ItemText>
                </Select.Item>
              </>
            )}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  );
}

/** The Select value of the "Custom range…" entry; never a URL value. */
const OPEN_FORM = "custom-form";

/**
 * Presets, the typed range the URL holds ("Nov 30 10:00 – 12:30", after a drag-zoom or a typed
 * range), and "Custom range…", which opens a form anchored to the picker. Whatever is applied
 * goes into the URL's from/to like a drag-zoom, so live updates pause on an absolute range.
 */
export function TimeRangePicker({ maxSpanMs }: { maxSpanMs?: number } = {}) {
  const { from, to } = useTimeParams();
  const set = useSetParams();
  const [editing, setEditing] = useState(false);
  const opening = useRef(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const relative = to === "now" && from.startsWith("now");
  const apply = (r: TimeRange) => {
    setEditing(false);
    set({ from: r.from, to: r.to === "now" ? null : r.to });
  };
  return (
    <Popover.Root open={editing} onOpenChange={setEditing}>
      <Popover.Anchor asChild>
        <span className="inline-flex">
          <Picker
            label="Range"
            testId="range-picker"
            value={relative ? from : "custom"}
            choices={RANGE_CHOICES}
            display={rangeDisplay({ from, to }, Date.now())}
            action={{ value: OPEN_FORM, label: "Custom range…" }}
            triggerRef={trigger}
            keepFocusOnClose={() => {
              // Select would move focus back to its trigger after the form took it.
              const keep = opening.current;
              opening.current = false;
              return keep;
            }}
            onChange={(v) => {
              if (v === OPEN_FORM) {
                opening.current = true;
                setEditing(true);
              } else if (v !== "custom") set({ from: v, to: null });
            }}
          />
        </span>
      </Popover.Anchor>
      <Popover.Portal>
        <Popover.Content
          aria-label="Custom time range"
          align="end"
          sideOffset={4}
          className="z-50 rounded border border-line bg-surface p-3 text-fg shadow-lg"
          // The form handles Escape itself (cancel); focus goes back to the picker either way.
          onEscapeKeyDown={(e) => e.preventDefault()}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            trigger.current?.focus();
          }}
        >
          <CustomRangeForm initial={{ from, to }} onApply={apply} onCancel={() => setEditing(false)} maxSpanMs={maxSpanMs} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

export function RefreshPicker() {
  const { refresh, to } = useTimeParams();
  const set = useSetParams();
  const client = useQueryClient();
  const fetching = useIsFetching();
  const choice = REFRESH_CHOICES.find((c) => c.value === refresh);
  return (
    <div className="inline-flex items-center gap-1">
      <button
        type="button"
        onClick={() => void client.invalidateQueries()}
        className="inline-flex h-8 items-center gap-1 rounded border border-line bg-surface px-2 text-sm hover:bg-surface-2"
        aria-label="Refresh now"
        title="Refresh now"
      >
        <span aria-hidden="true" className={fetching ? "opacity-50" : ""}>
          ⟳
        </span>
      </button>
      <Picker
        label="Auto"
        testId="refresh-picker"
        value={refresh}
        choices={REFRESH_CHOICES}
        display={to !== "now" ? "paused" : (choice?.label ?? refresh)}
        onChange={(v) => set({ refresh: v === "10s" ? null : v })}
      />
    </div>
  );
}

const LIVE_TITLE: Partial<Record<LiveStatus, string>> = {
  live: "Live: the hub pushes new samples as they arrive",
  connecting: "Connecting to the hub's live updates…",
  lost: "Live updates lost; reconnecting",
  paused: "Paused on a fixed range (zoomed or picked); click to follow now again",
  off: "Auto refresh is off; click to go live",
};

/** "● Live" while the hub's stream drives the page; a button to go back to live when paused. */
export function LiveButton() {
  const status = useLiveStatus();
  const set = useSetParams();
  const title = LIVE_TITLE[status];
  if (title === undefined) return null; // polling (no stream) or a hidden tab
  const resumable = status === "paused" || status === "off";
  const dot = status === "live" ? "var(--ok)" : resumable ? "transparent" : "var(--text-muted)";
  return (
    <button
      type="button"
      data-testid="live-button"
      aria-pressed={status === "live"}
      disabled={!resumable}
      title={title}
      onClick={() => set(status === "off" ? { refresh: null } : { from: live.liveFrom() ?? null, to: null })}
      className="inline-flex h-8 items-center gap-1.5 rounded border border-line bg-surface px-2 text-sm enabled:hover:bg-surface-2 disabled:cursor-default"
    >
      <span aria-hidden="true" className="inline-block h-2 w-2 rounded-full border border-current" style={{ background: dot }} />
      {resumable ? "Go live" : status === "live" ? "Live" : status === "lost" ? "Reconnecting" : "Connecting"}
    </button>
  );
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const THEME_ICON: Record<ThemeChoice, string> = { system: "◐", light: "☀", dark: "☾" };

export function ThemeToggle() {
  const choice = useThemeChoice();
  return (
    <button
      type="button"
      onClick={() => applyTheme(NEXT[choice])}
      className="inline-flex h-8 items-center gap-1 rounded border border-line bg-surface px-2 text-sm hover:bg-surface-2"
      aria-label={`Theme: ${choice}. Switch to ${NEXT[choice]}`}
      title={`Theme: ${choice} (click for ${NEXT[choice]})`}
      data-testid="theme-toggle"
    >
      <span aria-hidden="true">{THEME_ICON[choice]}</span>
      <span className="hidden sm:inline">{choice}</span>
    </button>
  );
}
