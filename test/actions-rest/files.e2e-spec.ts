import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { Response } from 'supertest';
import { ActionsFixture, cid, connectCalls, startFixture } from './actions-fixture.js';

const VAULT = cid('vaultfiles');
const SMALL_ITEM = cid('itemsmallfiles');
const BIG_ITEM = cid('itembigfiles');
const CERT = cid('filecert');
const RESUME = cid('fileresume');
const BIG = cid('filebig');
const DUP_A = cid('filedupa');
const DUP_B = cid('filedupb');
const ALL_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n\0end')]);
const RESUME_NAME = 'résumé "final"\r\n.pdf';
const BIG_SIZE = 50 * 1024 * 1024 + 7;
const INLINE_LIMIT = 4096;

const seed: SimulatorSeed = {
  vaults: [
    {
      id: VAULT,
      name: 'Files',
      items: [
        {
          id: SMALL_ITEM, title: 'Certificates', category: 'SECURE_NOTE', sections: [{ id: 'docs', label: 'Docs' }],
          files: [
            { id: CERT, name: 'cert.pem', bytes: new Uint8Array(ALL_BYTES), section: { id: 'docs' } },
            { id: RESUME, name: RESUME_NAME, content: Buffer.from('%PDF-1.7').toString('base64') },
          ],
        },
        {
          id: BIG_ITEM, title: 'Backups', category: 'SECURE_NOTE',
          files: [
            { id: BIG, name: 'backup.tar.gz', generated: true as const, size: BIG_SIZE },
            { id: DUP_A, name: 'dup.txt', content: Buffer.from('a').toString('base64') },
            { id: DUP_B, name: 'dup.txt', content: Buffer.from('b').toString('base64') },
          ],
        },
      ],
    },
  ],
};

