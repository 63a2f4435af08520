import { Controller, Get, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { AuditAction } from './audit-action.decorator.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditSummaries } from './audit-summaries.js';
import { AuditVerifier } from './audit-verifier.js';
import { AuditEventDto, AuditVerifyResultDto } from './dto/audit-event.dto.js';
import { AuditEventQueryDto, AuditExportQueryDto, AuditVerifyQueryDto } from './dto/audit-event-query.dto.js';

const FILTERS = ['from', 'to', 'actorKeyId', 'action', 'outcome', 'connectedAccountId', 'vaultId', 'itemId', 'requestId'] as const;
const CONTENT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/** Audit reviewers read their tenant's trail here; each of these reads is itself audited, with its filters. */
@ApiTags('Audit')
@Controller('v1/audit-events')
@Roles(Role.Auditor, Role.Admin)
@ApiBadRequestResponse({ description: 'VALIDATION_FAILED: a filter, cursor or range is malformed', type: ErrorResponseDto })
export class AuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @AuditAction('audit-events.list', { summary: AuditSummaries.query([...FILTERS, 'limit', 'cursor']) })
  @ApiOperation({
    summary: 'List audit events',
    description:
      'One event per request: its request record joined with its outcome record (`outcome: unknown` when there is none). ' +
      'Newest first; with an `outcome` filter, ordered by when the outcome was recorded. Cursor-paginated.',
  })
  @ApiPageResponse(AuditEventDto)
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditEventQueryDto): Promise<Page<AuditEventDto>> {
    return this.events.list(principal, query);
  }

  @Get('export')
  @AuditAction('audit-events.export', { failClosed: true, summary: AuditSummaries.query([...FILTERS, 'format']) })
  @ApiOperation({
    summary: 'Export audit records',
    description:
      'Streams every stored record (request and response records, in chain order) matching the filters, in constant memory. ' +
      'Each NDJSON line is the stored record with its `seq`, `prev_hash` and `hash`, so the chain can be re-checked offline: ' +
      '`hash = SHA-256(prev_hash || canonical JSON of the line without prev_hash and hash)`. ' +
      'Fails closed: refused with 503 AUDIT_UNAVAILABLE if the export itself cannot be recorded.',
  })
  @ApiProduces(CONTENT_TYPES.ndjson, CONTENT_TYPES.csv)
  @ApiOkResponse({ description: 'NDJSON (default) or CSV with a header row', schema: { type: 'string', example: '{"id":"9a7d…","seq":1,"type":"request",…}\n' } })
  @ApiServiceUnavailableResponse({ description: 'AUDIT_UNAVAILABLE: the export could not be recorded, so it was refused', type: ErrorResponseDto })
  async export(@CurrentPrincipal() principal: Principal, @Query() query: AuditExportQueryDto): Promise<StreamableFile> {
    const format = query.format ?? 'ndjson';
    const stream = await this.events.export(principal, query, format);
    return new StreamableFile(stream, {
      type: CONTENT_TYPES[format],
      disposition: `attachment; filename="audit-events-${new Date().toISOString().slice(0, 10)}.${format}"`,
    });
  }

  @Get('verify')
  @AuditAction('audit-events.verify', { summary: AuditSummaries.query(['fromSeq', 'toSeq']) })
  @ApiOperation({
    summary: 'Verify the hash chain',
    description:
      "Re-checks the tenant's chain over a range of seq (default: everything kept): no gap, each prev_hash equal to the previous hash, " +
      'each hash equal to SHA-256(prev_hash || canonical record), and the last record equal to the chain head. Reports the first broken link.',
  })
  @ApiOkResponse({ type: AuditVerifyResultDto })
  verify(@CurrentPrincipal() principal: Principal, @Query() query: AuditVerifyQueryDto): Promise<AuditVerifyResultDto> {
    return this.verifier.verify(principal.tenantId, query.fromSeq, query.toSeq);
  }

  @Get(':id')
  @AuditAction('audit-events.get')
  @ApiOperation({ summary: 'Get an audit event', description: 'By the id of its request record (or of its outcome record).' })
  @ApiOkResponse({ type: AuditEventDto })
  @ApiNotFoundResponse({ description: 'AUDIT_EVENT_NOT_FOUND', type: ErrorResponseDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AuditEventDto> {
    return this.events.get(principal, id);
  }
}
