// "Disconnected — showing data as of 14:02:11": when the hub stops answering, everything on the
// page freezes visibly (greyed) instead of looking live.
import { useConnection } from "../api/connection";
import { formatClock } from "../lib/format";

export function ConnectionBanner() {
  const c = useConnection();
  if (c.connected) return null;
  return (
    <div role="alert" className="border-t border-crit/60 bg-[var(--crit-bg)] px-4 py-2 text-sm font-medium text-crit" data-testid="connection-banner">
      <span aria-hidden="true">✕ </span>
      Disconnected from the hub — showing data as of {c.lastSuccessMs ? formatClock(c.lastSuccessMs) : "never"}; retrying.
      {c.lastError && <span className="ml-2 font-normal opacity-80">({c.lastError})</span>}
    </div>
  );
}
