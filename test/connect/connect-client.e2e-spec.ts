import { HttpModule } from '@nestjs/axios';
import { Test } from '@nestjs/testing';
import axios from 'axios';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { AppException } from '../../src/common/errors/app-exception.js';
import { ErrorCode } from '../../src/common/errors/error-code.enum.js';
import { BodyBufferScavenger } from '../../src/common/memory/body-buffer-scavenger.js';
import { AppConfig } from '../../src/config/app-config.js';
import { validateEnvironment } from '../../src/config/load-environment.js';
import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import type { ConnectClient } from '../../src/connect/connect-client.js';
import { CONNECT_TIMEOUT_CODE, SOCKET_READ_BYTES } from '../../src/connect/connect-agent.factory.js';
import { ConnectClientFactory, type ConnectClientOverrides } from '../../src/connect/connect-client.factory.js';

/** A 26-character Connect id that reads as what it is. */
const id = (name: string) => name.padEnd(26, '0');

const VAULT = id('vaultmain');
const VAULT_RO = id('vaultreadonly');
const VAULT_SECRET = id('vaultsecret');
const LOGIN = id('itemlogin');
const DOC = id('itemdoc');
const SMALL_FILE = id('filesmall');
const BIG_FILE = id('filebig');
const MISSING = id('missing');

/** Every token value carries the canary; no error may ever contain it. */
const CANARY = `canary${randomBytes(6).toString('hex')}`;
const TOKEN = `tok-${CANARY}-rw`;
const BAD_TOKEN = `tok-${CANARY}-unknown`;

const SMALL_BYTES = Buffer.from('hello, small file\n');
// Every byte value, several times, plus randomness: catches any text decoding of the content.
const BIG_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300_000), Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a])]);

const seed = {
  tokens: [{ token: TOKEN, vaults: { [VAULT]: ['read', 'write'], [VAULT_RO]: ['read'] } }],
  vaults: [
    {
      id: VAULT,
      name: 'Main Vault',
      items: [
        {
          id: LOGIN,
          title: 'GitHub "work" & co',
          category: 'LOGIN',
          tags: ['dev'],
          fields: [
            { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'octocat' },
            { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'hunter2' },
          ],
        },
        {
          id: DOC,
          title: 'Certificates',
          category: 'SECURE_NOTE',
          tags: ['ops'],
          files: [
            { id: SMALL_FILE, name: 'small.txt', bytes: new Uint8Array(SMALL_BYTES) },
            { id: BIG_FILE, name: 'big.bin', bytes: new Uint8Array(BIG_BYTES) },
          ],
        },
      ],
    },
    { id: VAULT_RO, name: 'Read Only', items: [{ id: id('itemro'), title: 'Shared', category: 'PASSWORD' }] },
    { id: VAULT_SECRET, name: 'Secret', items: [] },
  ],
};

const ENV = {
  CONNECT_RETRY_BASE_MS: '5',
  CONNECT_MAX_RETRIES: '2',
  CONNECT_REQUEST_TIMEOUT_MS: '600',
  CONNECT_CONNECT_TIMEOUT_MS: '200',
  CONNECT_MAX_SOCKETS: '8',
  CONNECT_BREAKER_THRESHOLD: '3',
  CONNECT_BREAKER_COOLDOWN_MS: '400',
};

let sim: ConnectSimulator;
let factory: ConnectClientFactory;
let minorGcs = 0;
const SCAVENGE_EVERY = 100_000; // above a socket read (64 KB): one GC at most per chunk
const clients: ConnectClient[] = [];
/** Codes asserted by expectConnectError, so the last test can prove every kind went through the canary check. */
const checkedCodes = new Set<ErrorCode>();

function newClient(overrides: ConnectClientOverrides = {}, baseUrl = sim.url, token = TOKEN): ConnectClient {
  const client = factory.create({ baseUrl, token, accountId: 'acct-test' }, overrides);
  clients.push(client);
  return client;
}

/** Every place an error could show the token to a log or a caller. */
function assertNoSecret(error: unknown): void {
  const e = error as AppException;
  const renderings = [
    JSON.stringify(e),
    inspect(e, { depth: Infinity, showHidden: true }),
    String(e.message),
    String(e.stack),
    JSON.stringify(e.details ?? null),
    JSON.stringify(e.headers ?? null),
    JSON.stringify(Object.getOwnPropertyNames(e).map((key) => [key, String((e as unknown as Record<string, unknown>)[key])])),
  ];
  for (const text of renderings) expect(text).not.toContain(CANARY);
  expect((e as { cause?: unknown }).cause).toBeUndefined();
}

