/**
 * A/B of two builds of the service on get item details (audited): one simulator, each service on a fresh database
 * of DATABASE_URL's server, a warm-up each, then short measuring windows alternating between the two, the order
 * reversed every round. On these shared 2-core machines a full `npm run bench` moves by 10-30% from one hour to
 * the next; alternating lets a slower or faster stretch weigh on both builds alike, so a change of a few percent
 * shows in the medians.
 *
 *   git worktree add /tmp/ab-base <commit> && ln -s "$PWD/node_modules" /tmp/ab-base/node_modules
 *   (cd /tmp/ab-base && npx tsc -p tsconfig.build.json) && npm run build
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/ab.js --base /tmp/ab-base \
 *     [--rounds 12] [--window 4] [--warm 8] [--connections 32]
 *
 * A is the build under --base, B this checkout's. CPU is the service process's (user + system, /proc) over the
 * window, divided by the requests answered in it; "db" the same for every process named `postgres` on this machine
 * (DATABASE_URL's server when it is local; both services share it, and only the one measured is loaded).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../src/common/net/ports.util.js';
import { createBenchAccount, ITEM_RICH, serviceEnv, startSimulator, svcHeaders, VAULT_FILES } from './lib/bench-setup.js';
import { cannon } from './lib/load.js';
import { cpuByPid, cpuMicros, cpuSince, pidsNamed } from './lib/proc-stats.js';
import { Child } from './lib/processes.js';
import { parseStartScript } from './lib/start-script.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const numberOption = (name: string, fallback: number): number => {
  const value = Number(option(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};

interface Side {
  label: 'A' | 'B';
  root: string;
  child?: Child;
  database?: string;
  url?: string;
  headers?: Record<string, string>;
  cpu: number[];
  db: number[];
  rps: number[];
  p99: number[];
}

interface Window {
  cpuUs: number;
  dbUs: number;
  rps: number;
  p99: number;
  failed: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function startService(side: Side, adminUrl: string, sim: { url: string; token: string }): Promise<void> {
  side.database = `wrk_ab_${side.label.toLowerCase()}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${side.database}`);
  await admin.end();
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${side.database}`;

  const port = await freePort();
  const platformKey = `ab-platform-${randomBytes(24).toString('hex')}`;
  const start = parseStartScript((JSON.parse(readFileSync(join(side.root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start);
  const env = { ...serviceEnv(port, platformKey), ...start.env, DATABASE_URL: databaseUrl.toString() };
  side.child = Child.start(`service ${side.label}`, process.execPath, [...start.nodeFlags, join(side.root, start.entry)], { env, cwd: side.root });
  await side.child.waitFor(/listening on/, 180_000);
  const serviceUrl = `http://127.0.0.1:${port}`;
  const bench = await createBenchAccount(serviceUrl, platformKey, sim);
  side.url = `${serviceUrl}/v1/connected-accounts/${bench.accountId}/vaults/${VAULT_FILES}/items/${ITEM_RICH}`;
  side.headers = svcHeaders(bench.operatorKey);
}

async function measure(side: Side, connections: number, seconds: number): Promise<Window> {
  const pid = side.child!.pid;
  const before = cpuMicros(pid);
  const dbBefore = cpuByPid(pidsNamed('postgres'));
  const result = await cannon({ url: side.url!, headers: side.headers, connections, durationS: seconds });
  const cpu = cpuMicros(pid) - before;
  const db = cpuSince(pidsNamed('postgres'), dbBefore);
  const per = (micros: number) => (result.requests > 0 ? micros / result.requests : 0);
  return { cpuUs: per(cpu), dbUs: per(db), rps: result.rps, p99: result.p99, failed: result.non2xx + result.errors };
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  const base = option('base');
  if (!adminUrl || !base) throw new Error('usage: DATABASE_URL=<server> node dist/bench/ab.js --base <checkout of the other build> [--rounds N] [--window S] [--warm S] [--connections C]');
  const rounds = numberOption('rounds', 12);
  const window = numberOption('window', 4);
  const warm = numberOption('warm', 8);
  const connections = numberOption('connections', 32);

  const sides: [Side, Side] = [
    { label: 'A', root: resolve(base), cpu: [], db: [], rps: [], p99: [] },
    { label: 'B', root: ROOT, cpu: [], db: [], rps: [], p99: [] },
  ];
  const work = mkdtempSync(join(os.tmpdir(), 'wrk-ab-'));
  let sim: Child | undefined;
  const cleanup = async () => {
    for (const side of sides) await side.child?.stop().catch(() => undefined);
    await sim?.stop().catch(() => undefined);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect().then(
      async () => {
        for (const side of sides) if (side.database) await admin.query(`DROP DATABASE IF EXISTS ${side.database} WITH (FORCE)`);
      },
      () => undefined,
    ).finally(() => admin.end());
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const simulator = await startSimulator(ROOT, work);
    sim = simulator.child;
    for (const side of sides) await startService(side, adminUrl, simulator);
    for (const side of sides) await measure(side, connections, warm);
    let failed = 0;
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? sides : ([sides[1], sides[0]] as const);
      const line: string[] = [];
      for (const side of order) {
        const w = await measure(side, connections, window);
        side.cpu.push(w.cpuUs);
        side.db.push(w.dbUs);
        side.rps.push(w.rps);
        side.p99.push(w.p99);
        failed += w.failed;
        line.push(`${side.label} ${Math.round(w.cpuUs)} µs/req (db ${Math.round(w.dbUs)}) ${Math.round(w.rps)} req/s p99 ${w.p99} ms`);
      }
      process.stdout.write(`round ${round}: ${line.join(' | ')}\n`);
    }
    const [a, b] = sides;
    const ratios = a.cpu.map((cpu, i) => b.cpu[i] / cpu);
    process.stdout.write(
      `\nmedian CPU a request: A ${Math.round(median(a.cpu))} µs, B ${Math.round(median(b.cpu))} µs; B/A by round: median ${median(ratios).toFixed(3)}, B lower in ${ratios.filter((r) => r < 1).length} of ${rounds}\n` +
      `median db CPU a request: A ${Math.round(median(a.db))} µs, B ${Math.round(median(b.db))} µs\n` +
      `median req/s: A ${Math.round(median(a.rps))}, B ${Math.round(median(b.rps))}; median p99: A ${median(a.p99)} ms, B ${median(b.p99)} ms; failed responses: ${failed}\n`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
