// A small client for the hub's Prometheus-compatible API (/api/v1/*, docs/api.md). Pure
// parsing lives here so it is unit-tested; React hooks that poll it are in hooks.ts.

export type Labels = Record<string, string>;

export interface InstantSample {
  metric: Labels;
  /** Sample time, ms since the epoch. */
  t: number;
  /** The value; NaN stays NaN (never 0). */
  v: number;
}

export interface RangeSeries {
  metric: Labels;
  /** Timestamps in seconds (uPlot's unit). */
  ts: number[];
  values: number[];
}

export interface Alert {
  labels: Labels;
  annotations: Labels;
  state: "firing" | "pending" | "inactive" | string;
  activeAt?: string;
  value?: string;
}

export interface RuleGroup {
  name: string;
  file?: string;
  rules: Rule[];
}

export interface Rule {
  name: string;
  type: "alerting" | "recording" | string;
  query: string;
  state?: string;
  health?: string;
  lastError?: string;
  duration?: number;
  labels?: Labels;
  annotations?: Labels;
  alerts?: Alert[];
}

/** An error the hub answered in Prometheus' envelope, or a transport failure. */
export class ApiError extends Error {
  readonly errorType: string;
  readonly status: number;
  constructor(message: string, errorType: string, status: number) {
    super(message);
    this.name = "ApiError";
    this.errorType = errorType;
    this.status = status;
  }
  /** True when the hub could not be reached at all (network error, proxy 502/504). */
  get isConnectionError(): boolean {
    return this.errorType === "connection" || this.status === 502 || this.status === 504;
  }
}

/** Parses a Prometheus sample value: "NaN", "+Inf", "-Inf", "1e-07". */
export function parseValue(s: string): number {
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s);
}

interface Envelope<T> {
  status: "success" | "error";
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

type InstantData =
  | { resultType: "vector"; result: { metric: Labels; value: [number, string] }[] }
  | { resultType: "scalar"; result: [number, string] }
  | { resultType: "matrix"; result: { metric: Labels; values: [number, string][] }[] }
  | { resultType: "string"; result: [number, string] };

export function parseInstant(data: InstantData): InstantSample[] {
  switch (data.resultType) {
    case "vector":
      return data.result.map((r) => ({ metric: r.metric, t: r.value[0] * 1000, v: parseValue(r.value[1]) }));
    case "scalar":
      return [{ metric: {}, t: data.result[0] * 1000, v: parseValue(data.result[1]) }];
    default:
      throw new ApiError(`expected a vector or scalar, got ${data.resultType}`, "bad_data", 200);
  }
}

export function parseMatrix(data: InstantData): RangeSeries[] {
  if (data.resultType !== "matrix") {
    throw new ApiError(`expected a matrix, got ${data.resultType}`, "bad_data", 200);
  }
  return data.result.map((r) => ({
    metric: r.metric,
    ts: r.values.map((p) => p[0]),
    values: r.values.map((p) => parseValue(p[1])),
  }));
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export const QUERY_PATH = "/api/v1/query";
export const QUERY_RANGE_PATH = "/api/v1/query_range";
export const ALERTS_PATH = "/api/v1/alerts";

/** The form body of an instant query at `timeMs` ("now", the hub's clock, when undefined). */
export function instantBody(expr: string, timeMs?: number): string {
  const p = new URLSearchParams({ query: expr });
  if (timeMs !== undefined && Number.isFinite(timeMs)) p.set("time", (timeMs / 1000).toFixed(3));
  return p.toString();
}

/** The form body of a range query. */
export function rangeBody(expr: string, startMs: number, endMs: number, stepS: number): string {
  return new URLSearchParams({
    query: expr,
    start: (startMs / 1000).toFixed(3),
    end: (endMs / 1000).toFixed(3),
    step: String(stepS),
  }).toString();
}

/**
 * How every request to the hub is sent. Queries go as POST with a form body, as Grafana does, so
 * long PromQL never hits URL length limits; /alerts and /rules are GET-only in Prometheus.
 */
export function requestInit(body: string | null, signal?: AbortSignal): RequestInit {
  return body !== null
    ? {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body,
        signal,
      }
    : { method: "GET", headers: { Accept: "application/json" }, signal };
}

export class PromClient {
  private readonly base: string;
  private readonly fetcher: Fetcher;
  constructor(base = "", fetcher: Fetcher = (i, init) => fetch(i, init)) {
    this.base = base;
    this.fetcher = fetcher;
  }

  /**
   * `early`, when given, is the same request already sent (early.ts, before this bundle ran): its
   * answer is read instead of asking again; when it failed to reach the hub, the request is sent
   * anew.
   */
  private async call<T>(path: string, body: string | null, signal?: AbortSignal, early?: Promise<Response>): Promise<T> {
    const send = () => this.fetcher(`${this.base}${path}`, requestInit(body, signal));
    let res: Response;
    try {
      res = await (early ? early.catch(send) : send());
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw new ApiError(`cannot reach the hub: ${(e as Error).message}`, "connection", 0);
    }
    let env: Envelope<T> | undefined;
    try {
      env = (await res.json()) as Envelope<T>;
    } catch {
      throw new ApiError(`the hub answered ${res.status} without JSON on ${path}`, "connection", res.status);
    }
    if (env.status !== "success" || env.data === undefined) {
      throw new ApiError(env.error ?? `HTTP ${res.status}`, env.errorType ?? "unknown", res.status);
    }
    return env.data;
  }

  async query(expr: string, timeMs?: number, signal?: AbortSignal, early?: Promise<Response>): Promise<InstantSample[]> {
    return parseInstant(await this.call<InstantData>(QUERY_PATH, instantBody(expr, timeMs), signal, early));
  }

  async queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepS: number,
    signal?: AbortSignal,
    early?: Promise<Response>,
  ): Promise<RangeSeries[]> {
    return parseMatrix(await this.call<InstantData>(QUERY_RANGE_PATH, rangeBody(expr, startMs, endMs, stepS), signal, early));
  }

  async alerts(signal?: AbortSignal, early?: Promise<Response>): Promise<Alert[]> {
    const d = await this.call<{ alerts: Alert[] }>(ALERTS_PATH, null, signal, early);
    return d.alerts ?? [];
  }

  async rules(signal?: AbortSignal): Promise<RuleGroup[]> {
    const d = await this.call<{ groups: RuleGroup[] }>("/api/v1/rules", null, signal);
    return d.groups ?? [];
  }
}

/** Groups instant samples by metric name, for queries that fetch several metrics at once. */
export function byName(samples: InstantSample[]): Map<string, InstantSample[]> {
  const out = new Map<string, InstantSample[]>();
  for (const s of samples) {
    const n = s.metric.__name__ ?? "";
    let list = out.get(n);
    if (!list) out.set(n, (list = []));
    list.push(s);
  }
  return out;
}

/** The single value of a metric without distinguishing labels (cluster totals). */
export function scalarOf(groups: Map<string, InstantSample[]>, name: string): number | undefined {
  const list = groups.get(name);
  if (!list || list.length === 0) return undefined;
  return list[0]!.v;
}
