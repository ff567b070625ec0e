// Whether the hub answers. Every API call reports here; the banner and the "frozen" look read
// it. A module-level store read through useSyncExternalStore, so it needs no provider.
import { useSyncExternalStore } from "react";

export interface ConnectionState {
  /** False after a request could not reach the hub, until one succeeds again. */
  connected: boolean;
  /** When the last request succeeded (ms), or undefined before the first. */
  lastSuccessMs?: number;
  lastError?: string;
}

export function createConnectionStore() {
  let state: ConnectionState = { connected: true };
  const listeners = new Set<() => void>();
  const set = (next: ConnectionState) => {
    state = next;
    listeners.forEach((l) => l());
  };
  return {
    get: () => state,
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    success(nowMs = Date.now()) {
      if (state.connected && state.lastSuccessMs !== undefined && nowMs - state.lastSuccessMs < 1000) return;
      set({ connected: true, lastSuccessMs: nowMs });
    },
    failure(message: string) {
      if (!state.connected && state.lastError === message) return;
      set({ connected: false, lastSuccessMs: state.lastSuccessMs, lastError: message });
    },
  };
}

export const connection = createConnectionStore();

export function useConnection(): ConnectionState {
  return useSyncExternalStore(connection.subscribe, connection.get, connection.get);
}
