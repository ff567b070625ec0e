// A uPlot time-series chart. The instance is created once (again only when the theme or the set
// of series changes) and fed new data with setData. Gaps stay gaps. The cursor is shared with
// every chart on the page (uPlot's cursor sync), and a screen-reader summary plus a data table
// stand in for the canvas. Dragging across a chart zooms: the selection becomes the URL's
// (absolute) range, which pauses live updates until "Go live".
import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import type { RangeResult } from "../api/hooks";
import type { Labels } from "../api/prom";
import { cssVar, useIsDark } from "../app/theme";
import { useSetParams } from "../app/router";
import { formatClock, formatDateTime } from "../lib/format";
import { alignSeries, isolatedPoints, seriesStats, timeAxisSpacePx, timeTicks } from "./chart-data";

export const SERIES_VARS = ["--s1", "--s2", "--s3", "--s4", "--s5", "--s6", "--s7", "--s8"];
const DASHES: number[][] = [[], [], [], [], [6, 3], [6, 3], [2, 3], [2, 3]];

export interface TimeChartProps {
  title: string;
  result: RangeResult | undefined;
  labelOf: (m: Labels) => string;
  format: (v: number | undefined) => string;
  yMin?: number;
  yMax?: number;
  height?: number;
  syncKey?: string;
  /** Stable colour per series: the GPU index, so GPU 3 is the same colour everywhere. */
  colorIndexOf?: (m: Labels, i: number) => number;
}