/** A supertest parser that hashes the body as it streams by: the test never holds it either. */
function hashingParser(response: Response, done: (error: Error | null, body: unknown) => void): void {
  // At this point superagent hands over the raw IncomingMessage, typed as its Response.
  const res = response as unknown as Readable;
  const hash = createHash('sha256');
  let length = 0;
  res.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  res.on('end', () => done(null, { sha256: hash.digest('hex'), length }));
  res.on('error', (error) => done(error, { sha256: '', length }));
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('Files (REST)', () => {
  let f: ActionsFixture;
  let small: string;
  let big: string;

  beforeAll(async () => {
    f = await startFixture({ seed, sim: { inlineFileLimitBytes: INLINE_LIMIT } });
    small = `${f.base}/vaults/${VAULT}/items/${SMALL_ITEM}/files`;
    big = `${f.base}/vaults/${VAULT}/items/${BIG_ITEM}/files`;
  });
  afterAll(() => f?.close());
  beforeEach(() => {
    f.sim.resetFaults();
    f.sim.clearRequests();
  });

  describe('GET /files', () => {
    it('lists metadata ordered by name, with contentUrl on this service instead of Connect\'s content_path', async () => {
      const res = await f.get(small).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data).toEqual([
        { id: CERT, name: 'cert.pem', size: ALL_BYTES.length, section: { id: 'docs' }, contentUrl: `${small}/${CERT}/content` },
        { id: RESUME, name: RESUME_NAME, size: 8, contentUrl: `${small}/${RESUME}/content` },
      ]);
      const page = await f.get(`${big}?limit=2`).expect(200);
      expect(page.body.data.map((x: { id: string }) => x.id)).toEqual([BIG, DUP_A]);
      const rest = await f.get(`${big}?limit=2&cursor=${page.body.nextCursor}`).expect(200);
      expect(rest.body.data.map((x: { id: string }) => x.id)).toEqual([DUP_B]);
    });

    it('inline=true passes inline_files=true and returns base64 content; above the inline limit 413', async () => {
      const res = await f.get(`${small}?inline=true`).expect(200);
      expect(Buffer.from(res.body.data[0].content, 'base64').equals(ALL_BYTES)).toBe(true);
      expect(connectCalls(f.sim).some((r) => r.query.includes('inline_files=true'))).toBe(true);
      const tooLarge = await f.get(`${big}?inline=true`).expect(413);
      expect(tooLarge.body.error.code).toBe('CONNECT_FILE_TOO_LARGE_TO_INLINE');
    });

    it('works with vault and item titles, and answers 404 ITEM_NOT_FOUND for an unknown item', async () => {
      const res = await f.get(`${f.base}/vaults/Files/items/Certificates/files?by=title`).expect(200);
      expect(res.body.data).toHaveLength(2);
      expect((await f.get(`${f.base}/vaults/${VAULT}/items/${cid('noitem')}/files`).expect(404)).body.error.code).toBe('ITEM_NOT_FOUND');
    });
  });

  describe('GET /files/:fileId', () => {
    it('returns one file\'s metadata, with its content when inline=true', async () => {
      expect((await f.get(`${small}/${CERT}`).expect(200)).body).toEqual({ id: CERT, name: 'cert.pem', size: ALL_BYTES.length, section: { id: 'docs' }, contentUrl: `${small}/${CERT}/content` });
      const inline = await f.get(`${small}/${CERT}?inline=true`).expect(200);
      expect(Buffer.from(inline.body.content, 'base64').equals(ALL_BYTES)).toBe(true);
      expect((await f.get(`${big}/${BIG}?inline=true`).expect(413)).body.error.code).toBe('CONNECT_FILE_TOO_LARGE_TO_INLINE');
    });

    it('finds a file by name with by=title: 404 FILE_NOT_FOUND for none, 409 AMBIGUOUS_TITLE for several', async () => {
      expect((await f.get(`${f.base}/vaults/Files/items/Certificates/files/cert.pem?by=title`).expect(200)).body.id).toBe(CERT);
      const none = await f.get(`${f.base}/vaults/Files/items/Certificates/files/nope.txt?by=title`).expect(404);
      expect(none.body.error.code).toBe('FILE_NOT_FOUND');
      const dup = await f.get(`${f.base}/vaults/Files/items/Backups/files/dup.txt?by=title`).expect(409);
      expect(dup.body.error.code).toBe('AMBIGUOUS_TITLE');
      expect(dup.body.error.details.candidates.map((c: { id: string }) => c.id)).toEqual([DUP_A, DUP_B]);
    });

    it('answers 404 FILE_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
      expect((await f.get(`${small}/${cid('nofile')}`).expect(404)).body.error.code).toBe('FILE_NOT_FOUND');
      expect((await f.get(`${small}/cert.pem`).expect(400)).body.error.details.problems[0].property).toBe('fileId');
      expect((await f.get(`${small}/${CERT}?inline=yes`).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /files/:fileId/content', () => {
    it('streams the bytes exactly, with Content-Type, Content-Length and Content-Disposition', async () => {
      const res = await f.get(`${small}/${CERT}/content`).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      }).expect(200);
      expect((res.body as Buffer).equals(ALL_BYTES)).toBe(true);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-length']).toBe(String(ALL_BYTES.length));
      expect(res.headers['content-disposition']).toBe('attachment; filename="cert.pem"');
      // It followed the content_path of the file's metadata.
      expect(connectCalls(f.sim).map((r) => r.path)).toEqual([`/v1/vaults/${VAULT}/items/${SMALL_ITEM}/files/${CERT}`, `/v1/vaults/${VAULT}/items/${SMALL_ITEM}/files/${CERT}/content`]);
    });

    it('encodes a file name safely (no header injection, RFC 5987 for non-ASCII)', async () => {
      const res = await f.get(`${small}/${RESUME}/content`).expect(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
    });

    it('streams a 50 MB file byte for byte while the process memory stays flat', async () => {
      const stored = f.sim.store.item(VAULT, BIG_ITEM)!.files.find((file) => file.id === BIG)!;
      const expected = await sha256Of(stored.content.stream());
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakArrayBuffers = baseline.arrayBuffers;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
      }, 5);
      try {
        // buffer(true) with a custom parser: superagent hands the stream to the parser (it only counts bytes) and
        // takes the parser's result as the body; with buffer(false) that result would be dropped.
        const res = await f.get(`${big}/${BIG}/content`).buffer(true).parse(hashingParser).expect(200);
        expect(res.headers['content-length']).toBe(String(BIG_SIZE));
        expect(res.body).toEqual({ sha256: expected, length: BIG_SIZE });
      } finally {
        clearInterval(sampler);
      }
      const growthMb = { rss: (peakRss - baseline.rss) / 2 ** 20, arrayBuffers: (peakArrayBuffers - baseline.arrayBuffers) / 2 ** 20 };
      if (process.env.WRK_TEST_REPORT) console.log(`50 MB download: peak growth rss ${growthMb.rss.toFixed(1)} MB, arrayBuffers ${growthMb.arrayBuffers.toFixed(1)} MB`);
      expect(growthMb.rss).toBeLessThan(64);
      expect(growthMb.arrayBuffers).toBeLessThan(64);
    });

    it('records a download Connect cuts off midway as Connect\'s failure, not as the client leaving', async () => {
      const server = f.t.app.getHttpServer();
      if (!server.listening) await f.t.app.listen(0, '127.0.0.1');
      const { port } = server.address() as AddressInfo;
      const path = `${big}/${BIG}/content`;
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${f.operatorKey}`, 'x-request-id': 'cut-download-1' } }, (res) => {
          expect(res.statusCode).toBe(200);
          // The first bytes arrive, then the Connect server goes down.
          res.once('data', () => void f.sim.stopListener());
          res.on('error', () => resolve());
          res.on('close', () => resolve());
          res.resume();
        }).on('error', reject);
      });
      await f.sim.startListener();
      let outcome: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !outcome; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const events = (await f.get('/v1/audit-events?requestId=cut-download-1', f.tenant.adminKey).expect(200)).body.data as Record<string, unknown>[];
        outcome = events.find((e) => e.outcome !== 'unknown');
      }
      expect(outcome).toMatchObject({ action: 'files.content', outcome: 'error', httpStatus: 503, errorCode: 'CONNECT_UNAVAILABLE' });
    });

    it('works by title and answers 404 FILE_NOT_FOUND for an unknown file', async () => {
      const res = await f.get(`${f.base}/vaults/Files/items/Certificates/files/cert.pem/content?by=title`).expect(200);
      expect(res.headers['content-length']).toBe(String(ALL_BYTES.length));
      expect((await f.get(`${small}/${cid('nofile')}/content`).expect(404)).body.error.code).toBe('FILE_NOT_FOUND');
    });
  });

  describe('errors of every file route', () => {
    const routes = () => [small, `${small}/${CERT}`, `${small}/${CERT}/content`];

    it('refuse the auditor with 403 and another tenant with 404, without calling Connect', async () => {
      const other = await f.t.createTenant();
      for (const route of routes()) {
        expect((await f.get(route, f.auditorKey).expect(403)).body.error.code).toBe('FORBIDDEN');
        expect((await f.get(route, other.adminKey).expect(404)).body.error.code).toBe('CONNECTED_ACCOUNT_NOT_FOUND');
      }
      expect(connectCalls(f.sim)).toHaveLength(0);
    });

    it('answer 503 after retries and 403 CONNECT_FORBIDDEN outside the token scope', async () => {
      f.sim.setFaults({ retryAfterSeconds: 0, errorRate: 1, errorStatuses: [503] });
      for (const route of routes()) expect((await f.get(route).expect(503)).body.error.code).toBe('CONNECT_UNAVAILABLE');
      f.sim.resetFaults();
      const scoped = await f.connect(f.sim.createToken({}));
      for (const route of routes()) expect((await f.get(route.replace(f.accountId, scoped)).expect(403)).body.error.code).toBe('CONNECT_FORBIDDEN');
    });

    it('never log file bytes', () => {
      expect(f.t.logs.text()).not.toContain('%PDF-1.7');
    });
  });
});
