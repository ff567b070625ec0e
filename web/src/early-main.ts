// The script index.html runs first, inline, before the dashboard's bundle has downloaded
// (vite.config.ts bundles this file and calls `boot` with the build's chunk names): it starts
// fetching the current view's chunks and sends the view's API requests (api/early.ts), which
// the app adopts once it runs. Failing here costs only the head start: the app asks as before.
import { startEarlyRequests, viewOfPath, type ViewName } from "./api/early";

/** The JS files of each view's chunk and the chunks it imports, as absolute paths. */
export type ViewChunks = Partial<Record<ViewName, string[]>>;

export function boot(chunks: ViewChunks, doc: Document = document, win: Window = window): void {
  try {
    const { pathname, search } = win.location;
    const view = viewOfPath(pathname);
    for (const file of (view && chunks[view]) || []) {
      const link = doc.createElement("link");
      link.rel = "modulepreload";
      link.crossOrigin = "";
      // As urgent as the API requests sent next, and asked before them: without it a script-made
      // preload waits behind them for one of the browser's six connections to the hub.
      link.fetchPriority = "high";
      link.href = file;
      doc.head.appendChild(link);
    }
    startEarlyRequests(win, (input, init) => win.fetch(input, init), pathname, new URLSearchParams(search), Date.now());
  } catch {
    // Nothing is lost but the head start: what was not sent here, the app sends itself.
  }
}
