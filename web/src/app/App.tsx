// The shell: header with navigation and the time controls, the connection banner, and the
// routed view. Views are loaded on demand so the first page stays small.
import { lazy, Suspense, useEffect, useRef } from "react";
import { Link, matchPath, useLocation } from "./router";
import { useSystemThemeListener } from "./theme";
import { ConnectionBanner } from "../components/ConnectionBanner";
import { SimulatedBanner } from "../components/SimulatedBanner";
import { LiveButton, RefreshPicker, ThemeToggle, TimeRangePicker } from "../components/Toolbar";
import { useAlerts } from "../api/hooks";
import { useConnection } from "../api/connection";
import { useLiveStream } from "../api/useLiveStream";
import { viewOfPath, type ViewName } from "../api/early";

const load = {
  overview: () => import("../views/Overview"),
  nodes: () => import("../views/Nodes"),
  nodeDetail: () => import("../views/NodeDetail"),
  jobs: () => import("../views/Jobs"),
  jobDetail: () => import("../views/JobDetail"),
  alerts: () => import("../views/Alerts"),
} satisfies Record<ViewName, () => Promise<unknown>>;
const Overview = lazy(load.overview);
const Nodes = lazy(load.nodes);
const NodeDetail = lazy(load.nodeDetail);
const Jobs = lazy(load.jobs);
const JobDetail = lazy(load.jobDetail);
const Alerts = lazy(load.alerts);

/**
 * Starts loading the chunk of the view at `path` (and the chunks it imports) at once, so that
 * it downloads while React renders the shell rather than after (main.tsx calls it at start).
 */
export function preloadView(path: string): void {
  const view = viewOfPath(path);
  // A failed preload is not an error here: lazy() asks again and its Suspense shows the result.
  if (view) load[view]().catch(() => undefined);
}

function route(path: string) {
  if (path === "/" || path === "") return <Overview />;
  if (path === "/nodes") return <Nodes />;
  let m = matchPath("/nodes/:node", path);
  if (m) return <NodeDetail node={m.node!} />;
  if (path === "/jobs") return <Jobs />;
  m = matchPath("/jobs/:id", path);
  if (m) return <JobDetail id={m.id!} />;
  if (path === "/alerts") return <Alerts />;
  return (
    <div className="py-10">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-muted">
        No page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.
      </p>
    </div>
  );
}

const NAV = [
  { to: "/", label: "Overview", match: (p: string) => p === "/" },
  { to: "/nodes", label: "Nodes", match: (p: string) => p.startsWith("/nodes") },
  { to: "/jobs", label: "Jobs", match: (p: string) => p.startsWith("/jobs") },
  { to: "/alerts", label: "Alerts", match: (p: string) => p.startsWith("/alerts") },
];

function AlertCount() {
  const { data } = useAlerts();
  const firing = (data ?? []).filter((a) => a.state === "firing").length;
  if (!firing) return null;
  return (
    <span className="ml-1 rounded-full bg-crit px-1.5 text-xs font-semibold text-white dark:text-black" aria-label={`${firing} firing`}>
      {firing}
    </span>
  );
}

export function App() {
  useSystemThemeListener();
  useLiveStream();
  const { path } = useLocation();
  const conn = useConnection();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Move focus to the new page on navigation, as a screen reader user expects.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className={`min-h-screen font-sans ${conn.connected ? "" : "frozen"}`}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b border-line bg-surface/95 backdrop-blur">
        <div className="mx-auto flex max-w-[1800px] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <Link to="/" className="flex items-center gap-2 font-semibold" aria-label="GPU Watchdog, overview">
            <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
              <rect x="1" y="3" width="14" height="10" rx="2" fill="var(--ok)" />
              <rect x="4" y="6" width="3" height="4" fill="var(--surface)" />
              <rect x="9" y="6" width="3" height="4" fill="var(--surface)" />
            </svg>
            GPU Watchdog
          </Link>
          <nav aria-label="Main">
            <ul className="m-0 flex list-none gap-1 p-0">
              {NAV.map((n) => {
                const active = n.match(path);
                return (
                  <li key={n.to}>
                    <Link
                      to={n.to}
                      aria-current={active ? "page" : undefined}
                      className={`inline-flex items-center rounded px-3 py-1.5 text-sm ${active ? "bg-surface-2 font-semibold text-fg ring-1 ring-line" : "text-muted hover:text-fg"}`}
                    >
                      {n.label}
                      {n.to === "/alerts" && <AlertCount />}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-2">
            <LiveButton />
            <TimeRangePicker />
            <RefreshPicker />
            <ThemeToggle />
          </div>
        </div>
        <SimulatedBanner />
        <ConnectionBanner />
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="mx-auto max-w-[1800px] px-4 py-4 outline-none">
        <Suspense fallback={<p className="text-sm text-muted">Loading…</p>}>{route(path)}</Suspense>
      </main>
    </div>
  );
}
