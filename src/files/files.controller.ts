import { Controller, Get, Param, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { ApiRequest } from '../common/http/api-request.js';
import { keepStreamFailure } from '../common/http/stream-failure.js';
import type { Page } from '../common/pagination/page.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import { ItemPathDto } from '../items/dto/item-ref.dto.js';
import { ApiErrors } from '../vaults/api-errors.decorator.js';
import { LookupQueryDto } from '../vaults/dto/connect-ref.dto.js';
import { FileDto } from './dto/file.dto.js';
import { FilePathDto, FileQueryDto, ListFilesQueryDto } from './dto/file-ref.dto.js';
import { FilesService } from './files.service.js';

const LOOKUP_ERRORS = [ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE];

@ApiTags('Files')
@Controller('v1/connected-accounts/:accountId/vaults/:vaultId/items/:itemId/files')
@Roles(Role.Admin, Role.Operator)
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  @ApiOperation({
    summary: 'Retrieve vault item files from 1Password',
    description:
      'Metadata of the files attached to an item, ordered by name (case-insensitive, then id) and paginated (`limit`, `cursor`, `all`). ' +
      '`inline=true` adds each file\'s content in base64 (Connect refuses with 413 above its inline limit: use the content route). ' +
      '`contentUrl` is where this service streams each file.',
  })
  @AuditAction('files.list', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['inline', 'limit', 'all', 'by']) })
  @ApiPageResponse(FileDto, 'One page of file metadata')
  @ApiErrors(...LOOKUP_ERRORS, ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE)
  list(@CurrentPrincipal() principal: Principal, @Param() path: ItemPathDto, @Query() query: ListFilesQueryDto): Promise<Page<FileDto>> {
    return this.files.list(principal, path.accountId, { ...query, vaultId: path.vaultId, itemId: path.itemId });
  }

  @Get(':fileId')
  @ApiOperation({
    summary: 'Retrieve vault item file details from 1Password',
    description: 'One file\'s metadata, by id or (with `by=title`) by exact name; `inline=true` adds its content in base64 (413 above Connect\'s inline limit).',
  })
  @AuditAction('files.get', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['inline', 'by']) })
  @ApiOkResponse({ type: FileDto })
  @ApiErrors(...LOOKUP_ERRORS, ErrorCode.FILE_NOT_FOUND, ErrorCode.CONNECT_FILE_TOO_LARGE_TO_INLINE)
  get(@CurrentPrincipal() principal: Principal, @Param() path: FilePathDto, @Query() query: FileQueryDto): Promise<FileDto> {
    return this.files.get(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, fileId: path.fileId, by: query.by, inline: query.inline });
  }

  @Get(':fileId/content')
  @ApiOperation({
    summary: 'Download a vault item file from 1Password',
    description:
      'The file\'s bytes, streamed from the Connect server as they arrive (never held in memory whole), with Content-Type, Content-Length and ' +
      'a safe `attachment` Content-Disposition carrying the file name. Should Connect fail in the middle of the transfer, the response is cut ' +
      'short: compare the received length with Content-Length.',
  })
  @AuditAction('files.content', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['by']) })
  @ApiOkResponse({ description: 'The raw bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(...LOOKUP_ERRORS, ErrorCode.FILE_NOT_FOUND)
  async content(@CurrentPrincipal() principal: Principal, @Param() path: FilePathDto, @Query() query: LookupQueryDto, @Req() request: ApiRequest): Promise<StreamableFile> {
    const download = await this.files.content(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, fileId: path.fileId, by: query.by });
    keepStreamFailure(request, download.stream);
    return new StreamableFile(download.stream, { type: download.contentType, disposition: download.contentDisposition, length: download.contentLength });
  }
}
