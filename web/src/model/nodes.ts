// Nodes as Slurm sees them (slurm_node_* series of the Slurm exporter), joined with the health
// of each node's GPU exporter (`up` and its last collection time) and its GPUs' load.
import type { InstantSample } from "../api/prom";
import { parseSlurmState, type SlurmNodeState } from "../lib/slurm-state";
import { naturalCompare, type Gpu } from "./gpus";

/** An exporter whose last collection is older than this is shown as stale. */
export const STALE_AFTER_MS = 90_000;

export interface ExporterHealth {
  instance?: string;
  /** 1: the hub's last scrape worked; 0: it failed; undefined: no such target. */
  up?: number;
  /** The exporter's last collection (ms), from its own timestamp metric. */
  lastSeenMs?: number;
  stale: boolean;
}

export interface NodeRow {
  name: string;
  address?: string;
  state?: SlurmNodeState;
  partitions: string[];
  cpuAlloc?: number;
  cpuTotal?: number;
  memAllocMb?: number;
  memTotalMb?: number;
  gpus?: number;
  gpusAlloc?: number;
  exporter: ExporterHealth;
}

const NODE_FIELDS: Record<string, keyof NodeRow> = {
  slurm_node_cpu_alloc: "cpuAlloc",
  slurm_node_cpu_total: "cpuTotal",
  slurm_node_mem_alloc: "memAllocMb",
  slurm_node_mem_total: "memTotalMb",
  slurm_node_gpus: "gpus",
  slurm_node_gpus_alloc: "gpusAlloc",
};

export function hostOfInstance(instance: string): string {
  return instance.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

export interface NodeInputs {
  /** slurm_node_* series. */
  slurm: InstantSample[];
  /** `up` of every target. */
  up: InstantSample[];
  /** last_over_time(gpuwatchdog_exporter_last_collection_timestamp_seconds[...]) */
  lastCollection: InstantSample[];
  /** GPU records (at least Hostname, gpu, instance). */
  gpus: Gpu[];
  nowMs: number;
}

export function buildNodes(inp: NodeInputs): NodeRow[] {
  const nodes = new Map<string, NodeRow>();
  const get = (name: string) => {
    let n = nodes.get(name);
    if (!n) nodes.set(name, (n = { name, partitions: [], exporter: { stale: false } }));
    return n;
  };
  for (const s of inp.slurm) {
    const name = s.metric.node;
    if (!name) continue;
    const n = get(name);
    if (s.metric.__name__ === "slurm_node_info") {
      n.state = parseSlurmState(s.metric.state);
      n.address = s.metric.address;
      n.partitions = (s.metric.partitions ?? "").split(",").filter(Boolean);
    } else {
      const f = NODE_FIELDS[s.metric.__name__ ?? ""];
      if (f) (n as unknown as Record<string, number>)[f] = s.v;
    }
  }
  // Which exporter instance belongs to which node: learnt from GPU series (they carry both
  // Hostname and instance); otherwise the instance's host part is taken as the node name.
  const nodeOfInstance = new Map<string, string>();
  for (const g of inp.gpus) {
    if (g.instance) nodeOfInstance.set(g.instance, g.host);
    get(g.host);
  }
  const exporterNode = (instance: string) => nodeOfInstance.get(instance) ?? hostOfInstance(instance);
  for (const s of inp.lastCollection) {
    const inst = s.metric.instance;
    if (!inst) continue;
    const n = nodes.get(exporterNode(inst));
    if (!n) continue;
    n.exporter.instance = inst;
    n.exporter.lastSeenMs = s.v * 1000;
  }
  // `up` counts only for instances known to be GPU exporters (they reported GPUs or their
  // collection time in the lookback window), so a Slurm exporter on a node is not mistaken.
  const known = new Set([...nodeOfInstance.keys(), ...inp.lastCollection.map((s) => s.metric.instance)]);
  for (const s of inp.up) {
    const inst = s.metric.instance;
    if (!inst || !known.has(inst)) continue;
    const n = nodes.get(exporterNode(inst));
    if (!n) continue;
    n.exporter.instance = inst;
    n.exporter.up = s.v;
  }
  for (const n of nodes.values()) {
    const e = n.exporter;
    const old = e.lastSeenMs !== undefined && inp.nowMs - e.lastSeenMs > STALE_AFTER_MS;
    e.stale = e.up === 0 || old;
  }
  return [...nodes.values()].sort((a, b) => naturalCompare(a.name, b.name));
}

export type CellStatus = "ok" | "lost" | "stale" | "nodata";

export interface HeatCell {
  host: string;
  index: number;
  model?: string;
  util?: number;
  jobs: { id: string; user?: string }[];
  allocated: boolean;
  status: CellStatus;
  lastSeenMs?: number;
}

export interface HeatRow {
  node: NodeRow;
  cells: HeatCell[];
}

/**
 * One row per node with one cell per GPU. The number of cells is what Slurm says the node has
 * (slurm_node_gpus) or what the exporter reported, whichever is larger, so a silent exporter
 * still shows its GPUs, marked stale, instead of dropping them.
 */
export function buildHeatGrid(nodes: NodeRow[], gpus: Gpu[], jobGpus: InstantSample[]): HeatRow[] {
  const byKey = new Map(gpus.map((g) => [`${g.host}/${g.index}`, g]));
  const jobsByKey = new Map<string, { id: string; user?: string }[]>();
  for (const s of jobGpus) {
    const { node, gpu, job_id: id, user } = s.metric;
    if (!node || gpu === undefined || !id) continue;
    const k = `${node}/${gpu}`;
    const list = jobsByKey.get(k) ?? [];
    if (!list.some((j) => j.id === id)) list.push({ id, user });
    jobsByKey.set(k, list);
  }
  const rows: HeatRow[] = [];
  for (const node of nodes) {
    let maxIdx = -1;
    for (const g of gpus) if (g.host === node.name) maxIdx = Math.max(maxIdx, g.index);
    const count = Math.max(node.gpus ?? 0, maxIdx + 1);
    if (count === 0) continue;
    const cells: HeatCell[] = [];
    for (let i = 0; i < count; i++) {
      const k = `${node.name}/${i}`;
      const g = byKey.get(k);
      const jobs = jobsByKey.get(k) ?? (g?.jobs ?? []).map((id) => ({ id }));
      let status: CellStatus = "ok";
      if (node.exporter.stale) status = "stale";
      else if (g?.values.up === 0) status = "lost";
      else if (g?.values.util === undefined) status = "nodata";
      cells.push({
        host: node.name,
        index: i,
        model: g?.model,
        util: g?.values.util,
        jobs,
        allocated: jobs.length > 0,
        status,
        lastSeenMs: node.exporter.lastSeenMs,
      });
    }
    rows.push({ node, cells });
  }
  return rows;
}
