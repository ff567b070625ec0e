import { describe, expect, it } from "vitest";
import { jobFindings, trailingIdleSeconds } from "./findings";
import { buildJobs, meanUtil } from "./jobs";
import { buildGpus } from "./gpus";

const step = 60;
const series = (vals: (number | null)[], t0 = 0) => ({ ts: vals.map((_, i) => t0 + i * step), util: vals });

describe("trailingIdleSeconds", () => {
  it("measures the idle stretch at the end", () => {
    const { ts, util } = series([90, 90, 1, 0, 2]);
    expect(trailingIdleSeconds(ts, util, 4 * step)).toBe(2 * step);
  });
  it("is 0 for a busy GPU", () => {
    const { ts, util } = series([0, 0, 50]);
    expect(trailingIdleSeconds(ts, util, 2 * step)).toBe(0);
  });
  it("does not count a gap as busy or idle", () => {
    const { ts, util } = series([90, 0, null, 0, null]);
    expect(trailingIdleSeconds(ts, util, 4 * step)).toBe(3 * step);
  });
});

describe("jobFindings", () => {
  const now = 4 * 3600;
  const busy = (label: string) => ({ label, ...series(Array.from({ length: 241 }, () => 80)) });
  it("says which GPU of how many has been idle and for how long", () => {
    const idleLate = Array.from({ length: 241 }, (_, i) => (i < 60 ? 80 : 0));
    const f = jobFindings([busy("n/gpu0"), busy("n/gpu1"), { label: "n/gpu2", ...series(idleLate) }, busy("n/gpu3")], 0, now);
    expect(f).toContainEqual({ severity: "warn", text: "GPU 3 of 4 (n/gpu2) idle for 3 h." });
  });
  it("calls a GPU idle for the whole job waste", () => {
    const f = jobFindings([busy("n/gpu0"), { label: "n/gpu1", ...series(Array.from({ length: 241 }, () => 0)) }], 0, now);
    expect(f[0]).toEqual({ severity: "crit", text: "GPU 2 of 2 (n/gpu1) has been idle for the whole job (4 h)." });
  });
  it("never judges a GPU without data", () => {
    const f = jobFindings([busy("n/gpu0"), { label: "n/gpu1", ts: [], util: [] }], 0, now);
    expect(f.map((x) => x.text)).toContain("No utilization data for n/gpu1: its exporter may be down, so it is not judged.");
    expect(f.some((x) => x.severity !== "info")).toBe(false);
  });
  it("flags low mean utilization and small memory use", () => {
    const low = { label: "n/gpu0", ...series(Array.from({ length: 241 }, () => 10)), memMaxMib: 2048, memTotalMib: 81920 };
    const texts = jobFindings([low], 0, now).map((x) => x.text);
    expect(texts.some((t) => t.startsWith("Mean GPU utilization over the range is 10 %"))).toBe(true);
    expect(texts.some((t) => t.startsWith("At most 2.0 GiB of GPU memory"))).toBe(true);
  });
  it("reports a healthy job as such", () => {
    expect(jobFindings([busy("n/gpu0")], 0, now)).toEqual([{ severity: "info", text: "No problems found: every GPU is busy." }]);
  });
});

describe("buildJobs", () => {
  it("joins Slurm's jobs with GPU utilization", () => {
    const gpus = buildGpus([{ metric: { __name__: "DCGM_FI_DEV_GPU_UTIL", Hostname: "node1", gpu: "2" }, t: 0, v: 55 }]);
    const jobs = buildJobs(
      [
        { metric: { __name__: "slurm_job_info", job_id: "9", user: "ada", account: "phys", partition: "gpu", nodes: "node1" }, t: 0, v: 1 },
        { metric: { __name__: "slurm_job_start_time_seconds", job_id: "9" }, t: 0, v: 1000 },
        { metric: { __name__: "slurm_job_gpu", job_id: "9", user: "ada", node: "node1", gpu: "2" }, t: 0, v: 1 },
        { metric: { __name__: "slurm_job_gpu", job_id: "9", user: "ada", node: "node1", gpu: "3" }, t: 0, v: 1 },
      ],
      gpus,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: "9", user: "ada", startMs: 1_000_000 });
    expect(jobs[0]!.gpus).toEqual([
      { host: "node1", index: 2, util: 55, model: undefined },
      { host: "node1", index: 3, util: undefined, model: undefined },
    ]);
    expect(meanUtil(jobs[0]!.gpus)).toBe(55);
  });
});
