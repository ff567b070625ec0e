// "Simulated GPUs": on every page while any exporter runs on nvml-sim, GPU Watchdog's simulated
// NVIDIA driver (gpuwatchdog_exporter_nvml_simulated 1), so nobody takes its values for real
// hardware readings. Not dismissable; nothing at all when the metric is absent or all 0.
import { useSimulatedGpus } from "../api/queries";

/** The banner's words for `simulated` of `total` GPU nodes; null when there is nothing to say. */
export function simulatedMessage(simulated: number, total: number): { lead: string; rest: string } | null {
  if (simulated <= 0 || total <= 0) return null;
  if (simulated >= total) {
    return {
      lead: "All GPUs on this dashboard are simulated",
      rest: " (nvml-sim, GPU Watchdog's simulated driver): their values are not real hardware readings.",
    };
  }
  const one = simulated === 1;
  return {
    lead: "Simulated GPUs:",
    rest: ` ${simulated} of ${total} GPU nodes ${one ? "runs" : "run"} nvml-sim, GPU Watchdog's simulated driver; ${one ? "its" : "their"} values are not real hardware readings.`,
  };
}

export function SimulatedBanner() {
  const { simulated, total } = useSimulatedGpus();
  const msg = simulatedMessage(simulated, total);
  if (!msg) return null;
  return (
    <div role="status" data-testid="simulated-banner" className="border-t border-line bg-[var(--ok-bg)] text-xs text-fg">
      <p className="mx-auto my-0 flex max-w-[1800px] items-baseline gap-2 px-4 py-1">
        <span aria-hidden="true" className="text-info">
          ◇
        </span>
        <span>
          <strong className="font-semibold">{msg.lead}</strong>
          {msg.rest}
        </span>
      </p>
    </div>
  );
}
