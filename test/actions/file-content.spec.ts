import { PassThrough, Readable } from 'node:stream';
import { AppException } from '../../src/common/errors/app-exception.js';
import { readFileContent } from '../../src/actions/file-content.reader.js';
import type { FileDownload } from '../../src/files/files.service.js';

const input = { vaultId: 'v'.repeat(26), itemId: 'i'.repeat(26), fileId: 'f'.repeat(26) };
const download = (stream: Readable, contentLength?: number): FileDownload => ({
  stream, contentType: 'application/pdf', contentDisposition: 'attachment; filename="a.pdf"', fileId: input.fileId, fileName: 'a.pdf',
  ...(contentLength === undefined ? {} : { contentLength }),
});

describe('files.content action: reading a file up to the inline limit', () => {
  it('returns the bytes in base64 with their size', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const output = await readFileContent(download(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]), 5), 'acct', input, 5);
    expect(output).toEqual({ fileId: input.fileId, name: 'a.pdf', contentType: 'application/pdf', size: 5, encoding: 'base64', content: bytes.toString('base64') });
  });

  it('refuses by Content-Length before reading, and cuts the transfer', async () => {
    const stream = new PassThrough();
    const error = await readFileContent(download(stream, 11), 'acct', input, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({ code: 'FILE_TOO_LARGE_FOR_ACTION', details: { size: 11, limitBytes: 10, contentUrl: `/v1/connected-accounts/acct/vaults/${input.vaultId}/items/${input.itemId}/files/${input.fileId}/content` } });
    expect(stream.destroyed).toBe(true);
  });

  it('refuses a stream without Content-Length once it passes the limit, and cuts the transfer', async () => {
    const stream = new PassThrough();
    const pending = readFileContent(download(stream), 'acct', { ...input, by: 'title' as never }, 10);
    stream.write(Buffer.alloc(6));
    stream.write(Buffer.alloc(6));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FILE_TOO_LARGE_FOR_ACTION', details: { limitBytes: 10 } });
    expect((error as AppException).details!.contentUrl).toMatch(/\/content\?by=title$/);
    expect(stream.destroyed).toBe(true);
  });
});
