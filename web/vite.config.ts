import { defineConfig } from "vitest/config";
import { build, type Plugin, type Rollup } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The hub serves dist/ at "/" with a fallback to index.html for client-side routes; in
// development Vite forwards the API to a running hub (GW_HUB_URL, default the cluster in a box).
const hub = process.env.GW_HUB_URL ?? "http://127.0.0.1:3000";

/**
 * Inlines src/early-main.ts into the built index.html, after the entry's tags: while the browser
 * still downloads and parses the bundle, it preloads the current view's chunks and sends the
 * view's API requests, which the app adopts (src/api/early.ts). Build only: in development the
 * app sends its requests itself.
 */
function earlyRequests(): Plugin {
  return {
    name: "gw-early-requests",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      async handler(html, ctx) {
        if (!ctx.bundle) return html;
        const out = await build({
          configFile: false,
          logLevel: "warn",
          build: {
            write: false,
            minify: true,
            target: "es2022",
            lib: { entry: "src/early-main.ts", formats: ["iife"], name: "gwEarly", fileName: "early" },
          },
        });
        const code = (Array.isArray(out) ? out[0]! : (out as Rollup.RollupOutput)).output[0].code.trim();
        if (code.includes("</script")) throw new Error("early-main.ts: the bundle contains </script");
        const boot = `(function(){${code}\ngwEarly.boot(${JSON.stringify(viewChunks(ctx.bundle))})})()`;
        // A classic script, run as the parser reaches it (an inline module would wait for
        // the bundle's compilation); before the style sheet, which would hold it back until
        // loaded; after the entry's <script>, so the bundle is asked first. The preload scanner
        // asks for the style sheet before this runs.
        const tag = `<script>${boot}</script>\n    `;
        const at = html.search(/<link rel="stylesheet"/);
        if (at < 0) throw new Error("earlyRequests: no <link rel=\"stylesheet\"> in index.html");
        return html.slice(0, at) + tag + html.slice(at);
      },
    },
  };
}

/** Each view's chunk (src/views/<View>.tsx) and the chunks it imports, except the entry. */
function viewChunks(bundle: Rollup.OutputBundle): Record<string, string[]> {
  const chunks = Object.values(bundle).filter((c): c is Rollup.OutputChunk => c.type === "chunk");
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const out: Record<string, string[]> = {};
  for (const c of chunks) {
    const m = /\/src\/views\/(\w+)\.tsx$/.exec(c.facadeModuleId ?? "");
    if (!m) continue;
    const files = new Set<string>();
    const visit = (file: string) => {
      const chunk = byFile.get(file);
      if (!chunk || chunk.isEntry || files.has(file)) return;
      files.add(file);
      chunk.imports.forEach(visit);
    };
    visit(c.fileName);
    out[m[1]![0]!.toLowerCase() + m[1]!.slice(1)] = [...files].map((f) => `/${f}`);
  }
  if (!out.overview || !out.nodes) throw new Error("earlyRequests: no chunk for the overview or nodes view");
  return out;
}

export default defineConfig({
  plugins: [react(), tailwindcss(), earlyRequests()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { "/api": { target: hub, changeOrigin: true } },
  },
  preview: {
    proxy: { "/api": { target: hub, changeOrigin: true } },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
