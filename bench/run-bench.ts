/**
 * `npm run bench`: the service against the Connect simulator, each scenario measured through the service
 * and, in the same run, against the simulator directly. See README.md, "Performance".
 *
 *   npm run bench                      # every scenario (about 3-4 minutes, build included)
 *   npm run bench -- --profile         # also a V8 CPU profile (node --cpu-prof) of the service during
 *                                      # "get item details c=32" (--profile=<id>: another scenario's window),
 *                                      # summarised at the end (the numbers then carry its cost)
 *   npm run bench -- --only get32,get1 # some scenarios (names in SCENARIOS below)
 *   npm run bench -- --quick           # shorter measuring windows
 *   npm run bench -- --wait-quiet=600  # first wait (at most 600 s) until other processes leave the CPUs alone
 *
 * DATABASE_URL set: a fresh database on that server for the run (dropped after); unset: the service's
 * embedded Postgres in a temporary DATA_DIR. Everything started here is stopped here.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { SEED_ACTIONS, seedActor, seedAuditRecords, seedVault, vacuumAudit } from './lib/audit-seed.js';
import { alternated, burst, cannon, repeated, request, sequential, type LoadResult, type RequestSpec } from './lib/load.js';
import { freePort } from '../src/common/net/ports.util.js';
import { Child } from './lib/processes.js';
import {
  api, createBenchAccount, type CreatedTenant, FILE_BIG, FILE_SIZE, GENERATED_ITEMS, ITEM_BIG, ITEM_PATCH, ITEM_RICH, serviceEnv, startSimulator, svcHeaders,
  VAULT_BENCH, VAULT_FILES, VAULT_WRITES,
} from './lib/bench-setup.js';
import { auditWriterLoad } from './lib/audit-writer-load.js';
import { AUDIT_WRITER_OPTIONS } from '../src/audit/audit-core.module.js';
import { PgAuditStore } from '../src/audit/audit-store.js';
import { AuditWriter } from '../src/audit/audit-writer.js';
import { EnvironmentSchema } from '../src/config/environment.schema.js';
import { cpuByPid, cpuMicros, descendants, descendantsCpuSince, machineBusyMicros, RssSampler, rssBytes, totalCpuMicros } from './lib/proc-stats.js';
import { formatProfile, summariseProfile, type ProfileSummary } from './lib/profile-summary.js';
import { parseStartScript, type StartScript } from './lib/start-script.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const MB = 1024 * 1024;

// ---- options ------------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const optionValue = (name: string) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  if (argv[i].includes('=')) return argv[i].slice(argv[i].indexOf('=') + 1);
  const next = argv[i + 1];
  return next === undefined || next.startsWith('--') ? undefined : next;
};
const PROFILE = flag('profile') || optionValue('profile') !== undefined;
/** The scenario whose measured window is profiled (`--profile=<id>`; get32 by default). */
const PROFILE_SCENARIO = optionValue('profile') ?? 'get32';
const WAIT_QUIET_S = optionValue('wait-quiet') === undefined ? (flag('wait-quiet') ? 600 : 0) : Number(optionValue('wait-quiet'));
const QUICK = flag('quick');
const ONLY = optionValue('only')?.split(',').map((s) => s.trim()).filter(Boolean);
const AUDIT_QUERY_ROWS = Number(optionValue('audit-rows') ?? 1_000_000);
const AUDIT_EXPORT_ROWS = 100_000;
/** Exported first: the big export's peak RSS next to this one's says whether memory follows the row count. */
const AUDIT_EXPORT_SMALL_ROWS = 25_000;
/**
 * How far above the small export's peak the big one's may go and still be flat: keeping each of the 75,000 extra
 * lines (about 1 KB each) would add about 75 MB; V8's heap sizing alone moved the peak by up to 22 MB between runs.
 */
const EXPORT_FLAT_MB = 32;
/**
 * Measuring window (s) of the longer throughput scenarios, through the service (or the reference proxy) and directly.
 * The warm-up, get item's at c=32, covers V8's compiling of a fresh process: the service's CPU per request falls from
 * about 1,300 µs in its first second to its steady level after 5–7 s (the proxy's, with less code, after 2–3 s).
 */
const WINDOW = QUICK ? { warm: 1, service: 4, direct: 2 } : { warm: 8, service: 10, direct: 5 };
const SHORT = QUICK ? { warm: 1, service: 3, direct: 2 } : { warm: 2, service: 5, direct: 3 };

// ---- what runs ----------------------------------------------------------------------------------------------

interface Measured extends LoadResult {
  /** Service CPU (user+system, /proc/<pid>/stat) over the window ÷ requests. */
  cpuUsPerRequest?: number;
  /** Embedded Postgres CPU (all its processes) over the window ÷ requests; external databases: absent. */
  dbCpuUsPerRequest?: number;
  rssStartMB?: number;
  rssPeakMB?: number;
  rssGrowthMB?: number;
  mbPerSecond?: number;
  /** CPU used meanwhile by processes that are not part of the bench (other work on the machine), % of one core. */
  otherCpuPct?: number;
}

interface ScenarioResult {
  id: string;
  name: string;
  concurrency: number | string;
  service: Measured;
  direct?: Measured;
  /** service/direct: req/s for throughput scenarios, MB/s for downloads, direct/service time for walks. */
  ratio?: number;
  /** c=1 only: service p50 − direct p50, ms. */
  addedP50Ms?: number;
  /** Export only: the service's peak RSS while exporting AUDIT_EXPORT_SMALL_ROWS just before, MB. */
  smallExportPeakMB?: number;
  note?: string;
}

interface Context {
  serviceUrl: string;
  simUrl: string;
  simToken: string;
  operatorKey: string;
  accountId: string;
  queryTenantKey: string;
  exportTenantKey: string;
  exportSmallTenantKey: string;
  benchTenantId: string;
  service: Child;
  simulator: Child;
  embeddedDb: boolean;
  /** The bench database as its owner (the embedded server's, or DATABASE_URL's fresh database). */
  ownerUrl: string;
  /** The bare reference proxy (bench/reference-proxy.ts), started on first use. */
  reference: () => Promise<Reference>;
}

interface Reference {
  child: Child;
  url: string;
  key: string;
}

