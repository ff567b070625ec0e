import { describe, expect, it } from "vitest";
import { ApiError, PromClient, byName, parseInstant, parseMatrix, parseValue, scalarOf } from "./prom";

function fakeFetch(status: number, body: unknown, seen: { url?: string; init?: RequestInit } = {}) {
  return async (url: string, init?: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  };
}

describe("prom parsing", () => {
  it("parses Prometheus sample values, NaN staying NaN", () => {
    expect(parseValue("1e-07")).toBe(1e-7);
    expect(parseValue("+Inf")).toBe(Infinity);
    expect(parseValue("-Inf")).toBe(-Infinity);
    expect(Number.isNaN(parseValue("NaN"))).toBe(true);
  });
  it("parses vectors and scalars with times in ms", () => {
    const v = parseInstant({ resultType: "vector", result: [{ metric: { a: "1" }, value: [1700000000.5, "42"] }] });
    expect(v).toEqual([{ metric: { a: "1" }, t: 1700000000500, v: 42 }]);
    expect(parseInstant({ resultType: "scalar", result: [4, "2"] })[0]!.v).toBe(2);
  });
  it("rejects a matrix where a vector is expected, and the reverse", () => {
    expect(() => parseInstant({ resultType: "matrix", result: [] })).toThrow(ApiError);
    expect(() => parseMatrix({ resultType: "vector", result: [] })).toThrow(/expected a matrix/);
  });
  it("groups samples by name", () => {
    const g = byName([
      { metric: { __name__: "a" }, t: 0, v: 1 },
      { metric: { __name__: "b" }, t: 0, v: 2 },
    ]);
    expect(scalarOf(g, "b")).toBe(2);
    expect(scalarOf(g, "missing")).toBeUndefined();
  });
});

describe("PromClient", () => {
  it("POSTs queries as a form body", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const c = new PromClient("", fakeFetch(200, { status: "success", data: { resultType: "vector", result: [] } }, seen));
    await c.query('up{job="gpu"}', 1_700_000_000_000);
    expect(seen.url).toBe("/api/v1/query");
    expect(seen.init?.method).toBe("POST");
    const body = new URLSearchParams(String(seen.init?.body));
    expect(body.get("query")).toBe('up{job="gpu"}');
    expect(body.get("time")).toBe("1700000000.000");
  });
  it("sends range parameters in seconds", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const c = new PromClient("", fakeFetch(200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: [[10, "1"], [25, "NaN"]] }] } }, seen));
    const r = await c.queryRange("x", 10_000, 25_000, 15);
    const body = new URLSearchParams(String(seen.init?.body));
    expect([body.get("start"), body.get("end"), body.get("step")]).toEqual(["10.000", "25.000", "15"]);
    expect(r[0]!.ts).toEqual([10, 25]);
    expect(Number.isNaN(r[0]!.values[1])).toBe(true);
  });
  it("GETs alerts and rules", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const c = new PromClient("", fakeFetch(200, { status: "success", data: { alerts: [{ labels: { alertname: "X" }, annotations: {}, state: "firing" }] } }, seen));
    const a = await c.alerts();
    expect(seen.init?.method).toBe("GET");
    expect(a[0]!.labels.alertname).toBe("X");
  });
  it("turns the error envelope into an ApiError with its type", async () => {
    const c = new PromClient("", fakeFetch(400, { status: "error", errorType: "bad_data", error: "1:4: parse error" }));
    const e = await c.query("up{").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).errorType).toBe("bad_data");
    expect((e as ApiError).isConnectionError).toBe(false);
  });
  it("reports an unreachable hub as a connection error", async () => {
    const c = new PromClient("", async () => {
      throw new TypeError("Failed to fetch");
    });
    const e = (await c.query("up").catch((x: unknown) => x)) as ApiError;
    expect(e.isConnectionError).toBe(true);
  });
  it("reports a proxy's 502 page as a connection error", async () => {
    const c = new PromClient("", fakeFetch(502, "<html>Bad Gateway</html>"));
    const e = (await c.query("up").catch((x: unknown) => x)) as ApiError;
    expect(e.isConnectionError).toBe(true);
  });
});
