import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App, preloadView } from "./app/App";
import { prefetchRoute } from "./api/prefetch";
import "./styles.css";

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Polling pauses in hidden tabs (TanStack's default) and resumes on focus.
      refetchOnWindowFocus: true,
      retry: 1,
      staleTime: 2_000,
    },
  },
});

// Before the first render: fetch the current view's chunk and start its API requests in
// parallel, rather than one after the other (entry, then view chunk, then requests).
preloadView(window.location.pathname);
prefetchRoute(client, window.location.pathname, new URLSearchParams(window.location.search));

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