const results: ScenarioResult[] = [];
let currentScenario = '';
const notes: string[] = [];
const children: Child[] = [];
let profileMarks: string | undefined;

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * Runs `run` while sampling the RSS (every 100 ms) and CPU time of the service (or of `target`, the reference
 * proxy), and the embedded database's CPU.
 */
async function onService(ctx: Context, run: () => Promise<LoadResult>, target: Child = ctx.service): Promise<Measured> {
  const pid = target.pid;
  const profiled = PROFILE && currentScenario === PROFILE_SCENARIO && target === ctx.service;
  if (profiled) ctx.service.signal('SIGURG');
  const sampler = new RssSampler(pid, 100);
  // The bench's own processes: the simulator, this one, and the service while the reference proxy is measured.
  const ours = () => totalCpuMicros(target === ctx.service ? [ctx.simulator.pid] : [ctx.simulator.pid, ctx.service.pid]) + process.cpuUsage().user + process.cpuUsage().system;
  const t0 = performance.now();
  const machine0 = machineBusyMicros();
  const ours0 = ours();
  const cpu0 = cpuMicros(pid);
  const db0 = ctx.embeddedDb ? cpuByPid(descendants(ctx.service.pid)) : undefined;
  const result = await run();
  if (profiled) ctx.service.signal('SIGURG');
  const cpu1 = cpuMicros(pid);
  const dbUs = db0 ? descendantsCpuSince(ctx.service.pid, db0) : 0;
  const ours1 = ours();
  const machine1 = machineBusyMicros();
  const windowUs = (performance.now() - t0) * 1000;
  const rss = sampler.stop();
  const other = machine1 - machine0 - (cpu1 - cpu0) - dbUs - (ours1 - ours0);
  const requests = Math.max(1, result.requests);
  return {
    ...result,
    cpuUsPerRequest: Math.round((cpu1 - cpu0) / requests),
    ...(ctx.embeddedDb ? { dbCpuUsPerRequest: Math.round(dbUs / requests) } : {}),
    rssStartMB: round1(rss.startBytes / MB),
    rssPeakMB: round1(rss.peakBytes / MB),
    rssGrowthMB: round1((rss.peakBytes - rss.startBytes) / MB),
    ...(result.bytesPerSecond ? { mbPerSecond: round1(result.bytesPerSecond / MB) } : {}),
    ...(ctx.embeddedDb ? { otherCpuPct: Math.max(0, Math.round((other / windowUs) * 100)) } : {}),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function direct(result: LoadResult): Measured {
  return { ...result, ...(result.bytesPerSecond ? { mbPerSecond: round1(result.bytesPerSecond / MB) } : {}) };
}

/** Downloads `spec` once, reading and discarding the body; ok when the status is 2xx and the size is `expected`. */
async function downloadOnce(agent: http.Agent, spec: RequestSpec, expected: number) {
  const reply = await request(agent, spec);
  return { ok: reply.status >= 200 && reply.status < 300 && reply.bytes === expected, bytes: reply.bytes };
}

/** GET pages of `limit` following nextCursor until the end; ok when every page is 200 and all items were seen. */
async function walkPages(agent: http.Agent, ctx: Context, limit: number) {
  let cursor: string | null = null;
  let items = 0;
  let pages = 0;
  let ok = true;
  do {
    const url: string = `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_BENCH}/items?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await request(agent, { url, headers: svcHeaders(ctx.operatorKey) }, 'body');
    pages++;
    if (reply.status !== 200) {
      ok = false;
      break;
    }
    const page = JSON.parse(reply.body ?? '{}') as { data: unknown[]; nextCursor: string | null };
    items += page.data.length;
    cursor = page.nextCursor;
  } while (cursor && pages < 1000);
  return { ok: ok && items >= GENERATED_ITEMS, requests: pages };
}

const SCENARIOS: { id: string; run: (ctx: Context) => Promise<ScenarioResult> }[] = [
  {
    id: 'get32',
    run: async (ctx) => {
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.operatorKey) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.simToken) };
      await cannon({ ...svc, connections: 32, durationS: WINDOW.warm });
      const service = await onService(ctx, () => cannon({ ...svc, connections: 32, durationS: WINDOW.service }));
      await cannon({ ...dir, connections: 32, durationS: 1 });
      const d = direct(await cannon({ ...dir, connections: 32, durationS: WINDOW.direct }));
      return { id: 'get32', name: 'get item details (audited)', concurrency: 32, service, direct: d, ratio: service.rps / d.rps };
    },
  },
  {
    id: 'get1',
    run: async (ctx) => {
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.operatorKey) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.simToken) };
      const count = QUICK ? 1000 : 3000;
      await sequential(svc, 300);
      const service = await onService(ctx, () => sequential(svc, count));
      await sequential(dir, 300);
      const d = direct(await sequential(dir, count));
      return {
        id: 'get1', name: 'get item details (audited), unloaded', concurrency: 1, service, direct: d,
        ratio: service.rps / d.rps, addedP50Ms: round2(service.p50 - d.p50),
        note: 'sequential keep-alive loop timed with performance.now()',
      };
    },
  },
  {
    id: 'ref32',
    run: async (ctx) => {
      const ref = await ctx.reference();
      const proxied: RequestSpec = { url: `${ref.url}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ref.key) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.simToken) };
      await cannon({ ...proxied, connections: 32, durationS: WINDOW.warm });
      const service = await onService(ctx, () => cannon({ ...proxied, connections: 32, durationS: WINDOW.service }), ref.child);
      const d = direct(await cannon({ ...dir, connections: 32, durationS: WINDOW.direct }));
      return {
        id: 'ref32', name: 'yardstick: bare reference proxy, get item', concurrency: 32, service, direct: d, ratio: service.rps / d.rps,
        note: REFERENCE_NOTE,
      };
    },
  },
  {
    id: 'ref1',
    run: async (ctx) => {
      const ref = await ctx.reference();
      const proxied: RequestSpec = { url: `${ref.url}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ref.key) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_FILES}/items/${ITEM_RICH}`, headers: svcHeaders(ctx.simToken) };
      const count = QUICK ? 1000 : 3000;
      await sequential(proxied, 300);
      const service = await onService(ctx, () => sequential(proxied, count), ref.child);
      await sequential(dir, 300);
      const d = direct(await sequential(dir, count));
      return {
        id: 'ref1', name: 'yardstick: bare reference proxy, get item, unloaded', concurrency: 1, service, direct: d,
        ratio: service.rps / d.rps, addedP50Ms: round2(service.p50 - d.p50), note: 'the reference proxy of the row above, sequential keep-alive loop timed with performance.now()',
      };
    },
  },
  {
    id: 'list1',
    run: async (ctx) => {
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_BENCH}/items?limit=50`, headers: svcHeaders(ctx.operatorKey) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_BENCH}/items`, headers: svcHeaders(ctx.simToken) };
      await cannon({ ...svc, connections: 8, durationS: SHORT.warm });
      const service = await onService(ctx, () => cannon({ ...svc, connections: 8, durationS: SHORT.service }));
      const d = direct(await cannon({ ...dir, connections: 8, durationS: SHORT.direct }));
      return {
        id: 'list1', name: 'list 10,000 items: first page (50)', concurrency: 8, service, direct: d, ratio: service.rps / d.rps,
        note: 'direct = Connect\'s whole list (it has no paging); the service keeps the sorted list while the vault is unchanged',
      };
    },
  },
  {
    id: 'listall',
    run: async (ctx) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const dirAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const walks = QUICK ? 3 : 8;
      try {
        await walkPages(agent, ctx, 500);
        const service = await onService(ctx, () => repeated(walks, () => walkPages(agent, ctx, 500)));
        const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_BENCH}/items`, headers: svcHeaders(ctx.simToken) };
        const d = direct(await repeated(walks, async () => {
          const r = await request(dirAgent, dir);
          return { ok: r.status === 200 };
        }));
        return {
          id: 'listall', name: 'list 10,000 items: all pages (20 × limit=500)', concurrency: 1, service, direct: d, ratio: d.p50 / service.p50,
          note: 'latency = one whole walk; direct = one GET of the whole list; ratio = direct time / service time',
        };
      } finally {
        agent.destroy();
        dirAgent.destroy();
      }
    },
  },
  {
    id: 'create',
    run: async (ctx) => {
      const item = {
        title: 'bench created item', category: 'LOGIN', tags: ['bench'],
        fields: [
          { type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'bench-user' },
          { type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'bench-Passw0rd!' },
        ],
      };
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_WRITES}/items`, method: 'POST', headers: svcHeaders(ctx.operatorKey, true), body: JSON.stringify(item) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_WRITES}/items`, method: 'POST', headers: svcHeaders(ctx.simToken, true), body: JSON.stringify({ ...item, vault: { id: VAULT_WRITES } }) };
      await cannon({ ...svc, connections: 32, durationS: 1 });
      const service = await onService(ctx, () => cannon({ ...svc, connections: 32, durationS: SHORT.service }));
      const d = direct(await cannon({ ...dir, connections: 32, durationS: SHORT.direct }));
      return { id: 'create', name: 'create item', concurrency: 32, service, direct: d, ratio: service.rps / d.rps };
    },
  },
  {
    id: 'patch',
    run: async (ctx) => {
      const ops = JSON.stringify([{ op: 'replace', path: '/fields/password/value', value: 'rotated-Passw0rd!' }]);
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_WRITES}/items/${ITEM_PATCH}`, method: 'PATCH', headers: svcHeaders(ctx.operatorKey, true), body: ops };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_WRITES}/items/${ITEM_PATCH}`, method: 'PATCH', headers: svcHeaders(ctx.simToken, true), body: ops };
      await cannon({ ...svc, connections: 32, durationS: 1 });
      const service = await onService(ctx, () => cannon({ ...svc, connections: 32, durationS: SHORT.service }));
      const d = direct(await cannon({ ...dir, connections: 32, durationS: SHORT.direct }));
      return {
        id: 'patch', name: 'PATCH one field', concurrency: 32, service, direct: d, ratio: service.rps / d.rps,
        note: 'raw RFC 6902 replace of /fields/password/value, no If-Match: one Connect call',
      };
    },
  },
  {
    id: 'download',
    run: async (ctx) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_FILES}/items/${ITEM_BIG}/files/${FILE_BIG}/content`, headers: svcHeaders(ctx.operatorKey) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_FILES}/items/${ITEM_BIG}/files/${FILE_BIG}/content`, headers: svcHeaders(ctx.simToken) };
      const { warm: warmRounds, measured: rounds } = QUICK ? { warm: 1, measured: 2 } : { warm: 3, measured: 5 };
      const throughService = () => downloadOnce(agent, svc, FILE_SIZE);
      const straight = () => downloadOnce(agent, dir, FILE_SIZE);
      try {
        // Warm-ups first: on a new connection the first downloads run 30-50% slower (JIT of both processes, TCP
        // window growth), on either side. Then the two sides take turns, so a drift in the machine's speed (or the
        // simulator's generator still warming) falls on both alike; measured back to back, direct gained from the
        // service's warm-ups. RSS growth still runs from before the first warm-up.
        const warm = await onService(ctx, async () => (await alternated(warmRounds, throughService, straight))[0]);
        let both: [LoadResult, LoadResult] | undefined;
        const measured = await onService(ctx, async () => (both = await alternated(rounds, throughService, straight))[0]);
        const d = direct(both![1]);
        const rssPeakMB = Math.max(warm.rssPeakMB ?? 0, measured.rssPeakMB ?? 0);
        const service = { ...measured, rssStartMB: warm.rssStartMB, rssPeakMB, rssGrowthMB: round1(rssPeakMB - (warm.rssStartMB ?? 0)) };
        return {
          id: 'download', name: 'download a 100 MB file', concurrency: 1, service, direct: d,
          ratio: (service.bytesPerSecond ?? 0) / (d.bytesPerSecond ?? 1),
          note: `${warmRounds} warm-ups + ${rounds} downloads each, the two sides in turns; ratio = MB/s service / direct; RSS growth = peak − start, warm-ups included`,
        };
      } finally {
        agent.destroy();
      }
    },
  },
  {
    id: 'burst',
    run: async (ctx) => {
      const item = { title: 'bench burst item', category: 'LOGIN', fields: [{ type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'burst-Passw0rd!' }] };
      const svc: RequestSpec = { url: `${ctx.serviceUrl}/v1/connected-accounts/${ctx.accountId}/vaults/${VAULT_WRITES}/items`, method: 'POST', headers: svcHeaders(ctx.operatorKey, true), body: JSON.stringify(item) };
      const dir: RequestSpec = { url: `${ctx.simUrl}/v1/vaults/${VAULT_WRITES}/items`, method: 'POST', headers: svcHeaders(ctx.simToken, true), body: JSON.stringify({ ...item, vault: { id: VAULT_WRITES } }) };
      const service = await onService(ctx, () => burst(svc, 200));
      const d = direct(await burst(dir, 200));
      return {
        id: 'burst', name: 'burst of 200 concurrent creates', concurrency: 200, service, direct: d, ratio: service.rps / d.rps,
        note: '200 requests at once, one new connection each; req/s = 200 / time to the last answer',
      };
    },
  },
  {
    id: 'auditw',
    run: async (ctx) => {
      // The audit log's own ceiling: the service's writer and store (same settings, own pool of the app role),
      // in this process, against the bench database; callers await each commit as requests do.
      const store = PgAuditStore.create({ url: ctx.ownerUrl, appRole: new EnvironmentSchema().DATABASE_APP_ROLE, timeoutMs: 5000, size: AUDIT_WRITER_OPTIONS.maxInFlight, onError: () => undefined });
      const writer = new AuditWriter(store, AUDIT_WRITER_OPTIONS);
      try {
        await auditWriterLoad(writer, 64, 1000);
        const service = await onService(ctx, () => auditWriterLoad(writer, 64, WINDOW.service * 1000));
        delete service.cpuUsPerRequest;
        return {
          id: 'auditw', name: 'audit writer alone: awaited commits (64 callers)', concurrency: 64, service,
          note: `records/s with every caller awaiting its commit, in the bench process (no HTTP): the audit log's ceiling next to the service's request rate; ${writer.stats.batches} batches for ${writer.stats.committed} records`,
        };
      } finally {
        await writer.close();
        await store.close();
      }
    },
  },
  {
    id: 'auditq',
    run: async (ctx) => {
      const url = `${ctx.serviceUrl}/v1/audit-events?action=${SEED_ACTIONS[3]}&vaultId=${seedVault(13)}&limit=50`;
      const spec: RequestSpec = { url, headers: svcHeaders(ctx.queryTenantKey) };
      await cannon({ ...spec, connections: 4, durationS: 1 });
      const service = await onService(ctx, () => cannon({ ...spec, connections: 4, durationS: SHORT.service }));
      return {
        id: 'auditq', name: `audit query, 2 filters (action+vaultId), ${fmtCount(AUDIT_QUERY_ROWS)} rows`, concurrency: 4, service,
        note: 'no direct equivalent (Connect has no audit log of ours)',
      };
    },
  },
  {
    id: 'auditq2',
    run: async (ctx) => {
      const actor = seedActor(2);
      const url = `${ctx.serviceUrl}/v1/audit-events?outcome=denied&actorKeyId=${actor}&limit=50`;
      const spec: RequestSpec = { url, headers: svcHeaders(ctx.queryTenantKey) };
      await cannon({ ...spec, connections: 4, durationS: 1 });
      const service = await onService(ctx, () => cannon({ ...spec, connections: 4, durationS: SHORT.service }));
      return {
        id: 'auditq2', name: `audit query, 2 filters (outcome+actorKeyId), ${fmtCount(AUDIT_QUERY_ROWS)} rows`, concurrency: 4, service,
        note: 'driven by outcome records (1 pair in 50 is denied)',
      };
    },
  },
  {
    id: 'export',
    run: async (ctx) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const exportOf = async (tenantKey: string, rows: number) => {
        let lines = 0;
        const service = await onService(ctx, () =>
          repeated(QUICK ? 1 : 3, async () => {
            const reply = await request(agent, { url: `${ctx.serviceUrl}/v1/audit-events/export?format=ndjson`, headers: svcHeaders(tenantKey) }, 'lines');
            lines = reply.newlines ?? 0;
            return { ok: reply.status === 200 && lines >= rows, bytes: reply.bytes };
          }),
        );
        return { service, lines };
      };
      try {
        const small = await exportOf(ctx.exportSmallTenantKey, AUDIT_EXPORT_SMALL_ROWS);
        const { service, lines } = await exportOf(ctx.exportTenantKey, AUDIT_EXPORT_ROWS);
        return {
          id: 'export', name: `audit export (NDJSON), ${fmtCount(AUDIT_EXPORT_ROWS)} rows`, concurrency: 1, service, smallExportPeakMB: small.service.rssPeakMB,
          note: `${lines} lines in the last export; latency = one whole export; just before, ${fmtCount(AUDIT_EXPORT_SMALL_ROWS)} rows (${small.lines} lines) peaked at ${small.service.rssPeakMB} MB RSS (from ${small.service.rssStartMB} MB), ${Math.round(small.service.p50)} ms each`,
        };
      } finally {
        agent.destroy();
      }
    },
  },
];

const fmtCount = (n: number) => n.toLocaleString('en-US');


// ---- set-up -------------------------------------------------------------------------------------------------

const SERVICE_ENTRY = 'dist/src/main.js';
/** How long the service is left idle after the last scenario before its RSS is read again (not with --quick). */
const SETTLE_S = 40;
/** How long it is left idle after boot, before the scenarios, for its idle RSS (not with --quick). */
const BOOT_SETTLE_S = 20;
/** "About 100 MB idle": within 10%. */
const IDLE_RSS_TARGET_MB = 110;

/** The lowest RSS seen while the service sits idle for `ms`. */
async function settledIdleRss(pid: number, ms: number): Promise<number> {
  let lowest = rssBytes(pid);
  for (const end = Date.now() + ms; Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 1000));
    lowest = Math.min(lowest, rssBytes(pid));
  }
  return lowest;
}

const REFERENCE_NOTE =
  'the yardstick of ../shared/reference/performance.md (variant e: Nest on Fastify, a Map-lookup guard, axiosRef, one awaited 12-column audit row by adaptive group commit; no validation, encryption, second record, metrics or rate limits), bench/reference-proxy.ts, run with plain `node` against the same simulator and database';

/** Starts bench/reference-proxy.ts in front of the simulator, writing its audit rows into the bench database. */
async function startReferenceProxy(simUrl: string, simToken: string, databaseUrl: string): Promise<Reference> {
  const port = await freePort();
  const key = `reference-${randomBytes(24).toString('hex')}`;
  const child = Child.start('reference proxy', process.execPath, [join(ROOT, 'dist/bench/reference-proxy.js')], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production',
      REF_PORT: String(port), REF_UPSTREAM_URL: simUrl, REF_UPSTREAM_TOKEN: simToken, REF_API_KEY: key, REF_DATABASE_URL: databaseUrl,
    },
    cwd: ROOT,
  });
  children.push(child);
  await child.waitFor(/listening on/, 60_000);
  return { child, url: `http://127.0.0.1:${port}`, key };
}

