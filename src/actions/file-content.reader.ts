import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { FileRefDto } from '../files/dto/file-ref.dto.js';
import { contentUrlOf } from '../files/file-presenter.js';
import type { FileDownload } from '../files/files.service.js';
import { LookupBy } from '../vaults/connect-ref.util.js';
import type { FileContentDto } from './dto/file-content.dto.js';

/**
 * Largest file the files.content action returns inline (base64 makes the answer a third larger). A workflow
 * payload is held whole in memory at every step; larger files belong to the streaming REST route.
 */
export const MAX_ACTION_FILE_BYTES = 10 * 1024 * 1024;

/**
 * The file's bytes, read from the Connect stream up to MAX_ACTION_FILE_BYTES. A larger file (by its
 * Content-Length, or by what arrives when there is none) is refused with 413 FILE_TOO_LARGE_FOR_ACTION
 * pointing at the REST content route, and its transfer from Connect is cut off.
 */
export async function readFileContent(download: FileDownload, accountId: string, input: FileRefDto, limit = MAX_ACTION_FILE_BYTES): Promise<FileContentDto> {
  const { stream } = download;
  if (download.contentLength !== undefined && download.contentLength > limit) {
    stream.destroy();
    throw tooLarge(accountId, input, limit, download.contentLength);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    // Leaving the loop destroys the stream, which aborts the transfer from Connect.
    if (size > limit) throw tooLarge(accountId, input, limit, download.contentLength);
    chunks.push(bytes);
  }
  return {
    fileId: download.fileId,
    name: download.fileName,
    contentType: download.contentType,
    size,
    encoding: 'base64',
    content: Buffer.concat(chunks, size).toString('base64'),
  };
}

function tooLarge(accountId: string, input: FileRefDto, limit: number, size: number | undefined): AppException {
  const byTitle = input.by === LookupBy.Title;
  const contentUrl = `${contentUrlOf(accountId, input.vaultId, input.itemId, input.fileId)}${byTitle ? '?by=title' : ''}`;
  return new AppException(
    ErrorCode.FILE_TOO_LARGE_FOR_ACTION,
    `The file is ${size === undefined ? 'larger than' : `${size} bytes, above`} the ${limit} bytes the files.content action returns inline; download it from details.contentUrl, which streams any size`,
    { ...(size === undefined ? {} : { size }), limitBytes: limit, contentUrl },
  );
}
