import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { annotateAudit } from '../audit/audit-recorder.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ACCEPTS_JSON_PATCH, JSON_PATCH_MEDIA_TYPE } from '../common/http/json-body.parser.js';
import type { Page } from '../common/pagination/page.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import { ApiErrors } from '../vaults/api-errors.decorator.js';
import { LookupQueryDto, VaultPathDto } from '../vaults/dto/connect-ref.dto.js';
import { CreateItemDto, ReplaceItemDto } from './dto/item-input.dto.js';
import { ItemPathDto } from './dto/item-ref.dto.js';
import { ItemDto, ItemSummaryDto, OtpDto } from './dto/item.dto.js';
import { ListItemsQueryDto } from './dto/list-items-query.dto.js';
import { JsonPatchOperationDto, PatchItemDto } from './dto/patch-item.dto.js';
import { IdempotencyKeyHeader, IfMatchVersion } from './item-headers.decorator.js';
import { ItemsService } from './items.service.js';
import { PatchBodyPipe, type ValidatedPatchBody } from './patch/patch-body.pipe.js';

const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'The item version you last read (`3` or `"3"`): the change is made only if the item is still at that version, else 412 VERSION_MISMATCH',
  example: '3',
};

@ApiTags('Items')
@Controller('v1/connected-accounts/:accountId/vaults/:vaultId/items')
@Roles(Role.Admin, Role.Operator)
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  @ApiOperation({
    summary: 'Retrieve vault items from 1Password',
    description:
      'Item summaries (no field values) of a vault, ordered by title (case-insensitive, then id) and paginated with an opaque cursor: ' +
      '`limit` (default 50, at most 500), `nextCursor`, or `all=true` for every item in one page. Filters: `title` (exact), `titleContains`, ' +
      '`tag`, `category`; they combine (and).',
  })
  @AuditAction('items.list', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['title', 'titleContains', 'tag', 'category', 'limit', 'all', 'by']) })
  @ApiPageResponse(ItemSummaryDto, 'One page of item summaries')
  @ApiErrors(ErrorCode.VAULT_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE)
  list(@CurrentPrincipal() principal: Principal, @Param() path: VaultPathDto, @Query() query: ListItemsQueryDto): Promise<Page<ItemSummaryDto>> {
    return this.items.list(principal, path.accountId, { ...query, vaultId: path.vaultId });
  }

  @Get(':itemId')
  @ApiOperation({
    summary: 'Retrieve vault item details from 1Password',
    description:
      'The full item: fields with their values (OTP fields with their current `totp` code), sections and file metadata. Unknown categories, ' +
      'field types and properties pass through. `?by=title` looks the vault and the item up by name and title.',
  })
  @AuditAction('items.get', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['by']) })
  @ApiOkResponse({ type: ItemDto })
  @ApiErrors(ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE)
  get(@CurrentPrincipal() principal: Principal, @Param() path: ItemPathDto, @Query() query: LookupQueryDto): Promise<ItemDto> {
    return this.items.get(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, by: query.by });
  }

  @Get(':itemId/otp')
  @ApiOperation({
    summary: 'Get the current one-time password of an item',
    description: 'The code of the item\'s first OTP field and the seconds until it changes (from the otpauth period, 30 by default).',
  })
  @AuditAction('items.otp', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['by']) })
  @ApiOkResponse({ type: OtpDto })
  @ApiErrors(ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.OTP_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE)
  otp(@CurrentPrincipal() principal: Principal, @Param() path: ItemPathDto, @Query() query: LookupQueryDto): Promise<OtpDto> {
    return this.items.otp(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, by: query.by });
  }

  @Post()
  @ApiOperation({
    summary: 'Create a vault item in 1Password',
    description:
      'Creates an item: category, title, tags, urls, sections and fields (type, purpose, label, section, value), or values generated by the ' +
      'Connect server from a recipe (`generate: true`, length 1-64, character sets, excluded characters). CUSTOM and DOCUMENT items cannot ' +
      'be created (400 before any call). Field type `TOTP` is sent as `OTP`. With an `Idempotency-Key` header, a retry of the same request ' +
      '(same key, account, vault and body) within 24 hours answers with the item the first one created instead of creating another; the same ' +
      'key with another request answers 422, and while the first is still running, 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII characters, unique per intended item (e.g. the workflow run and step)', example: 'wf-run-8842-step-3' })
  @ApiBody({ type: CreateItemDto })
  @AuditAction('items.create', { readOnly: false, reachesConnect: true, summary: AuditSummaries.combine(AuditSummaries.itemWrite, AuditSummaries.query(['by'])) })
  @ApiCreatedResponse({ type: ItemDto, description: 'The created item, generated values included' })
  @ApiErrors(ErrorCode.MALFORMED_BODY, ErrorCode.BODY_TOO_DEEPLY_NESTED, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.VAULT_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE, ErrorCode.IDEMPOTENCY_KEY_REUSED, ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, ErrorCode.ITEM_NOT_FOUND)
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() path: VaultPathDto,
    @Query() query: LookupQueryDto,
    @Body() item: CreateItemDto,
    @IdempotencyKeyHeader() idempotencyKey: string | undefined,
  ): Promise<ItemDto> {
    return this.items.create(principal, path.accountId, { vaultId: path.vaultId, by: query.by, item, idempotencyKey });
  }

  @Put(':itemId')
  @ApiOperation({
    summary: 'Update vault item in 1Password (full replace)',
    description:
      'Replaces the whole item: whatever the body leaves out (fields, sections, tags, urls) is dropped; files are kept. An item as read from ' +
      'the details route can be sent back as is (read-only properties are ignored). With `If-Match: <version>` the item is replaced only if it ' +
      'is still at that version (412 otherwise); the check reads the item just before the write, so a change landing in between (milliseconds) ' +
      'is not detected.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ type: ReplaceItemDto })
  @AuditAction('items.replace', { readOnly: false, reachesConnect: true, summary: AuditSummaries.combine(AuditSummaries.itemWrite, AuditSummaries.query(['by'])) })
  @ApiOkResponse({ type: ItemDto, description: 'The item after the replace (version + 1)' })
  @ApiErrors(ErrorCode.MALFORMED_BODY, ErrorCode.BODY_TOO_DEEPLY_NESTED, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE, ErrorCode.VERSION_MISMATCH)
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param() path: ItemPathDto,
    @Query() query: LookupQueryDto,
    @Body() item: ReplaceItemDto,
    @IfMatchVersion() ifMatch: number | undefined,
  ): Promise<ItemDto> {
    return this.items.replace(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, by: query.by, item, ifMatch });
  }

  @Patch(':itemId')
  @RouteConfig({ [ACCEPTS_JSON_PATCH]: true })
  @ApiOperation({
    summary: 'Update vault item in 1Password (partial)',
    description:
      'Either raw RFC 6902 operations (a JSON array, or `{ "operations": [...] }`) sent to Connect as they are (fields addressed by id: ' +
      '`/fields/password/value`), or the friendly form: `title`, `tags`, `urls`, `favorite` and `fields: [{ label | id, section?, value? | ' +
      'generate + recipe?, type?, purpose?, newLabel?, remove?, createIfMissing? }]`. The friendly form finds each field by its exact label ' +
      '(within `section`, a section label or id, when given) or id and compiles the changes to operations on field ids; an unknown label ' +
      'answers 400 FIELD_NOT_FOUND naming it, a label several fields share 400 FIELD_AMBIGUOUS. `If-Match` works as for PUT.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiConsumes('application/json', JSON_PATCH_MEDIA_TYPE)
  @ApiExtraModels(PatchItemDto, JsonPatchOperationDto)
  @ApiBody({
    schema: { oneOf: [{ type: 'array', items: { $ref: getSchemaPath(JsonPatchOperationDto) }, maxItems: 200 }, { $ref: getSchemaPath(PatchItemDto) }] },
    examples: {
      byLabel: { summary: 'Friendly form: fields by label', value: { fields: [{ label: 'api key', value: 'n3w-s3cret' }, { label: 'host', section: 'Connection details', value: 'db2.internal' }], tags: ['prod', 'rotated'] } },
      generate: { summary: 'Regenerate the password', value: { fields: [{ id: 'password', generate: true, recipe: { length: 40, characterSets: ['LETTERS', 'DIGITS'] } }] } },
      operations: { summary: 'Raw RFC 6902 operations', value: [{ op: 'replace', path: '/fields/password/value', value: 'n3w-s3cret' }, { op: 'replace', path: '/title', value: 'Production database' }] },
    },
  })
  @AuditAction('items.patch', { readOnly: false, reachesConnect: true, summary: AuditSummaries.combine(AuditSummaries.itemPatch, AuditSummaries.query(['by'])) })
  @ApiOkResponse({ type: ItemDto, description: 'The item after the change' })
  @ApiErrors(ErrorCode.MALFORMED_BODY, ErrorCode.BODY_TOO_DEEPLY_NESTED, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.FIELD_NOT_FOUND, ErrorCode.FIELD_AMBIGUOUS, ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE, ErrorCode.VERSION_MISMATCH)
  patch(
    @CurrentPrincipal() principal: Principal,
    @Param() path: ItemPathDto,
    @Query() query: LookupQueryDto,
    @Body(PatchBodyPipe) patch: ValidatedPatchBody,
    @IfMatchVersion() ifMatch: number | undefined,
  ): Promise<ItemDto> {
    return this.items.patch(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, by: query.by, patch, ifMatch });
  }

  @Delete(':itemId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete vault item in 1Password',
    description:
      'Deletes the item permanently: Connect has no trash. 404 for an item that does not exist (or no longer does); a retry after a lost ' +
      'answer that finds the item gone is the delete\'s success (204). `If-Match` works as for PUT: the item is deleted only if it is still ' +
      'at that version (412 otherwise).',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @AuditAction('items.delete', { readOnly: false, reachesConnect: true, summary: AuditSummaries.query(['by']) })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE, ErrorCode.VERSION_MISMATCH)
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param() path: ItemPathDto,
    @Query() query: LookupQueryDto,
    @IfMatchVersion() ifMatch: number | undefined,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const deletion = await this.items.delete(principal, path.accountId, { vaultId: path.vaultId, itemId: path.itemId, by: query.by, ifMatch });
    // An auditor reading a 204 after Connect's 404 sees why.
    if (deletion.confirmedByRetry) annotateAudit(request, { details: { confirmedByRetry: true } });
  }
}