/** The environment and node flags of `npm start` (malloc and V8 heap settings): the service is measured as it is run. */
function startScript(): StartScript {
  const start = parseStartScript((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start);
  if (start.node !== 'node' || start.entry !== SERVICE_ENTRY) throw new Error(`package.json's start script is not "[NAME=value ...] node [flags] ${SERVICE_ENTRY}"`);
  return start;
}

/** The owner's URL of the embedded database the service started under `dataDir` (password file, postmaster.pid). */
function embeddedOwnerUrl(dataDir: string): string {
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  const port = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** Should the service have been killed before it stopped its embedded Postgres, stops that server (by its pid). */
function stopOrphanedEmbeddedPostgres(dataDir: string): void {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 'SIGINT'); // Postgres "fast" shutdown
  } catch {
    // already gone
  }
}

async function dbFacts(ownerUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const facts: Record<string, string> = {};
    facts.version = (await client.query('SHOW server_version')).rows[0].server_version;
    for (const setting of ['fsync', 'synchronous_commit', 'shared_buffers']) facts[setting] = (await client.query(`SHOW ${setting}`)).rows[0][setting];
    return facts;
  } finally {
    await client.end();
  }
}

async function ownerQuery<T extends pg.QueryResultRow>(ownerUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

// ---- report -------------------------------------------------------------------------------------------------

/** Rows measuring the reference proxy, not the service: kept out of the service's memory target. */
const isYardstick = (r: ScenarioResult) => r.id.startsWith('ref');

const TARGETS: { id: string; label: string; check: (r: Map<string, ScenarioResult>) => { value: string; ok: boolean } | undefined }[] = [
  { id: 'get32', label: 'get item c=32: ≥ 2,000 req/s (stretch 2,500)', check: (r) => r.get('get32') && { value: `${fmtRate(r.get('get32')!.service.rps)} req/s`, ok: r.get('get32')!.service.rps >= 2000 } },
  { id: 'get32', label: 'get item c=32: p99 ≤ 30 ms', check: (r) => r.get('get32') && { value: `${r.get('get32')!.service.p99} ms`, ok: r.get('get32')!.service.p99 <= 30 } },
  { id: 'get32', label: 'get item c=32: ≤ 500 µs service CPU/request', check: (r) => r.get('get32') && { value: `${r.get('get32')!.service.cpuUsPerRequest} µs`, ok: (r.get('get32')!.service.cpuUsPerRequest ?? Infinity) <= 500 } },
  { id: 'get1', label: 'get item c=1: ≤ 1.5 ms added to direct p50', check: (r) => r.get('get1') && { value: `+${r.get('get1')!.addedP50Ms} ms`, ok: (r.get('get1')!.addedP50Ms ?? Infinity) <= 1.5 } },
  { id: 'download', label: '100 MB download: ≥ 70% of direct MB/s', check: (r) => r.get('download') && { value: `${Math.round((r.get('download')!.ratio ?? 0) * 100)}%`, ok: (r.get('download')!.ratio ?? 0) >= 0.7 } },
  { id: 'download', label: '100 MB download: service RSS growth ≤ 64 MB', check: (r) => r.get('download') && { value: `${r.get('download')!.service.rssGrowthMB} MB`, ok: (r.get('download')!.service.rssGrowthMB ?? Infinity) <= 64 } },
  { id: 'list1', label: 'list 10k, first page: p50 < 50 ms', check: (r) => r.get('list1') && { value: `${r.get('list1')!.service.p50} ms`, ok: r.get('list1')!.service.p50 < 50 } },
  { id: 'auditq', label: 'audit query, 2 filters, 1M rows: p50 < 100 ms', check: (r) => r.get('auditq') && { value: `${r.get('auditq')!.service.p50} ms`, ok: r.get('auditq')!.service.p50 < 100 } },
  { id: 'auditq2', label: 'audit query (outcome+actor), 1M rows: p50 < 100 ms', check: (r) => r.get('auditq2') && { value: `${r.get('auditq2')!.service.p50} ms`, ok: r.get('auditq2')!.service.p50 < 100 } },
  {
    id: 'export', label: `audit export 100k rows: flat memory (peak RSS ≤ ${EXPORT_FLAT_MB} MB above a 25k-row export's)`,
    check: (r) => {
      const e = r.get('export');
      if (!e || e.smallExportPeakMB === undefined || e.service.rssPeakMB === undefined) return undefined;
      const above = round1(e.service.rssPeakMB - e.smallExportPeakMB);
      return { value: `${above >= 0 ? '+' : ''}${above} MB (${e.smallExportPeakMB} → ${e.service.rssPeakMB} MB)`, ok: above <= EXPORT_FLAT_MB };
    },
  },
  {
    id: '*', label: 'service RSS < 200 MB under load (peak of every scenario)',
    check: (r) => {
      if (r.size === 0) return undefined;
      const peak = Math.max(...[...r.values()].filter((s) => !isYardstick(s)).map((s) => s.service.rssPeakMB ?? 0));
      return { value: `${peak} MB`, ok: peak < 200 };
    },
  },
  {
    id: '*', label: 'no error responses (non-2xx or socket errors) in any scenario',
    check: (r) => {
      if (r.size === 0) return undefined;
      const bad = [...r.values()].reduce((n, s) => n + s.service.non2xx + s.service.errors + (s.direct ? s.direct.non2xx + s.direct.errors : 0), 0);
      return { value: String(bad), ok: bad === 0 };
    },
  },
];

/** The service's get-item numbers beside the reference proxy's from the same run. */
function compareWithReference(byId: Map<string, ScenarioResult>): string[] {
  const lines: string[] = [];
  const [svc32, ref32, svc1, ref1] = ['get32', 'ref32', 'get1', 'ref1'].map((id) => byId.get(id));
  if (svc32 && ref32) {
    lines.push(
      `get item c=32: service ${fmtRate(svc32.service.rps)} req/s, p99 ${svc32.service.p99} ms, ${svc32.service.cpuUsPerRequest} µs CPU/req; ` +
        `bare proxy ${fmtRate(ref32.service.rps)} req/s, p99 ${ref32.service.p99} ms, ${ref32.service.cpuUsPerRequest} µs CPU/req; ` +
        `service/proxy ${round2(svc32.service.rps / ref32.service.rps)}× req/s`,
    );
  }
  if (svc1 && ref1) lines.push(`get item c=1, added to direct p50: service +${svc1.addedP50Ms} ms, bare proxy +${ref1.addedP50Ms} ms`);
  return lines;
}

const fmtRate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const fmtMs = (n: number | undefined) => (n === undefined ? '–' : n >= 100 ? String(Math.round(n)) : String(round2(n)));

function table(rows: ScenarioResult[]): string {
  const header = ['scenario', 'c', 'svc req/s', 'direct req/s', 'ratio', 'svc p50 / p99 ms', 'direct p50 / p99 ms', 'svc CPU µs/req', 'DB CPU µs/req', 'svc RSS start→peak MB', 'errors svc / direct', 'other CPU %'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const s = r.service;
    const d = r.direct;
    const rate = (m: Measured) => (m.mbPerSecond !== undefined ? `${fmtRate(m.rps)} (${m.mbPerSecond} MB/s)` : fmtRate(m.rps));
    const errors = (m: Measured | undefined) => (m ? `${m.non2xx + m.errors}` : '–');
    lines.push(`| ${[
      r.name,
      String(r.concurrency),
      rate(s),
      d ? rate(d) : '–',
      r.ratio === undefined ? '–' : r.ratio.toFixed(3),
      `${fmtMs(s.p50)} / ${fmtMs(s.p99)}${r.addedP50Ms !== undefined ? ` (+${r.addedP50Ms} p50)` : ''}`,
      d ? `${fmtMs(d.p50)} / ${fmtMs(d.p99)}` : '–',
      String(s.cpuUsPerRequest ?? '–'),
      String(s.dbCpuUsPerRequest ?? '–'),
      `${s.rssStartMB}→${s.rssPeakMB}`,
      `${errors(s)} / ${errors(d)}`,
      s.otherCpuPct === undefined ? '–' : String(s.otherCpuPct),
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---- main ---------------------------------------------------------------------------------------------------

/** Machine-wide CPU use (% of one core) over `ms`. */
async function machineBusyPct(ms: number): Promise<number> {
  const before = machineBusyMicros();
  await new Promise((r) => setTimeout(r, ms));
  return Math.round(((machineBusyMicros() - before) / (ms * 1000)) * 100);
}

/** Waits until the machine has been nearly idle (< 25% of one core) for 5 s, at most `maxS` seconds. */
async function waitQuiet(maxS: number): Promise<void> {
  const until = Date.now() + maxS * 1000;
  for (;;) {
    const busy = await machineBusyPct(5000);
    if (busy < 25) {
      log(`machine quiet (${busy}% of one core busy over 5 s)`);
      return;
    }
    if (Date.now() > until) {
      log(`machine still busy (${busy}% of one core) after ${maxS} s: measuring anyway`);
      return;
    }
    log(`machine busy (${busy}% of one core used by other processes): waiting`);
  }
}

async function main(): Promise<void> {
  if (WAIT_QUIET_S > 0) await waitQuiet(WAIT_QUIET_S);
  const otherBefore = await machineBusyPct(1000);
  if (otherBefore > 25) notes.push(`Before the run other processes kept ${otherBefore}% of one core busy: see "other CPU %" per scenario; numbers taken on a busy machine understate the service.`);
  const started = Date.now();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const work = mkdtempSync(join(os.tmpdir(), 'wrk-bench-'));
  chmodSync(work, 0o755); // the embedded server runs as the postgres user when we are root
  const selected = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id));
  if (selected.length === 0) throw new Error(`--only names no scenario; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const needs = (id: string) => selected.some((s) => s.id === id);

  const baseDbUrl = process.env.DATABASE_URL || undefined;
  let benchDb: string | undefined;
  let service: Child | undefined;
  let sim: Child | undefined;
  let referenceProxy: Promise<Reference> | undefined;
  const cleanup = async () => {
    await referenceProxy?.then((r) => r.child.stop()).catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await sim?.stop().catch(() => undefined);
    stopOrphanedEmbeddedPostgres(join(work, 'data'));
    if (baseDbUrl && benchDb) {
      const admin = new pg.Client({ connectionString: baseDbUrl });
      await admin.connect().then(
        () => admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`).finally(() => admin.end()),
        () => undefined,
      ).catch((error: Error) => log(`could not drop database ${benchDb}: ${error.message}`));
    }
    if (!flag('keep')) rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => {
    log('\ninterrupted: stopping everything');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // Simulator: its own process, 10,000 generated items in "Bench", a 100 MB generated file.
    const simStarted = Date.now();
    const simulator = await startSimulator(ROOT, work);
    sim = simulator.child;
    children.push(sim);
    const { url: simUrl, token: simToken } = simulator;
    log(`simulator ${simUrl} (pid ${sim.pid}), ${GENERATED_ITEMS} items generated in ${Date.now() - simStarted} ms`);

    // Service: its own process, production settings.
    const port = await freePort();
    const platformKey = `bench-platform-${randomBytes(24).toString('hex')}`;
    const env = serviceEnv(port, platformKey);
    let ownerUrl: string;
    const dataDir = join(work, 'data');
    if (baseDbUrl) {
      benchDb = `wrk_bench_${Date.now()}_${process.pid}`;
      const admin = new pg.Client({ connectionString: baseDbUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${benchDb}`);
      await admin.end();
      const url = new URL(baseDbUrl);
      url.pathname = `/${benchDb}`;
      env.DATABASE_URL = url.toString();
      ownerUrl = url.toString();
    } else {
      env.DATA_DIR = dataDir;
      ownerUrl = '';
    }
    const start = startScript();
    Object.assign(env, start.env);
    const nodeArgs = start.nodeFlags;
    let profileDir: string | undefined;
    if (PROFILE) {
      profileDir = join(work, 'profile');
      mkdirSync(profileDir);
      profileMarks = join(profileDir, 'marks.txt');
      env.WRK_BENCH_PROFILE_MARKS = profileMarks;
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', join(ROOT, 'dist/bench/lib/cpu-profile-hook.js'));
    }
    const serviceStarted = Date.now();
    service = Child.start('service', process.execPath, [...nodeArgs, join(ROOT, SERVICE_ENTRY)], { env, cwd: ROOT });
    children.push(service);
    await service.waitFor(/listening on/, 180_000);
    const serviceUrl = `http://127.0.0.1:${port}`;
    if (!baseDbUrl) ownerUrl = embeddedOwnerUrl(dataDir);
    const idleRss = rssBytes(service.pid);
    log(`service ${serviceUrl} (pid ${service.pid}) ready in ${Date.now() - serviceStarted} ms on ${baseDbUrl ? `database ${benchDb} of DATABASE_URL's server` : 'an embedded Postgres (temporary DATA_DIR)'}; idle RSS ${round1(idleRss / MB)} MB`);
    // Idle as an instance waiting for work is: after the service's idle-time heap compaction had its chance.
    const bootSettledRss = QUICK ? undefined : await settledIdleRss(service.pid, BOOT_SETTLE_S * 1000);
    if (bootSettledRss !== undefined) log(`service RSS ${BOOT_SETTLE_S} s after boot, idle: ${round1(bootSettledRss / MB)} MB`);

    // Tenants, keys and the connected account, through the API.
    const bench = await createBenchAccount(serviceUrl, platformKey, simulator);
    const queryTenant = await api<CreatedTenant>(`${serviceUrl}/v1/tenants`, platformKey, { name: 'bench audit query (synthetic records)' });
    const exportTenant = await api<CreatedTenant>(`${serviceUrl}/v1/tenants`, platformKey, { name: 'bench audit export (synthetic records)' });
    const exportSmallTenant = await api<CreatedTenant>(`${serviceUrl}/v1/tenants`, platformKey, { name: 'bench small audit export (synthetic records)' });
    const reference = () => (referenceProxy ??= startReferenceProxy(simUrl, simToken, ownerUrl));
    const ctx: Context = {
      serviceUrl, simUrl, simToken, operatorKey: bench.operatorKey, accountId: bench.accountId, benchTenantId: bench.tenantId,
      queryTenantKey: queryTenant.apiKey.key, exportTenantKey: exportTenant.apiKey.key,
      exportSmallTenantKey: exportSmallTenant.apiKey.key, service, simulator: sim, embeddedDb: !baseDbUrl, ownerUrl, reference,
    };

    let seeded = false;
    const seedAudit = async () => {
      if (seeded) return;
      seeded = true;
      // Synthetic audit records, as the database owner, each set in a throwaway tenant of its own.
      if (needs('auditq') || needs('auditq2') || needs('export')) {
        const q = needs('auditq') || needs('auditq2') ? await seedAuditRecords(ownerUrl, queryTenant.tenant.id, AUDIT_QUERY_ROWS) : undefined;
        const e = needs('export') ? await seedAuditRecords(ownerUrl, exportTenant.tenant.id, AUDIT_EXPORT_ROWS) : undefined;
        if (needs('export')) await seedAuditRecords(ownerUrl, exportSmallTenant.tenant.id, AUDIT_EXPORT_SMALL_ROWS);
        const analyzeStarted = Date.now();
        await vacuumAudit(ownerUrl);
        const msg = `audit records: ${q ? `${fmtCount(AUDIT_QUERY_ROWS)} in ${q.ms} ms` : ''}${q && e ? ', ' : ''}${e ? `${fmtCount(AUDIT_EXPORT_ROWS)} in ${e.ms} ms` : ''} (INSERT ... SELECT generate_series as the owner, 2 connections), VACUUM (ANALYZE) ${Date.now() - analyzeStarted} ms`;
        log(msg);
        notes.push(
          `Audit query/export data: synthetic records inserted with INSERT ... SELECT generate_series (two connections) as the database owner, then VACUUM (ANALYZE), into throwaway tenants (${fmtCount(AUDIT_QUERY_ROWS)}, ${fmtCount(AUDIT_EXPORT_ROWS)} and ${fmtCount(AUDIT_EXPORT_SMALL_ROWS)} records: request/outcome pairs with every column, seq contiguous, recorded_at over the last ${Math.round((AUDIT_QUERY_ROWS * 0.2) / 3600)} h). Their hashes are not a valid chain (these tenants' verify would fail); the bench tenant's own chain is untouched.`,
        );
      }
    };

    for (const scenario of selected) {
      if (scenario.id.startsWith('audit') || scenario.id === 'export') await seedAudit();
      const t0 = Date.now();
      currentScenario = scenario.id;
      const result = await scenario.run(ctx);
      results.push(result);
      const s = result.service;
      log(`${result.name} [c=${result.concurrency}]: ${fmtRate(s.rps)} req/s, p50 ${fmtMs(s.p50)} / p99 ${fmtMs(s.p99)} ms, ${s.cpuUsPerRequest === undefined ? '' : `CPU ${s.cpuUsPerRequest} µs/req, `}RSS ${s.rssStartMB}→${s.rssPeakMB} MB, errors ${s.non2xx + s.errors}` +
        (result.direct ? `; direct ${fmtRate(result.direct.rps)} req/s, p50 ${fmtMs(result.direct.p50)} ms, errors ${result.direct.non2xx + result.direct.errors}` : '') +
        ` (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }

    // Every audited request left its request record (and outcome record) in the bench tenant's chain.
    await new Promise((r) => setTimeout(r, 500));
    const [audit] = await ownerQuery<{ requests: string; outcomes: string }>(
      ownerUrl,
      `SELECT count(*) FILTER (WHERE type = 'request') AS requests, count(*) FILTER (WHERE type = 'response') AS outcomes FROM audit_events WHERE tenant_id = $1`,
      [ctx.benchTenantId],
    );
    notes.push(`Bench tenant audit chain after the run: ${fmtCount(Number(audit.requests))} request records, ${fmtCount(Number(audit.outcomes))} outcome records (warm-ups included).`);
    if (referenceProxy) {
      const [ref] = await ownerQuery<{ rows: string }>(ownerUrl, 'SELECT count(*) AS rows FROM bench_reference_audit');
      notes.push(`Reference proxy audit rows after the run: ${fmtCount(Number(ref.rows))} (one per answered request, warm-ups included).`);
    }
    const facts = await dbFacts(ownerUrl);

    // Idle after load: V8's memory reducer shrinks the heap some seconds after the work stops.
    const settledRss = QUICK ? undefined : await settledIdleRss(service.pid, SETTLE_S * 1000);
    if (settledRss !== undefined) log(`service RSS ${SETTLE_S} s after the last scenario: ${round1(settledRss / MB)} MB`);

    // Stop the service now so that a profile is written; the proxy first, as the service may own the database.
    await referenceProxy?.then((r) => r.child.stop());
    await service.stop();
    let profile: ProfileSummary | undefined;
    if (PROFILE && profileDir) {
      const file = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir!, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      const marks = existsSync(profileMarks!) ? readFileSync(profileMarks!, 'utf8').trim().split('\n').map(Number) : [];
      if (file) {
        profile = summariseProfile(file, marks.length >= 2 ? { fromUs: marks[0], toUs: marks[1] } : undefined);
        const keep = join(RESULTS_DIR, `profile-${PROFILE_SCENARIO}.cpuprofile`);
        writeFileSync(keep, readFileSync(file));
        writeFileSync(join(RESULTS_DIR, `profile-${PROFILE_SCENARIO}.txt`), `${formatProfile(profile, true)}\n`);
        notes.push(`CPU profile (node --cpu-prof) of the service during the measured window of "${PROFILE_SCENARIO}": ${keep} (open in Chrome DevTools), summary in bench/results/profile-${PROFILE_SCENARIO}.txt. Profiling costs throughput: compare numbers from runs without --profile.`);
      } else {
        notes.push('No CPU profile was written.');
      }
    }

    const machine = {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
      postgres: `${facts.version} (${baseDbUrl ? 'DATABASE_URL server' : 'embedded'}; fsync=${facts.fsync}, synchronous_commit=${facts.synchronous_commit}, shared_buffers=${facts.shared_buffers})`,
    };
    notes.unshift(
      'LOG_LEVEL=warn for the service (request logging at info is an operator choice); auditing (request record committed before each Connect call), validation and encryption are all on. NODE_ENV=production. Rate limits raised to 10,000,000 a minute (the limiter runs, never refuses).',
      'Everything shares the machine: service, simulator, Postgres and the load generator (autocannon, in this process).',
    );
    const byId = new Map(results.map((r) => [r.id, r]));
    const targets = TARGETS.map((t) => ({ label: t.label, ...(t.check(byId) ?? { value: 'not run', ok: undefined }) })).filter((t) => t.value !== 'not run');

    log('');
    log(`## Results ${new Date().toISOString()}${PROFILE ? ' (with --cpu-prof: slower than a plain run)' : ''}${QUICK ? ' (--quick)' : ''}`);
    log(`machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}, Postgres ${machine.postgres}`);
    log(`service idle RSS at ready: ${round1(idleRss / MB)} MB${bootSettledRss === undefined ? '' : `, ${BOOT_SETTLE_S} s later: ${round1(bootSettledRss / MB)} MB`}${settledRss === undefined ? '' : `, ${SETTLE_S} s after the last scenario: ${round1(settledRss / MB)} MB`} (database processes not included)`);
    log('');
    log(table(results));
    log('');
    log('Targets (issue 7):');
    if (bootSettledRss !== undefined) {
      targets.push({ label: `service RSS idle about 100 MB (${BOOT_SETTLE_S} s after boot, ≤ ${IDLE_RSS_TARGET_MB} MB)`, value: `${round1(bootSettledRss / MB)} MB`, ok: bootSettledRss / MB <= IDLE_RSS_TARGET_MB });
    }
    for (const t of targets) log(`  ${t.ok ? 'PASS' : 'FAIL'}  ${t.label}: ${t.value}`);
    const yardstick = compareWithReference(byId);
    if (yardstick.length > 0) {
      log('');
      log('The full service next to the bare reference proxy, same run (the machine\'s speed changes from hour to hour; this does not):');
      for (const line of yardstick) log(`  ${line}`);
    }
    log('');
    for (const n of notes) log(`- ${n}`);
    for (const r of results) if (r.note) log(`- ${r.name}: ${r.note}`);
    for (const r of results) {
      const codes = (m?: Measured) => (m ? Object.entries(m.statusCodes).map(([c, n]) => `${c}×${n}`).join(' ') : '');
      if (r.service.non2xx + r.service.errors > 0 || (r.direct && r.direct.non2xx + r.direct.errors > 0)) {
        log(`- errors in "${r.name}": service ${r.service.non2xx} non-2xx + ${r.service.errors} socket errors [${codes(r.service)}]${r.direct ? `; direct ${r.direct.non2xx} + ${r.direct.errors} [${codes(r.direct)}]` : ''}`);
      }
    }
    if (profile) {
      log('');
      log(formatProfile(profile));
    }
    const totalS = Math.round((Date.now() - started) / 1000);
    log('');
    log(`whole run: ${totalS} s; results in bench/results/latest.json`);
    writeFileSync(
      join(RESULTS_DIR, 'latest.json'),
      `${JSON.stringify({ date: new Date().toISOString(), options: { profile: PROFILE, quick: QUICK, only: ONLY ?? null }, machine, idleRssMB: round1(idleRss / MB), bootSettledIdleRssMB: bootSettledRss === undefined ? null : round1(bootSettledRss / MB), settledIdleRssMB: settledRss === undefined ? null : round1(settledRss / MB), durationS: totalS, scenarios: results, targets, yardstick, notes, profile }, null, 2)}\n`,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    for (const child of children) await child.stop().catch(() => undefined);
    process.exit(1);
  },
);
