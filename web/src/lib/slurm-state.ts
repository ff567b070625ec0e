// Slurm node states as sinfo prints them (`mixed`, `idle+drain`, `down*`, `drained`, `idle~`),
// parsed without losing the suffix flags: `*` (not responding) is the signal a watchdog needs.

export type Tone = "ok" | "info" | "warn" | "crit" | "muted";

export interface SlurmNodeState {
  /** The text as Slurm printed it. */
  raw: string;
  /** Base state without flags: "idle", "mixed", "allocated", "down", "drained", ... */
  base: string;
  /** `+flag` modifiers in lower case: "drain", "maint", "reboot_requested", ... */
  modifiers: string[];
  notResponding: boolean;
  drain: boolean;
  down: boolean;
  maint: boolean;
  fail: boolean;
  /** Plain-language notes for the suffix symbols present. */
  suffixNotes: string[];
  tone: Tone;
  /** Short label for a badge: base state plus the important flags. */
  label: string;
}

const SUFFIXES: Record<string, string> = {
  "*": "not responding",
  "~": "powered off",
  "#": "powering up or being configured",
  "!": "pending power down",
  "%": "powering down",
  $: "in a maintenance reservation",
  "@": "pending reboot",
  "^": "reboot issued",
  "-": "planned by backfill",
};

const ALIASES: Record<string, string> = {
  alloc: "allocated",
  mix: "mixed",
  comp: "completing",
  drng: "draining",
  drain: "drained",
  resv: "reserved",
  unk: "unknown",
  npc: "not_responding",
  plnd: "planned",
};

export function parseSlurmState(raw: string | undefined): SlurmNodeState {
  const text = (raw ?? "").trim().toLowerCase();
  const parts = text.split("+");
  let head = parts[0] ?? "";
  const suffixNotes: string[] = [];
  let notResponding = false;
  let maintResv = false;
  while (head.length > 0 && SUFFIXES[head[head.length - 1]!] !== undefined) {
    const c = head[head.length - 1]!;
    suffixNotes.unshift(SUFFIXES[c]!);
    if (c === "*") notResponding = true;
    if (c === "$") maintResv = true;
    head = head.slice(0, -1);
  }
  const base = ALIASES[head] ?? (head || "unknown");
  const modifiers = parts.slice(1).map((m) => m.replace(/[*~#!%$@^-]+$/, ""));
  if (modifiers.includes("not_responding")) notResponding = true;
  const drain = base === "drained" || base === "draining" || modifiers.includes("drain");
  const down = base === "down" || modifiers.includes("down");
  const fail = base === "fail" || base === "failing" || modifiers.includes("fail");
  const maint = base === "maint" || modifiers.includes("maint") || maintResv;

  let tone: Tone = "ok";
  if (base === "idle") tone = "info";
  if (drain || maint || modifiers.includes("reboot_requested")) tone = "warn";
  if (down || fail || notResponding || base === "inval" || base === "error" || base === "unknown") tone = "crit";
  if (base === "future" || base === "planned") tone = "muted";

  const flags: string[] = [];
  if (drain && base !== "drained" && base !== "draining") flags.push("drain");
  if (maint && base !== "maint") flags.push("maint");
  if (down && base !== "down") flags.push("down");
  if (fail && base !== "fail" && base !== "failing") flags.push("fail");
  if (notResponding) flags.push("not responding");
  const label = [base, ...flags].join(" · ");

  return { raw: raw ?? "", base, modifiers, notResponding, drain, down, maint, fail, suffixNotes, tone, label };
}
