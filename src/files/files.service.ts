import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { Page } from '../common/pagination/page.js';
import type { ConnectClient } from '../connect/connect-client.js';
import { ConnectClientRegistry } from '../connected-accounts/connect-client.registry.js';
import { resolveItem, type ResolvedItem } from '../items/item-lookup.js';
import { ambiguousTitle, assertConnectIdOrThrow, LookupBy } from '../vaults/connect-ref.util.js';
import { pageSorted, toPageRequest } from '../vaults/sorted-page.util.js';
import { contentDisposition } from './content-disposition.util.js';
import type { FileDto } from './dto/file.dto.js';
import type { FileRefDto, GetFileInputDto, ListFilesInputDto } from './dto/file-ref.dto.js';
import { connectContentPathOf, idsInContentPath, presentFile, type WireFile } from './file-presenter.js';

/** A file's content on its way from Connect to the caller: a stream, never buffered. */
export interface FileDownload {
  stream: Readable;
  contentType: string;
  /** Connect's Content-Length, when it sent one. */
  contentLength?: number;
  /** A safe `attachment` disposition built from the file's name. */
  contentDisposition: string;
  fileId: string;
  fileName: string;
}

const fileKey = (file: WireFile) => ({ title: file.name, id: file.id });

/**
 * "Retrieve vault item files" and "Retrieve vault item file details" (metadata, optionally with inline base64
 * content) plus the content download. Each public method is one Wrk action.
 */
@Injectable()
export class FilesService {
  constructor(private readonly registry: ConnectClientRegistry) {}

  /** The item's files ordered by name (case-insensitive) then id, paginated; `inline` adds base64 content. */
  async list(principal: Principal, accountId: string, input: ListFilesInputDto): Promise<Page<FileDto>> {
    const page = toPageRequest(input);
    const client = await this.registry.forPrincipal(principal, accountId);
    const target = await resolveItem(client, input);
    const files = (await client.listFiles(target.vaultId, target.itemId, { inline: input.inline === true })) as WireFile[];
    const sorted = pageSorted(files, fileKey, page);
    return { data: sorted.data.map((file) => presentFile(accountId, target.vaultId, target.itemId, file)), nextCursor: sorted.nextCursor };
  }

  async get(principal: Principal, accountId: string, input: GetFileInputDto): Promise<FileDto> {
    const client = await this.registry.forPrincipal(principal, accountId);
    const target = await resolveItem(client, input);
    const file = await this.metadata(client, target, input, input.inline === true);
    return presentFile(accountId, target.vaultId, target.itemId, file);
  }

  /**
   * The file's bytes as a stream straight from the Connect socket. The metadata is read first: its
   * `content_path` (or `contentPath`) is followed, as the official SDKs do, and its name makes the
   * Content-Disposition.
   */
  async content(principal: Principal, accountId: string, input: FileRefDto): Promise<FileDownload> {
    const client = await this.registry.forPrincipal(principal, accountId);
    const target = await resolveItem(client, input);
    const file = await this.metadata(client, target, input, false);
    const source = idsInContentPath(connectContentPathOf(file)) ?? { ...target, fileId: file.id };
    const content = await client.getFileContent(source.vaultId, source.itemId, source.fileId);
    return {
      stream: content.stream,
      contentType: content.contentType,
      ...(content.contentLength !== undefined ? { contentLength: content.contentLength } : {}),
      contentDisposition: contentDisposition(file.name ?? file.id),
      fileId: file.id,
      fileName: file.name,
    };
  }

  /** File metadata by id, or by exact name (`by=title`; 404 for none, 409 AMBIGUOUS_TITLE for several). */
  private async metadata(client: ConnectClient, target: ResolvedItem, ref: FileRefDto, inline: boolean): Promise<WireFile> {
    assertConnectIdOrThrow('fileId', ref.fileId, ref.by);
    if ((ref.by ?? LookupBy.Id) === LookupBy.Id) return (await client.getFile(target.vaultId, target.itemId, ref.fileId, { inline })) as WireFile;
    const files = (await client.listFiles(target.vaultId, target.itemId)) as WireFile[];
    const matches = files.filter((file) => file.name === ref.fileId);
    if (matches.length === 0) throw new AppException(ErrorCode.FILE_NOT_FOUND, 'No file of the item has this name', { by: 'title' });
    if (matches.length > 1) {
      throw ambiguousTitle('file', ref.fileId, matches.map((file) => ({ id: file.id, vaultId: target.vaultId, itemId: target.itemId, title: file.name })));
    }
    return inline ? ((await client.getFile(target.vaultId, target.itemId, matches[0].id, { inline: true })) as WireFile) : matches[0];
  }
}
