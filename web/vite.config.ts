import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// The hub serves dist/ at "/" with a fallback to index.html for client-side routes; in
// development Vite forwards the API to a running hub (GW_HUB_URL, default the cluster in a box).
const hub = process.env.GW_HUB_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