async function expectConnectError(promise: Promise<unknown>, code: ErrorCode): Promise<AppException> {
  const error = await promise.then(
    () => { throw new Error(`expected ${code}, but the call succeeded`); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppException);
  expect((error as AppException).code).toBe(code);
  assertNoSecret(error);
  checkedCodes.add(code);
  return error as AppException;
}

/** Requests the simulator saw whose path contains `fragment`. */
function seen(fragment: string, method?: string) {
  return sim.requests().filter((r) => r.path.includes(fragment) && (method === undefined || r.method === method));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  sim = await ConnectSimulator.start({ port: 0, seed: seed as never, inlineFileLimitBytes: 1024 });
  const moduleRef = await Test.createTestingModule({
    // Its own axios instance, as ConnectModule registers it (the factory empties the instance's defaults).
    imports: [HttpModule.register({})],
    providers: [
      ConnectClientFactory,
      { provide: AppConfig, useValue: new AppConfig(validateEnvironment(ENV)) },
      { provide: BodyBufferScavenger, useValue: new BodyBufferScavenger({ minorGc: () => minorGcs++, everyBytes: SCAVENGE_EVERY }) },
    ],
  }).compile();
  factory = moduleRef.get(ConnectClientFactory);
});

afterEach(() => {
  sim.resetFaults();
  sim.clearRequests();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await sim?.stop();
});

