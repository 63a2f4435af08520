import { createHash } from 'node:crypto';
import { request } from 'node:http';

import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { connectClient } from './connect-client.helper.js';

// Files per connect-api.md §7: metadata, inline_files and its 413 limit, raw /content bytes.
const VAULT = 'filesvault0000000000000001';
const ITEM = 'filesitem00000000000000001';
const SMALL = 'smallfile00000000000000001';
const AT_LIMIT = 'limitfile00000000000000001';
const OVER = 'overlimit00000000000000001';
const BIG = 'bigfile0000000000000000001';
const LIMIT = 1000;
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BIG_SIZE = 20 * 1024 * 1024 + 3;

describe('Connect simulator: files', () => {
  let sim: ConnectSimulator;
  let api: ReturnType<typeof connectClient>;
  const base = `/v1/vaults/${VAULT}/items/${ITEM}/files`;

  beforeAll(async () => {
    sim = await ConnectSimulator.start({
      inlineFileLimitBytes: LIMIT,
      seed: {
        vaults: [
          {
            id: VAULT,
            name: 'Files',
            items: [
              {
                id: ITEM,
                title: 'With files',
                category: 'SECURE_NOTE',
                sections: [{ id: 'docs', label: 'Docs' }],
                files: [
                  { id: SMALL, name: 'bytes.bin', content: ALL_BYTES.toString('base64'), section: { id: 'docs' } },
                  { id: AT_LIMIT, name: 'limit.bin', bytes: Buffer.alloc(LIMIT, 7) },
                ],
              },
              {
                id: 'largeitem00000000000000001',
                title: 'Large',
                category: 'DOCUMENT',
                files: [
                  { id: OVER, name: 'over.bin', bytes: Buffer.alloc(LIMIT + 1, 1) },
                  { id: BIG, name: 'big.tar.gz', generated: true, size: BIG_SIZE },
                ],
              },
            ],
          },
        ],
      },
    });
    api = connectClient(sim);
  });
  afterAll(() => sim.stop());

  it('lists file metadata with snake_case content_path, a leading slash and the section', async () => {
    const res = await api.get(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: SMALL, name: 'bytes.bin', size: 256, section: { id: 'docs' }, content_path: `${base}/${SMALL}/content` },
      { id: AT_LIMIT, name: 'limit.bin', size: LIMIT, content_path: `${base}/${AT_LIMIT}/content` },
    ]);
    expect((await api.get(`/v1/vaults/${VAULT}/items/${ITEM}`)).body.files).toEqual(res.body);
  });

  it('gets one file, 404 "file {id} not found" otherwise', async () => {
    expect((await api.get(`${base}/${SMALL}`)).body).toMatchObject({ id: SMALL, name: 'bytes.bin', size: 256 });
    const missing = 'f'.repeat(26);
    expect((await api.get(`${base}/${missing}`)).body).toEqual({ status: 404, message: `file ${missing} not found` });
    expect((await api.get(`${base}/${missing}/content`)).status).toBe(404);
    expect((await api.get(`${base}/bad-id`)).status).toBe(400);
    expect((await api.get(`/v1/vaults/${VAULT}/items/${'i'.repeat(26)}/files`)).status).toBe(404);
  });

  it('inlines base64 content up to the limit with inline_files=true', async () => {
    const list = await api.get(`${base}?inline_files=true`);
    expect(list.status).toBe(200);
    expect(Buffer.from(list.body[0].content, 'base64')).toEqual(ALL_BYTES);
    expect(Buffer.from(list.body[1].content, 'base64')).toEqual(Buffer.alloc(LIMIT, 7));
    const single = await api.get(`${base}/${AT_LIMIT}?inline_files=true`);
    expect(single.body.content).toBe(Buffer.alloc(LIMIT, 7).toString('base64'));
    expect((await api.get(`${base}/${SMALL}?inline_files=false`)).body.content).toBeUndefined();
  });

  it('answers 413 with the reference message above the inline limit', async () => {
    const message =
      'File is too large to inline in request. Use the /v1/vaults/{vaultUUID}/items/{itemUUID}/files/{fileUUID}/content endpoint instead.';
    const largeBase = `/v1/vaults/${VAULT}/items/largeitem00000000000000001/files`;
    for (const path of [`${largeBase}?inline_files=true`, `${largeBase}/${OVER}?inline_files=true`]) {
      expect((await api.get(path)).body).toEqual({ status: 413, message });
    }
    expect((await api.get(largeBase)).status).toBe(200);
  });

  it('streams raw bytes byte-for-byte with the download headers', async () => {
    const res = await api.get(`${base}/${SMALL}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bytes.bin"');
    expect(res.headers.get('content-length')).toBe('256');
    expect(res.raw).toEqual(ALL_BYTES);
  });

  it('encodes non-ASCII file names in Content-Disposition', async () => {
    const file = sim.store.addFile(VAULT, ITEM, { name: 'résumé "v2".pdf', bytes: Buffer.from('pdf') });
    const res = await api.get(`${base}/${file.id}/content`);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _v2_.pdf"; filename*=UTF-8''${encodeURIComponent('résumé "v2".pdf')}`,
    );
    expect(res.raw.toString()).toBe('pdf');
  });

  it('streams a large generated file chunk by chunk with deterministic bytes', async () => {
    const expected = createHash('sha256').update(sim.store.item(VAULT, 'largeitem00000000000000001')!.files[1].content.bytes()).digest('hex');
    const { size, hash, chunks } = await new Promise<{ size: number; hash: string; chunks: number }>((resolve, reject) => {
      const req = request(`${sim.url}/v1/vaults/${VAULT}/items/largeitem00000000000000001/files/${BIG}/content`, {
        headers: { Authorization: `Bearer ${sim.defaultToken()}` },
      });
      req.on('response', (res) => {
        expect(res.headers['content-length']).toBe(String(BIG_SIZE));
        const digest = createHash('sha256');
        let received = 0;
        let count = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          count++;
          digest.update(chunk);
        });
        res.on('end', () => resolve({ size: received, hash: digest.digest('hex'), chunks: count }));
        res.on('error', reject);
      });
      req.on('error', reject).end();
    });
    expect(size).toBe(BIG_SIZE);
    expect(hash).toBe(expected);
    expect(chunks).toBeGreaterThan(1);
  });

  it('shows files added through the store, with a new item version', async () => {
    const before = sim.store.item(VAULT, ITEM)!.version;
    const file = sim.store.addFile(VAULT, ITEM, { name: 'added.txt', content: Buffer.from('hello').toString('base64') });
    const item = (await api.get(`/v1/vaults/${VAULT}/items/${ITEM}`)).body;
    expect(item.version).toBe(before + 1);
    expect(item.files.map((f: { id: string }) => f.id)).toContain(file.id);
    expect((await api.get(`${base}/${file.id}/content`)).raw.toString()).toBe('hello');
  });

  it('has no upload', async () => {
    expect((await api.post(`${base}`, {})).status).toBe(405);
    expect((await api.put(`${base}/${SMALL}`, {})).status).toBe(405);
  });
});
