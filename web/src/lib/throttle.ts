// NVML clock event (throttle) reasons. The exporter publishes one
// `gpuwatchdog_gpu_throttle_reason{reason}` series per reason and the DCGM-style bitmask
// `DCGM_FI_DEV_CLOCK_THROTTLE_REASONS`; the bitmask is decoded when the per-reason series are
// absent (an older exporter, or Prometheus scraping dcgm-exporter directly).

const BITS: [number, string][] = [
  [0x1, "gpu_idle"],
  [0x2, "applications_clocks_setting"],
  [0x4, "sw_power_cap"],
  [0x8, "hw_slowdown"],
  [0x10, "sync_boost"],
  [0x20, "sw_thermal_slowdown"],
  [0x40, "hw_thermal_slowdown"],
  [0x80, "hw_power_brake_slowdown"],
  [0x100, "display_clock_setting"],
];

const LABELS: Record<string, string> = {
  gpu_idle: "idle",
  applications_clocks_setting: "app clocks",
  sw_power_cap: "power cap",
  hw_slowdown: "HW slowdown",
  sync_boost: "sync boost",
  sw_thermal_slowdown: "thermal (SW)",
  hw_thermal_slowdown: "thermal (HW)",
  hw_power_brake_slowdown: "power brake",
  display_clock_setting: "display clock",
};

/** Reasons that mean the GPU is held back (idle and app clocks are benign). */
const HARMFUL = new Set([
  "sw_power_cap",
  "hw_slowdown",
  "sw_thermal_slowdown",
  "hw_thermal_slowdown",
  "hw_power_brake_slowdown",
]);

export function decodeThrottleMask(mask: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of BITS) {
    if ((mask & bit) !== 0) out.push(name);
  }
  return out;
}

export function throttleLabel(reason: string): string {
  return LABELS[reason] ?? reason.replace(/_/g, " ");
}

export function isHarmfulThrottle(reason: string): boolean {
  return HARMFUL.has(reason);
}