describe('ConnectClient happy paths', () => {
  it('lists and reads vaults, with a name filter', async () => {
    const client = newClient();
    const vaults = await client.listVaults();
    expect(vaults.map((v) => v.id).sort()).toEqual([VAULT, VAULT_RO].sort());
    expect(await client.listVaults({ name: 'Read Only' })).toEqual([expect.objectContaining({ id: VAULT_RO, name: 'Read Only' })]);
    expect(await client.listVaults({ name: 'nope' })).toEqual([]);
    const vault = await client.getVault(VAULT);
    expect(vault).toEqual(expect.objectContaining({ id: VAULT, name: 'Main Vault', items: 2 }));
    expect(client.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists item summaries with title, title-contains and tag filters, encoding quotes and ampersands', async () => {
    const client = newClient();
    const all = await client.listItems(VAULT);
    expect(all.map((i) => i.id).sort()).toEqual([DOC, LOGIN].sort());
    expect(all.find((i) => i.id === LOGIN)).not.toHaveProperty('fields');
    expect((await client.listItems(VAULT, { title: 'GitHub "work" & co' })).map((i) => i.id)).toEqual([LOGIN]);
    expect((await client.listItems(VAULT, { titleContains: '"work" &' })).map((i) => i.id)).toEqual([LOGIN]);
    expect((await client.listItems(VAULT, { tag: 'ops' })).map((i) => i.id)).toEqual([DOC]);
    expect(await client.listItems(VAULT, { title: 'GitHub' })).toEqual([]);
  });

  it('gets, creates, replaces, patches and deletes an item', async () => {
    const client = newClient();
    const login = await client.getItem(VAULT, LOGIN);
    expect(login.fields?.find((f) => f.id === 'password')?.value).toBe('hunter2');

    const created = await client.createItem(VAULT, {
      title: 'Created by test',
      category: 'PASSWORD',
      tags: ['t1'],
      fields: [{ type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 20, characterSets: ['LETTERS', 'DIGITS'] } }],
    });
    expect(created.id).toMatch(/^[a-z0-9]{26}$/);
    expect(created.vault.id).toBe(VAULT);
    expect(created.fields?.[0]?.value).toHaveLength(20);

    const replaced = await client.replaceItem(VAULT, created.id, { title: 'Replaced', category: 'PASSWORD', tags: ['t2'] });
    expect(replaced).toEqual(expect.objectContaining({ id: created.id, title: 'Replaced', tags: ['t2'] }));

    const patched = await client.patchItem(VAULT, created.id, [{ op: 'replace', path: '/title', value: 'Patched' }]);
    expect(patched.title).toBe('Patched');
    expect(patched.version).toBeGreaterThan(replaced.version ?? 0);

    await expect(client.deleteItem(VAULT, created.id)).resolves.toEqual({ confirmedByRetry: false });
    await expectConnectError(client.getItem(VAULT, created.id), ErrorCode.ITEM_NOT_FOUND);
  });

  it('lists and gets file metadata, inline content when small enough', async () => {
    const client = newClient();
    const files = await client.listFiles(VAULT, DOC);
    expect(files.map((f) => f.id).sort()).toEqual([BIG_FILE, SMALL_FILE].sort());
    expect(files.every((f) => f.content === undefined)).toBe(true);

    const small = await client.getFile(VAULT, DOC, SMALL_FILE, { inline: true });
    expect(Buffer.from(small.content ?? '', 'base64')).toEqual(SMALL_BYTES);
    const big = await client.getFile(VAULT, DOC, BIG_FILE);
    expect(big).toEqual(expect.objectContaining({ id: BIG_FILE, name: 'big.bin', size: BIG_BYTES.length }));
    expect(big.content_path).toContain(`/files/${BIG_FILE}/content`);
  });

  it('streams binary file content byte for byte, with its headers', async () => {
    const client = newClient();
    const gcsBefore = minorGcs;
    const content = await client.getFileContent(VAULT, DOC, BIG_FILE);
    expect(content.contentLength).toBe(BIG_BYTES.length);
    expect(content.contentType).toContain('application/octet-stream');
    expect(content.contentDisposition).toContain('big.bin');
    const bytes = await readAll(content.stream);
    expect(bytes.equals(BIG_BYTES)).toBe(true);
    // The body's buffers are scavenged as they stream (one minor GC per SCAVENGE_EVERY bytes, counted across calls).
    expect(minorGcs - gcsBefore).toBeGreaterThanOrEqual(Math.floor(BIG_BYTES.length / SCAVENGE_EVERY));
    expect(minorGcs - gcsBefore).toBeLessThanOrEqual(Math.floor(BIG_BYTES.length / SCAVENGE_EVERY) + 1);
  });

  it('reads the socket up to SOCKET_READ_BYTES at a time, not in Node\'s 64 KB reads', async () => {
    const content = await newClient().getFileContent(VAULT, DOC, BIG_FILE);
    // Unread, the body stops the socket and fills the kernel's buffer: the next read takes all it can.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sizes: number[] = [];
    for await (const chunk of content.stream) sizes.push((chunk as Buffer).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(BIG_BYTES.length);
    expect(Math.max(...sizes)).toBeGreaterThan(64 * 1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SOCKET_READ_BYTES);
  });

  it('downloads at once over one account\'s sockets, which share a read buffer, each byte for byte', async () => {
    const client = newClient();
    const contents = await Promise.all([1, 2, 3, 4].map(() => client.getFileContent(VAULT, DOC, BIG_FILE)));
    const bodies = await Promise.all(contents.map((content) => readAll(content.stream)));
    for (const body of bodies) expect(body.equals(BIG_BYTES)).toBe(true);
    expect(seen(`/files/${BIG_FILE}/content`)).toHaveLength(4);
  });

  it('pages through activity with Content-Range', async () => {
    const client = newClient();
    await client.listVaults();
    await client.getVault(VAULT);
    await client.getItem(VAULT, LOGIN);
    const page = await client.listActivity({ limit: 2, offset: 1 });
    expect(page.data).toHaveLength(2);
    expect(page.data[0]).toEqual(expect.objectContaining({ action: expect.any(String), result: expect.any(String) }));
    expect(page.contentRange).toMatch(/^2-3\/\d+$/);
    expect(page.total).toBeGreaterThanOrEqual(3);
  });

  it('answers heartbeat and health with the server version', async () => {
    const client = newClient();
    await expect(client.heartbeat()).resolves.toBeUndefined();
    const report = await client.health();
    expect(report.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.health.name).toContain('Connect');
    expect(report.health.version).toBe(report.serverVersion);
  });
});

describe('ConnectClient on the wire', () => {
  it('sends exactly its own headers: nothing from axios defaults, the token only where it belongs', async () => {
    const seenHeaders: Record<string, Record<string, string | string[] | undefined>> = {};
    const server = http.createServer((req, res) => {
      const { host: _host, connection: _connection, 'content-length': _length, ...rest } = req.headers;
      seenHeaders[`${req.method} ${req.url}`] = rest;
      req.resume();
      req.on('end', () => {
        if (req.url === '/heartbeat') res.writeHead(200, { 'content-type': 'text/plain' }).end('.');
        else if (req.url?.endsWith('/content')) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('bytes');
        else if (req.method === 'POST') res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"new"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = newClient({}, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await client.heartbeat();
      await client.listVaults();
      await client.createItem('v1', { title: 't', category: 'LOGIN' });
      await readAll((await client.getFileContent('v1', 'i1', 'f1')).stream);
      const json = { authorization: `Bearer ${TOKEN}`, accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'wrk-onepassword' };
      expect(seenHeaders).toEqual({
        'GET /heartbeat': { 'user-agent': 'wrk-onepassword' },
        'GET /v1/vaults': json,
        'POST /v1/vaults/v1/items': json,
        'GET /v1/vaults/v1/items/i1/files/f1/content': { authorization: `Bearer ${TOKEN}`, accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'wrk-onepassword' },
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('ConnectClient error mapping', () => {
  it('401: a token the server does not know', async () => {
    const error = await expectConnectError(newClient({}, sim.url, BAD_TOKEN).listVaults(), ErrorCode.CONNECT_TOKEN_REJECTED);
    expect(error.details).toEqual(expect.objectContaining({ connectStatus: 401 }));
  });

  it('403: a vault outside the token scope, and a write with a read-only grant', async () => {
    const client = newClient();
    await expectConnectError(client.getVault(VAULT_SECRET), ErrorCode.CONNECT_FORBIDDEN);
    await expectConnectError(client.listItems(VAULT_SECRET), ErrorCode.CONNECT_FORBIDDEN);
    const error = await expectConnectError(client.createItem(VAULT_RO, { title: 'x', category: 'PASSWORD' }), ErrorCode.CONNECT_FORBIDDEN);
    expect(error.details).toEqual(expect.objectContaining({ connectStatus: 403, connectMessage: expect.any(String) }));
  });

  it('404: vault, item and file, by Connect message and by the resource asked for', async () => {
    const client = newClient();
    await expectConnectError(client.getVault(MISSING), ErrorCode.VAULT_NOT_FOUND);
    await expectConnectError(client.listItems(MISSING), ErrorCode.VAULT_NOT_FOUND);
    await expectConnectError(client.getItem(VAULT, MISSING), ErrorCode.ITEM_NOT_FOUND);
    await expectConnectError(client.listFiles(VAULT, MISSING), ErrorCode.ITEM_NOT_FOUND);
    await expectConnectError(client.getFile(VAULT, DOC, MISSING), ErrorCode.FILE_NOT_FOUND);
    await expectConnectError(client.getFileContent(VAULT, DOC, MISSING), ErrorCode.FILE_NOT_FOUND);
    await expectConnectError(client.getFileContent(VAULT, MISSING, SMALL_FILE), ErrorCode.ITEM_NOT_FOUND);
  });

  it("400: carries Connect's message", async () => {
    const error = await expectConnectError(newClient().createItem(VAULT, { title: 'x', category: 'NOT_A_CATEGORY' }), ErrorCode.CONNECT_BAD_REQUEST);
    expect(error.details).toEqual(expect.objectContaining({ connectStatus: 400, connectMessage: 'Invalid item category' }));
    expect(error.message).toContain('Invalid item category');
  });

  it('413: a file too large to inline', async () => {
    await expectConnectError(newClient().getFile(VAULT, DOC, BIG_FILE, { inline: true }), ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE);
    await expectConnectError(newClient().listFiles(VAULT, DOC, { inline: true }), ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE);
  });

  it.each([408, 500, 503])('%i on every attempt: CONNECT_UNAVAILABLE after 1 + maxRetries attempts', async (status) => {
    sim.setFaults({ script: [{ status }, { status }, { status }], retryAfterSeconds: 0 });
    const error = await expectConnectError(newClient().getVault(VAULT), ErrorCode.CONNECT_UNAVAILABLE);
    expect(error.details).toEqual(expect.objectContaining({ connectStatus: status }));
    expect(seen(`/v1/vaults/${VAULT}`)).toHaveLength(3);
  });

  it('500 "failed to initiate": CONNECT_SYNC_NOT_READY', async () => {
    sim.setFaults({ syncReady: false });
    await expectConnectError(newClient().listVaults(), ErrorCode.CONNECT_SYNC_NOT_READY);
  });

  it('a stopped listener and a closed port: CONNECT_UNREACHABLE', async () => {
    const url = sim.url;
    const client = newClient();
    await client.listVaults(); // leaves a keep-alive socket, which must not hide the outage
    await sim.stopListener();
    try {
      await expectConnectError(client.listVaults(), ErrorCode.CONNECT_UNREACHABLE);
      await expectConnectError(newClient({}, url).heartbeat(), ErrorCode.CONNECT_UNREACHABLE);
    } finally {
      await sim.startListener();
    }
    const port = await closedPort();
    const error = await expectConnectError(newClient({}, `http://127.0.0.1:${port}`).getVault(VAULT), ErrorCode.CONNECT_UNREACHABLE);
    expect(error.details).toEqual({ networkError: 'ECONNREFUSED' });
  });

  it('a response slower than the request timeout: CONNECT_TIMEOUT', async () => {
    sim.setFaults({ latencyMs: 1_500 });
    const started = Date.now();
    await expectConnectError(newClient({ maxRetries: 0 }).getVault(VAULT), ErrorCode.CONNECT_TIMEOUT);
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('a server that accepts TCP but never completes the handshake: CONNECT_UNREACHABLE after the connect timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      const client = newClient({ maxRetries: 0, requestTimeoutMs: 3_000 }, `https://127.0.0.1:${port}`);
      const error = await expectConnectError(client.health(), ErrorCode.CONNECT_UNREACHABLE);
      // The 200 ms connect timeout fired (undici's coarse timers: within about a second), not the 3 s request timeout.
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error.details).toEqual({ networkError: 'UND_ERR_CONNECT_TIMEOUT' });
      // File content has sockets of its own, with a timer of ours.
      const downloadStarted = Date.now();
      const download = await expectConnectError(client.getFileContent(VAULT, DOC, BIG_FILE), ErrorCode.CONNECT_UNREACHABLE);
      expect(Date.now() - downloadStarted).toBeLessThan(550);
      expect(download.details).toEqual({ networkError: CONNECT_TIMEOUT_CODE });
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('TLS spoken to a plain-HTTP server: CONNECT_TLS_ERROR', async () => {
    const error = await expectConnectError(newClient({ maxRetries: 0 }, sim.url.replace('http:', 'https:')).listVaults(), ErrorCode.CONNECT_TLS_ERROR);
    expect(error.details).toEqual({ networkError: expect.stringMatching(/SSL|TLS|EPROTO/) });
  });

  it('times out a body that trickles in (the 600 ms timeout is for the whole answer, not between bytes)', async () => {
    await withServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const tick = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(tick));
    }, async (url) => {
      const started = Date.now();
      await expectConnectError(newClient({ maxRetries: 0 }, url).listVaults(), ErrorCode.CONNECT_TIMEOUT);
      expect(Date.now() - started).toBeLessThan(1500);
    });
  });

  it('counts the wait for one of the pool\'s sockets in the timeout', async () => {
    const held: http.ServerResponse[] = [];
    await withServer((_req, res) => {
      held.push(res);
    }, async (url) => {
      const client = newClient({ maxRetries: 0, maxSockets: 1 }, url);
      const started = Date.now();
      const results = await Promise.allSettled([client.listVaults(), client.listVaults(), client.listVaults()]);
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as AppException).code : 'ok'))).toEqual([ErrorCode.CONNECT_TIMEOUT, ErrorCode.CONNECT_TIMEOUT, ErrorCode.CONNECT_TIMEOUT]);
      // All three within about one timeout, not one after the other.
      expect(Date.now() - started).toBeLessThan(1100);
      // The two that timed out waiting for the socket are never sent once it frees up.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(held).toHaveLength(1);
    });
    held.forEach((res) => res.destroy());
  });

  it('refuses a JSON answer over 64 MiB without holding it, and keeps only the start of an error body', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    await withServer((req, res) => {
      if (req.url === '/v1/vaults') {
        res.writeHead(200, { 'content-type': 'application/json' });
        let sent = 0;
        const pump = () => {
          while (sent < 80 && res.write(chunk)) sent++;
          if (sent < 80) res.once('drain', pump);
          else res.end();
        };
        pump();
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(`{"status":400,"message":"bad"}${' '.repeat(2 * 1024 * 1024)}`);
      }
    }, async (url) => {
      const client = newClient({ maxRetries: 0, requestTimeoutMs: 20_000 }, url);
      const error = await expectConnectError(client.listVaults(), ErrorCode.CONNECT_NOT_A_CONNECT_SERVER);
      expect(error.message).toContain('64 MiB');
      await expectConnectError(client.getVault(VAULT), ErrorCode.CONNECT_BAD_REQUEST);
    });
  });

  it('does not time out a download its reader holds back, only one the server stops sending', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
    let stall = false;
    await withServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      if (stall) res.write(body.subarray(0, 1024));
      else res.end(body);
    }, async (url) => {
      const client = newClient({ maxRetries: 0 }, url);
      const content = await client.getFileContent(VAULT, DOC, BIG_FILE);
      content.stream.pause();
      // Held back for well over the 600 ms timeout, then read to the end.
      await new Promise((r) => setTimeout(r, 1200));
      let received = 0;
      for await (const piece of content.stream) received += (piece as Buffer).length;
      expect(received).toBe(body.length);
      stall = true;
      const stalled = await client.getFileContent(VAULT, DOC, BIG_FILE);
      await expect((async () => {
        for await (const piece of stalled.stream) void piece;
      })()).rejects.toMatchObject({ code: ErrorCode.CONNECT_TIMEOUT });
    });
  });

  it('a web server that is not Connect: CONNECT_NOT_A_CONNECT_SERVER', async () => {
    const web = http.createServer((req, res) => {
      if (req.url === '/missing-heartbeat' || req.url?.startsWith('/v1/vaults/')) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>');
      }
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const client = newClient({}, `http://127.0.0.1:${(web.address() as AddressInfo).port}`);
      await expectConnectError(client.heartbeat(), ErrorCode.CONNECT_NOT_A_CONNECT_SERVER);
      await expectConnectError(client.health(), ErrorCode.CONNECT_NOT_A_CONNECT_SERVER);
      await expectConnectError(client.listVaults(), ErrorCode.CONNECT_NOT_A_CONNECT_SERVER);
      await expectConnectError(client.getVault(VAULT), ErrorCode.CONNECT_NOT_A_CONNECT_SERVER);
    } finally {
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });

  it('rejects a base URL with credentials before any request', () => {
    expect(() => newClient({}, `http://user:${CANARY}@127.0.0.1:1`)).toThrow(AppException);
  });
});

/** Runs `fn` against a throwaway HTTP server on loopback. */
async function withServer(handler: http.RequestListener, fn: (url: string) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('ConnectClient retries', () => {
  it('a 503 then a 200 on GET succeeds with exactly 2 requests', async () => {
    sim.setFaults({ script: [{ status: 503, retryAfterSeconds: 0 }] });
    const vault = await newClient().getVault(VAULT);
    expect(vault.id).toBe(VAULT);
    expect(seen(`/v1/vaults/${VAULT}`)).toHaveLength(2);
  });

  it('backs off exponentially with full jitter, through the injectable sleep', async () => {
    const waits: number[] = [];
    const client = newClient({ maxRetries: 3, retryBaseMs: 100, random: () => 0.5, sleep: async (ms) => { waits.push(ms); }, requestTimeoutMs: 5000 });
    sim.setFaults({ script: [{ status: 500 }, { status: 502 }, { status: 504 }], retryAfterSeconds: 0 });
    await client.getVault(VAULT);
    expect(waits).toEqual([50, 100, 200]);
    sim.setFaults({ script: [{ status: 429, retryAfterSeconds: 2 }] });
    waits.length = 0;
    await client.getVault(VAULT);
    expect(waits).toEqual([2_000]);
  });

  it('a 429 waits out its Retry-After', async () => {
    sim.setFaults({ script: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    await newClient({ requestTimeoutMs: 5000 }).listVaults();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const attempts = seen('/v1/vaults');
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[1].time - attempts[0].time).toBeGreaterThanOrEqual(950);
  });

  it('the request timeout bounds the whole call: a Retry-After past it is not waited, the 429 is returned at once', async () => {
    sim.setFaults({ script: [{ status: 429, retryAfterSeconds: 1 }] });
    const started = Date.now();
    const error = await expectConnectError(newClient().listVaults(), ErrorCode.CONNECT_UNAVAILABLE);
    expect(Date.now() - started).toBeLessThan(500);
    expect(error.headers).toEqual({ 'Retry-After': '1' });
    expect(seen('/v1/vaults')).toHaveLength(1);
  });

  it('a 429 whose Retry-After is too long is returned at once, with the header', async () => {
    sim.setFaults({ script: [{ status: 429, retryAfterSeconds: 120 }] });
    const error = await expectConnectError(newClient().listVaults(), ErrorCode.CONNECT_UNAVAILABLE);
    expect(error.headers).toEqual({ 'Retry-After': '120' });
    expect(seen('/v1/vaults')).toHaveLength(1);
  });

  it('a POST that gets a 503 is sent exactly once', async () => {
    sim.setFaults({ script: [{ status: 503, method: 'POST' }] });
    await expectConnectError(newClient().createItem(VAULT, { title: 'once', category: 'PASSWORD' }), ErrorCode.CONNECT_UNAVAILABLE);
    expect(seen(`/v1/vaults/${VAULT}/items`, 'POST')).toHaveLength(1);
  });

  it('a PATCH that gets a 503 is sent exactly once', async () => {
    sim.setFaults({ script: [{ status: 503, method: 'PATCH' }] });
    await expectConnectError(newClient().patchItem(VAULT, LOGIN, [{ op: 'replace', path: '/favorite', value: true }]), ErrorCode.CONNECT_UNAVAILABLE);
    expect(seen(`/v1/vaults/${VAULT}/items/${LOGIN}`, 'PATCH')).toHaveLength(1);
  });

  it('PUT and DELETE are retried', async () => {
    const client = newClient();
    const item = await client.createItem(VAULT, { title: 'retry me', category: 'PASSWORD' });
    sim.clearRequests();
    sim.setFaults({ script: [{ status: 502, method: 'PUT' }, { status: 504, method: 'DELETE' }] });
    await client.replaceItem(VAULT, item.id, { title: 'retried', category: 'PASSWORD' });
    await client.deleteItem(VAULT, item.id);
    expect(seen(item.id, 'PUT').map((r) => r.status)).toEqual([502, 200]);
    expect(seen(item.id, 'DELETE').map((r) => r.status)).toEqual([504, 204]);
  });

  describe('a DELETE whose answer was lost', () => {
    const deletes = (itemId: string) => seen(`/items/${itemId}`, 'DELETE').map((r) => [r.status, r.fault]);

    it('applied, then the connection reset: the retry\'s 404 is the delete\'s success', async () => {
      const client = newClient();
      const item = await client.createItem(VAULT, { title: 'reset after delete', category: 'PASSWORD' });
      sim.clearRequests();
      sim.setFaults({ script: [{ method: 'DELETE', reset: true }] });
      await expect(client.deleteItem(VAULT, item.id)).resolves.toEqual({ confirmedByRetry: true });
      expect(deletes(item.id)).toEqual([[204, 'reset'], [404, undefined]]);
      expect(sim.store.item(VAULT, item.id)).toBeUndefined();
      expect(client.circuitState).toBe('closed');
    });

    it('a 5xx (a proxy after Connect deleted it), then 404: success', async () => {
      const client = newClient();
      const item = await client.createItem(VAULT, { title: '5xx after delete', category: 'PASSWORD' });
      // What Connect did before the proxy's 502: the item is gone when the retry arrives.
      sim.store.deleteItem(VAULT, item.id);
      sim.clearRequests();
      sim.setFaults({ script: [{ method: 'DELETE', status: 502 }] });
      await expect(client.deleteItem(VAULT, item.id)).resolves.toEqual({ confirmedByRetry: true });
      expect(deletes(item.id)).toEqual([[502, 'error'], [404, undefined]]);
    });

    it('a 404 on the first attempt, or after a 429 or 408 (answered before acting), stays ITEM_NOT_FOUND', async () => {
      const client = newClient();
      await expectConnectError(client.deleteItem(VAULT, MISSING), ErrorCode.ITEM_NOT_FOUND);
      sim.setFaults({ script: [{ method: 'DELETE', status: 429, retryAfterSeconds: 0 }, { method: 'DELETE', status: 408 }] });
      await expectConnectError(client.deleteItem(VAULT, MISSING), ErrorCode.ITEM_NOT_FOUND);
      expect(deletes(MISSING).map(([status]) => status)).toEqual([404, 429, 408, 404]);
    });

    it('a retry that finds the vault, not the item, missing stays VAULT_NOT_FOUND', async () => {
      sim.setFaults({ script: [{ method: 'DELETE', reset: true }] });
      await expectConnectError(newClient().deleteItem(id('vaultgone'), MISSING), ErrorCode.VAULT_NOT_FOUND);
      expect(deletes(MISSING)).toHaveLength(2);
    });
  });

  it('a connection reset on GET is retried', async () => {
    sim.setFaults({ script: [{ reset: true, pathIncludes: `/items/${LOGIN}` }] });
    const item = await newClient().getItem(VAULT, LOGIN);
    expect(item.id).toBe(LOGIN);
    expect(seen(`/items/${LOGIN}`)).toHaveLength(2);
  });

  it('a connection reset on POST is not retried and says the outcome is unknown', async () => {
    sim.setFaults({ script: [{ reset: true, method: 'POST' }] });
    const error = await expectConnectError(newClient().createItem(VAULT, { title: 'reset', category: 'PASSWORD' }), ErrorCode.CONNECT_UNAVAILABLE);
    expect(error.message).toMatch(/may or may not/);
    expect(seen(`/v1/vaults/${VAULT}/items`, 'POST')).toHaveLength(1);
  });

  it('a stream is never retried once handed over: a reset mid-body errors the stream', async () => {
    sim.setFaults({ script: [{ reset: true, pathIncludes: `/files/${BIG_FILE}/content` }] });
    const content = await newClient().getFileContent(VAULT, DOC, BIG_FILE);
    const error = await readAll(content.stream).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppException);
    expect((error as AppException).code).toBe(ErrorCode.CONNECT_UNAVAILABLE);
    assertNoSecret(error);
    expect(seen(`/files/${BIG_FILE}/content`)).toHaveLength(1);
  });

  it('a retryable status before the stream is handed over is retried', async () => {
    sim.setFaults({ script: [{ status: 503, retryAfterSeconds: 0, pathIncludes: '/content' }] });
    const content = await newClient().getFileContent(VAULT, DOC, SMALL_FILE);
    expect((await readAll(content.stream)).equals(SMALL_BYTES)).toBe(true);
    expect(seen('/content').map((r) => r.status)).toEqual([503, 200]);
  });
});

describe('ConnectClient circuit breaker', () => {
  it('opens after the threshold, fails fast without requests, then closes after the cooldown', async () => {
    const client = newClient({ maxRetries: 0 });
    sim.setFaults({ errorRate: 1, errorStatuses: [503], retryAfterSeconds: 0 });
    for (let i = 0; i < 3; i++) await expectConnectError(client.listVaults(), ErrorCode.CONNECT_UNAVAILABLE);
    expect(client.circuitState).toBe('open');
    expect(seen('/v1/vaults')).toHaveLength(3);

    const open = await expectConnectError(client.listVaults(), ErrorCode.CONNECT_CIRCUIT_OPEN);
    expect(Number(open.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    await expectConnectError(client.getItem(VAULT, LOGIN), ErrorCode.CONNECT_CIRCUIT_OPEN);
    expect(seen('/v1/')).toHaveLength(3);

    sim.resetFaults();
    await new Promise((resolve) => setTimeout(resolve, 450));
    await expect(client.listVaults()).resolves.toHaveLength(2);
    expect(client.circuitState).toBe('closed');
    expect(seen('/v1/vaults')).toHaveLength(4);
  });

  it('a failed half-open trial opens the circuit again', async () => {
    const client = newClient({ maxRetries: 0 });
    await sim.stopListener();
    try {
      for (let i = 0; i < 3; i++) await expectConnectError(client.listVaults(), ErrorCode.CONNECT_UNREACHABLE);
      await expectConnectError(client.listVaults(), ErrorCode.CONNECT_CIRCUIT_OPEN);
      await new Promise((resolve) => setTimeout(resolve, 450));
      await expectConnectError(client.listVaults(), ErrorCode.CONNECT_UNREACHABLE); // the trial
      expect(client.circuitState).toBe('open');
      await expectConnectError(client.listVaults(), ErrorCode.CONNECT_CIRCUIT_OPEN);
    } finally {
      await sim.startListener();
    }
  });

  it('4xx answers never open it', async () => {
    const client = newClient({ maxRetries: 0 });
    for (let i = 0; i < 5; i++) await expectConnectError(client.getVault(MISSING), ErrorCode.VAULT_NOT_FOUND);
    expect(client.circuitState).toBe('closed');
  });

  it('a timeout counts as down', async () => {
    const client = newClient({ maxRetries: 0, breakerThreshold: 1 });
    sim.setFaults({ latencyMs: 1_000 });
    await expectConnectError(client.listVaults(), ErrorCode.CONNECT_TIMEOUT);
    await expectConnectError(client.listVaults(), ErrorCode.CONNECT_CIRCUIT_OPEN);
  });
});

describe('ConnectClient views held by a gate (after)', () => {
  const deferred = () => {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
  const refused = () => new AppException(ErrorCode.AUDIT_UNAVAILABLE, 'The audit log cannot be written');

  it('sends nothing before the gate resolves, while the client itself and other views go on', async () => {
    const client = newClient();
    const gate = deferred();
    const held = client.after(gate.promise).getItem(VAULT, LOGIN);
    await expect(client.after(Promise.resolve()).listVaults()).resolves.toHaveLength(2);
    await expect(client.getVault(VAULT)).resolves.toMatchObject({ id: VAULT });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen(`/items/${LOGIN}`)).toHaveLength(0);
    gate.resolve();
    await expect(held).resolves.toMatchObject({ id: LOGIN, title: 'GitHub "work" & co' });
    expect(seen(`/items/${LOGIN}`)).toHaveLength(1);
  });

  it('fails every call with the gate\'s error when it rejects, and the server never hears of them', async () => {
    const client = newClient();
    const gate = deferred();
    const view = client.after(gate.promise);
    const calls = [view.getItem(VAULT, LOGIN), view.getFileContent(VAULT, DOC, SMALL_FILE), view.deleteItem(VAULT, LOGIN)];
    gate.reject(refused());
    for (const outcome of await Promise.allSettled(calls)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.AUDIT_UNAVAILABLE } });
    }
    expect(seen('/v1/')).toHaveLength(0);
    expect(client.circuitState).toBe('closed');
  });

  it('hands a half-open trial it called off to the next caller', async () => {
    const client = newClient({ maxRetries: 0 });
    await sim.stopListener();
    try {
      for (let i = 0; i < 3; i++) await expectConnectError(client.listVaults(), ErrorCode.CONNECT_UNREACHABLE);
    } finally {
      await sim.startListener();
    }
    expect(client.circuitState).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 450));
    // Admitted as the trial, then called off by its gate: no verdict on the server...
    await expect(client.after(Promise.reject(refused())).listVaults()).rejects.toMatchObject({ code: ErrorCode.AUDIT_UNAVAILABLE });
    // ...so the next call is the trial, not told to wait for one that will never end.
    await expect(client.listVaults()).resolves.toHaveLength(2);
    expect(client.circuitState).toBe('closed');
  });
});

describe('ConnectClient secrecy', () => {
  it('the canary check would catch a raw axios error (negative control)', async () => {
    const raw = await axios
      .get(`${sim.url}/v1/vaults`, { headers: { Authorization: `Bearer ${BAD_TOKEN}` } })
      .then(() => undefined, (e: unknown) => e);
    expect(() => assertNoSecret(raw)).toThrow();
  });

  it('destroy() closes the sockets and refuses later calls', async () => {
    const client = newClient();
    await client.listVaults();
    client.destroy();
    await expect(client.listVaults()).rejects.toThrow(/destroyed/);
  });

  it('never shows the token when inspected or serialised', () => {
    const client = newClient();
    expect(JSON.stringify(client)).not.toContain(CANARY);
    expect(inspect(client, { depth: Infinity, showHidden: true })).not.toContain(CANARY);
  });

  it('checked every error kind for the canary', () => {
    expect([...checkedCodes].sort()).toEqual([
      ErrorCode.CONNECT_BAD_REQUEST,
      ErrorCode.CONNECT_CIRCUIT_OPEN,
      ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE,
      ErrorCode.CONNECT_FORBIDDEN,
      ErrorCode.CONNECT_NOT_A_CONNECT_SERVER,
      ErrorCode.CONNECT_SYNC_NOT_READY,
      ErrorCode.CONNECT_TIMEOUT,
      ErrorCode.CONNECT_TLS_ERROR,
      ErrorCode.CONNECT_TOKEN_REJECTED,
      ErrorCode.CONNECT_UNAVAILABLE,
      ErrorCode.CONNECT_UNREACHABLE,
      ErrorCode.FILE_NOT_FOUND,
      ErrorCode.ITEM_NOT_FOUND,
      ErrorCode.VAULT_NOT_FOUND,
    ].sort());
  });
});
