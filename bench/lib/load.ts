import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon, { type AutocannonResult } from 'autocannon';

/** One measured run against one target: what every scenario reports. */
export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  /** Latency percentiles in ms (autocannon's are whole ms; the sequential loops' have decimals). */
  p50: number;
  p99: number;
  /** autocannon's tail (whole ms), in the JSON only: where p99 comes from. */
  tail?: { p90: number; p97_5: number; p99_9: number; max: number };
  /** Each operation's time in ms, in order (downloads, walks, exports: a few each), in the JSON only. */
  timesMs?: number[];
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Bytes of response bodies per second (downloads, exports). */
  bytesPerSecond?: number;
  bytes?: number;
}

export interface RequestSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface CannonSpec extends RequestSpec {
  connections: number;
  durationS?: number;
  amount?: number;
  timeoutS?: number;
}

function fromCannon(result: AutocannonResult): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const requests = result.requests.total;
  return {
    requests,
    durationS: result.duration,
    rps: result.duration > 0 ? requests / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    tail: { p90: result.latency.p90, p97_5: result.latency.p97_5, p99_9: result.latency.p99_9, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes,
  };
}

/** autocannon on loopback with keep-alive connections. */
export async function cannon(spec: CannonSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationS ?? 5 }),
    timeout: spec.timeoutS ?? 30,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  });
  return fromCannon(result);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

interface Reply {
  status: number;
  bytes: number;
  /** Number of \n bytes in the body (NDJSON lines), when counted. */
  newlines?: number;
  body?: string;
}

/**
 * One request over `agent`; the body is read, and kept (`collect: 'body'`) or its lines counted (`collect: 'lines'`).
 * Otherwise it is only measured: the load generator shares the machine, so it does no work it is not asked for.
 */
export function request(agent: http.Agent, spec: RequestSpec, collect?: 'body' | 'lines'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(spec.url, { method: spec.method ?? 'GET', headers: spec.headers, agent }, (res) => {
      let bytes = 0;
      let newlines = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (collect === 'lines') for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
        else if (collect === 'body') chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          ...(collect === 'lines' ? { newlines } : {}),
          ...(collect === 'body' ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (spec.body !== undefined) req.end(spec.body);
    else req.end();
  });
}

/**
 * Unloaded latency: `count` requests one after the other over one keep-alive socket, each timed with
 * performance.now() (autocannon bins latency in whole milliseconds, too coarse at c=1).
 */
export async function sequential(spec: RequestSpec, count: number, maxDurationMs = 10_000): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let non2xx = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < count && performance.now() - started < maxDurationMs; i++) {
      const t0 = performance.now();
      try {
        const reply = await request(agent, spec);
        times.push(performance.now() - t0);
        statusCodes[reply.status] = (statusCodes[reply.status] ?? 0) + 1;
        if (reply.status < 200 || reply.status >= 300) non2xx++;
      } catch {
        errors++;
      }
    }
  } finally {
    agent.destroy();
  }
  const elapsedS = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    durationS: round3(elapsedS),
    rps: times.length / elapsedS,
    p50: round3(percentile(times, 50)),
    p99: round3(percentile(times, 99)),
    non2xx,
    errors,
    statusCodes,
  };
}

type Operation = () => Promise<{ ok: boolean; bytes?: number; requests?: number }>;

/** Latencies, failures and bytes of one side's operations, summed up as a LoadResult. */
class Tally {
  private readonly times: number[] = [];
  private errors = 0;
  private non2xx = 0;
  private bytes = 0;
  private requests = 0;

  async run(once: Operation): Promise<void> {
    const t0 = performance.now();
    try {
      const outcome = await once();
      this.times.push(performance.now() - t0);
      if (!outcome.ok) this.non2xx++;
      this.bytes += outcome.bytes ?? 0;
      this.requests += outcome.requests ?? 1;
    } catch {
      this.errors++;
    }
  }

  /** `elapsedS` is the time the rate is over; throughput is over the operations' own time. */
  result(elapsedS: number): LoadResult {
    const busyS = this.busyS();
    const times = [...this.times].sort((a, b) => a - b);
    return {
      requests: this.requests,
      durationS: round3(elapsedS),
      rps: times.length / elapsedS,
      p50: round3(percentile(times, 50)),
      p99: round3(percentile(times, 99)),
      non2xx: this.non2xx,
      errors: this.errors,
      statusCodes: {},
      ...(this.bytes > 0 ? { bytes: this.bytes, bytesPerSecond: this.bytes / busyS } : {}),
      timesMs: this.times.map(round3),
    };
  }

  busyS(): number {
    return this.times.reduce((a, b) => a + b, 0) / 1000;
  }
}

/**
 * Repeats `once` (a multi-request operation, e.g. a download or a cursor walk) `count` times in a row and
 * reports its latency distribution (ms, with decimals) and, when it returns bytes, the throughput.
 */
export async function repeated(count: number, once: Operation, maxDurationMs = 20_000): Promise<LoadResult> {
  const tally = new Tally();
  const started = performance.now();
  for (let i = 0; i < count && (i === 0 || performance.now() - started < maxDurationMs); i++) await tally.run(once);
  return tally.result((performance.now() - started) / 1000);
}

/**
 * Runs `a` and `b` in turns, `count` times each, so that both sides see the same machine: a drift in speed
 * (another tenant of the host, a CPU clock, a JIT warming up in a process both sides use) falls on both.
 * Each side's rate is over its own operations' time.
 */
export async function alternated(count: number, a: Operation, b: Operation): Promise<[LoadResult, LoadResult]> {
  const sides = [new Tally(), new Tally()] as const;
  for (let i = 0; i < count; i++) {
    await sides[0].run(a);
    await sides[1].run(b);
  }
  return [sides[0].result(sides[0].busyS()), sides[1].result(sides[1].busyS())];
}

/** `count` requests sent all at once (one connection each): a burst. Latency per request, ms with decimals. */
export async function burst(spec: RequestSpec, count: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count });
  const statusCodes: Record<string, number> = {};
  const times: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const t0 = performance.now();
      try {
        const reply = await request(agent, spec);
        times.push(performance.now() - t0);
        statusCodes[reply.status] = (statusCodes[reply.status] ?? 0) + 1;
        if (reply.status < 200 || reply.status >= 300) non2xx++;
      } catch {
        errors++;
      }
    }),
  );
  agent.destroy();
  const elapsedS = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    durationS: round3(elapsedS),
    rps: times.length / elapsedS,
    p50: round3(percentile(times, 50)),
    p99: round3(percentile(times, 99)),
    non2xx,
    errors,
    statusCodes,
  };
}