export function TimeChart({ title, result, labelOf, format, yMin, yMax, height = 170, syncKey = "gw", colorIndexOf }: TimeChartProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useIsDark();
  const [cursorIdx, setCursorIdx] = useState<number | null>(null);
  const [showTable, setShowTable] = useState(false);

  const aligned = useMemo(() => alignSeries(result), [result]);
  const labels = useMemo(() => (result?.series ?? []).map((s) => labelOf(s.metric)), [result, labelOf]);
  const colors = useMemo(
    () => (result?.series ?? []).map((s, i) => (colorIndexOf ? colorIndexOf(s.metric, i) : i) % SERIES_VARS.length),
    [result, colorIndexOf],
  );
  const shapeKey = `${labels.join("|")}#${colors.join(",")}`;
  const dataRef = useRef(aligned);
  dataRef.current = aligned;
  const setParams = useSetParams(); // stable: safe inside the chart's hooks

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const axisStroke = cssVar("--text-muted") || "#666";
    const grid = cssVar("--grid") || "rgba(0,0,0,.08)";
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      cursor: {
        sync: { key: syncKey, setSeries: false },
        drag: { x: true, y: false, setScale: false },
        points: { size: 6 },
      },
      scales: {
        x: { time: true },
        y: { range: (_u, dmin, dmax) => [yMin ?? Math.min(0, dmin), yMax ?? (dmax > 0 ? dmax * 1.1 : 1)] },
      },
      padding: [8, 18, 0, 0],
      axes: [
        {
          stroke: axisStroke,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          space: (_u, _axis, min, max, plotWidthPx) => timeAxisSpacePx(max - min, plotWidthPx),
          values: (_u, splits, _axis, _space, incrS) => timeTicks(splits, incrS),
        },
        {
          stroke: axisStroke,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          // Wide enough for the longest label ("4,500 W", "79.6 GiB"): uPlot does not measure.
          size: (_u, values) => 18 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
          values: (_u, splits) => splits.map((v) => format(v)),
        },
      ],
      series: [
        {},
        ...labels.map((label, i) => ({
          label,
          stroke: cssVar(SERIES_VARS[colors[i]!]!) || "#0072b2",
          width: 1.5,
          dash: DASHES[colors[i]!],
          spanGaps: false,
          // Only the samples a line cannot show: those without a neighbour.
          points: {
            show: true,
            size: 5,
            filter: (u: uPlot, seriesIdx: number) =>
              isolatedPoints(u.data[seriesIdx] as (number | null)[]),
          },
        })),
      ],
      hooks: {
        setCursor: [(u) => setCursorIdx(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            const { left, width } = u.select;
            if (width < 4) return; // a click, not a drag
            const startMs = Math.round(u.posToVal(left, "x") * 1000);
            const endMs = Math.round(u.posToVal(left + width, "x") * 1000);
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            if (endMs > startMs) setParams({ from: String(startMs), to: String(endMs) });
          },
        ],
      },
    };
    const u = new uPlot(opts, dataRef.current as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Re-created only when the look changes; data flows in through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark, shapeKey, height, syncKey, yMin, yMax]);

  useEffect(() => {
    plot.current?.setData(aligned as uPlot.AlignedData);
  }, [aligned]);

  const stats = useMemo(() => seriesStats(aligned), [aligned]);
  const xs = aligned[0] ?? [];
  const idx = cursorIdx ?? (xs.length > 0 ? xs.length - 1 : null);
  const at = idx !== null && xs[idx] !== undefined ? xs[idx]! * 1000 : undefined;
  const summary =
    labels.length === 0
      ? `${title}: no data in this range.`
      : `${title}. ` +
        labels
          .map((l, i) => {
            const s = stats[i]!;
            return s.count === 0 ? `${l}: no data` : `${l}: now ${format(s.last)}, range ${format(s.min)} to ${format(s.max)}`;
          })
          .join("; ");

  return (
    <figure className="m-0 min-w-0" aria-label={title}>
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{title}</span>
        <button type="button" className="text-xs text-muted underline-offset-2 hover:underline" onClick={() => setShowTable((v) => !v)} aria-expanded={showTable}>
          {showTable ? "Hide table" : "Table"}
        </button>
      </figcaption>
      <div className="relative">
        <div ref={wrap} role="img" aria-label={summary} className="w-full" style={{ height }} />
        {labels.length === 0 && (
          <p className="absolute inset-0 flex items-center justify-center text-sm text-muted">{result ? "No data in this range" : "Loading…"}</p>
        )}
      </div>
      <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs" aria-hidden="true">
        {labels.map((l, i) => {
          const v = idx !== null ? aligned[i + 1]?.[idx] : null;
          return (
            <li key={l} className="flex items-center gap-1 whitespace-nowrap">
              <svg width="14" height="6" aria-hidden="true">
                <line x1="0" y1="3" x2="14" y2="3" stroke={`var(${SERIES_VARS[colors[i]!]})`} strokeWidth="2" strokeDasharray={DASHES[colors[i]!]?.join(" ")} />
              </svg>
              <span className="text-muted">{l}</span>
              <span className="tabular-nums">{v === null || v === undefined ? "—" : format(v)}</span>
            </li>
          );
        })}
        {at !== undefined && <li className="ml-auto text-muted">{cursorIdx === null ? `latest ${formatClock(at)}` : formatDateTime(at)}</li>}
      </ul>
      {showTable && <DataTable title={title} aligned={aligned} labels={labels} format={format} />}
    </figure>
  );
}

function DataTable({ title, aligned, labels, format }: { title: string; aligned: (number | null)[][]; labels: string[]; format: (v: number | undefined) => string }) {
  const xs = aligned[0]!;
  // The newest 30 rows: a table of thousands of rows helps nobody.
  const from = Math.max(0, xs.length - 30);
  return (
    <div className="mt-2 max-h-64 overflow-auto rounded border border-line">
      <table className="w-full text-xs">
        <caption className="sr-only">{title}, newest {xs.length - from} points</caption>
        <thead className="sticky top-0 bg-surface-2">
          <tr>
            <th scope="col" className="px-2 py-1 text-left">Time</th>
            {labels.map((l) => (
              <th key={l} scope="col" className="px-2 py-1 text-right">{l}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xs.slice(from).map((x, k) => (
            <tr key={x} className="border-t border-line">
              <td className="px-2 py-0.5">{formatDateTime(x! * 1000)}</td>
              {labels.map((l, i) => {
                const v = aligned[i + 1]![from + k];
                return (
                  <td key={l} className="px-2 py-0.5 text-right tabular-nums">
                    {v === null || v === undefined ? "—" : format(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
