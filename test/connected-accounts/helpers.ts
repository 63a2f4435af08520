import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Fast Connect settings for tests: few retries, short backoff and timeouts. */
export const FAST_CONNECT_ENV = {
  CONNECT_RETRY_BASE_MS: '5',
  CONNECT_MAX_RETRIES: '1',
  CONNECT_REQUEST_TIMEOUT_MS: '1500',
  CONNECT_CONNECT_TIMEOUT_MS: '1000',
};

export const randomKey = () => randomBytes(32).toString('base64');

/** Superuser URL of a database on the test server (global-setup.mjs sets both variables). */
export function adminUrl(database = process.env.WRK_TEST_DATABASE_NAME): string {
  const base = process.env.WRK_TEST_ADMIN_DATABASE_URL;
  if (!base || !database) throw new Error('WRK_TEST_ADMIN_DATABASE_URL / WRK_TEST_DATABASE_NAME are not set (test/setup/global-setup.mjs)');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs SQL as the superuser, past row-level security (what a database dump sees). */
export async function adminQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl(database) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A database of its own on the test server, for tests that work on every row (key rotation). */
export async function createScratchDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `wrk_test_keys_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`, [], process.env.WRK_TEST_DATABASE_NAME);
  return {
    name,
    url: adminUrl(name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, [], process.env.WRK_TEST_DATABASE_NAME).catch(() => undefined);
    },
  };
}

export interface TestServer {
  url: string;
  close: () => Promise<void>;
}

function listen(server: http.Server | https.Server, scheme: 'http' | 'https'): Promise<TestServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A web server that is not Connect: an HTML page for every path. */
export function htmlServer(): Promise<TestServer> {
  return listen(
    http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
    }),
    'http',
  );
}

export interface FakeConnectServer extends TestServer {
  /** The Authorization header of every request received, in order ('' when there was none). */
  authorizations: string[];
}

/**
 * Just enough of Connect to pass verification (/heartbeat, /health with sync ACTIVE, /v1/vaults answering
 * `vaults`) under any base path. It takes any token and records the Authorization header of every request.
 */
export function fakeConnectServer(vaults: unknown[] = []): Promise<FakeConnectServer> {
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', '1Password-Connect-Version': '1.7.3' });
      res.end(JSON.stringify(body));
    };
    if (path.endsWith('/heartbeat')) reply(200, '.');
    else if (path.endsWith('/health')) reply(200, { name: '1Password Connect API', version: '1.7.3', dependencies: [{ service: 'sync', status: 'ACTIVE' }] });
    else if (path.endsWith('/v1/vaults')) reply(200, vaults);
    else reply(404, { status: 404, message: 'Not found' });
  });
  return listen(server, 'http').then((listening) => ({ ...listening, authorizations }));
}

/** A port nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * An https server with a self-signed certificate generated now with the openssl CLI (Node cannot make
 * certificates itself); undefined when openssl is not available.
 */
export function selfSignedHttpsServer(): Promise<TestServer> | undefined {
  const folder = mkdtempSync(join(tmpdir(), 'wrk-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem'),
    ], { stdio: 'ignore' });
    const key = readFileSync(join(folder, 'key.pem'));
    const cert = readFileSync(join(folder, 'cert.pem'));
    return listen(
      https.createServer({ key, cert }, (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain', '1Password-Connect-Version': '1.7.3' });
        res.end('.');
      }),
      'https',
    );
  } catch {
    return undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns true, or fails after `timeoutMs`. Returns the time it took. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every form a token could be stored or logged in. */
export function tokenForms(token: string): string[] {
  const forms = [token, Buffer.from(token).toString('base64'), Buffer.from(token).toString('base64url'), Buffer.from(token).toString('hex')];
  // The JWT signature alone is unique to the token too.
  const signature = token.split('.')[2];
  if (signature && signature.length >= 20) forms.push(signature);
  return forms;
}
