import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "./app/App";
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

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
