// A minimal history router: path-based URLs (no hash), so the hub serves index.html for any
// path that is not /api/*, /assets/* or a file. All shareable state sits in the query string.
import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from "react";
import { timeParamsOf, type TimeParams } from "../lib/time";

const NAV_EVENT = "gw:navigate";

function subscribe(cb: () => void): () => void {
  window.addEventListener("popstate", cb);
  window.addEventListener(NAV_EVENT, cb);
  return () => {
    window.removeEventListener("popstate", cb);
    window.removeEventListener(NAV_EVENT, cb);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  path: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot);
  const q = href.indexOf("?");
  return {
    path: q < 0 ? href : href.slice(0, q),
    search: new URLSearchParams(q < 0 ? "" : href.slice(q + 1)),
  };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAV_EVENT));
}

/** Query parameters that follow the user from view to view. */
export const GLOBAL_PARAMS = ["from", "to", "refresh"] as const;

/** `path` plus the global parameters of the current URL (time range and refresh). */
export function withGlobals(path: string, current: URLSearchParams, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of GLOBAL_PARAMS) {
    const v = current.get(k);
    if (v !== null) q.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export { timeParamsOf, type TimeParams } from "../lib/time";

export function useTimeParams(): TimeParams {
  return timeParamsOf(useLocation().search);
}

/** Sets (or, with null, removes) query parameters of the current URL, keeping the rest. */
export function useSetParams(): (updates: Record<string, string | null>, opts?: { replace?: boolean }) => void {
  return useCallback((updates, opts) => {
    const q = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(updates)) {
      if (v === null) q.delete(k);
      else q.set(k, v);
    }
    const s = q.toString();
    navigate(window.location.pathname + (s ? `?${s}` : ""), opts);
  }, []);
}

/** Matches "/nodes/:node" style patterns; returns the decoded parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const a = path.split("/").filter(Boolean);
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(":")) {
      try {
        out[seg.slice(1)] = decodeURIComponent(a[i]!);
      } catch {
        return null;
      }
    } else if (seg !== a[i]) return null;
  }
  return out;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; keepGlobals?: boolean };

/** An <a> that navigates in-app on a plain left click and keeps the time range. */
export function Link({ to, keepGlobals = true, onClick, ...rest }: LinkProps) {
  const { search } = useLocation();
  let href = to;
  if (keepGlobals) {
    const [path, query] = to.split("?");
    href = withGlobals(path!, search, Object.fromEntries(new URLSearchParams(query ?? "")));
  }
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
    window.scrollTo(0, 0);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
