import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_OUTCOMES, REVIEW_OUTCOMES, ReviewOutcome } from '../audit.constants.js';

export class AuditActorDto {
  @ApiProperty({ enum: ['api-key', 'platform', 'anonymous', 'system'], example: 'api-key', description: 'anonymous: no valid key was presented' })
  type: string;

  @ApiProperty({ format: 'uuid', nullable: true, example: '0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51' })
  keyId: string | null;

  @ApiProperty({ nullable: true, example: 'workflow-runner' })
  name: string | null;

  @ApiProperty({ nullable: true, enum: ['admin', 'operator', 'auditor'], example: 'operator' })
  role: string | null;
}

export class AuditResourcesDto {
  @ApiProperty({ nullable: true, example: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b' })
  connectedAccountId: string | null;

  @ApiProperty({ nullable: true, example: 'ytrfte14kw1uex5txaore1emkz' })
  vaultId: string | null;

  @ApiProperty({ nullable: true, example: 'wepiqdxdzncjtnvmv5fegud4qy' })
  itemId: string | null;

  @ApiProperty({ nullable: true, example: null })
  fileId: string | null;

  @ApiProperty({ nullable: true, description: 'The main resource of a non-Connect route, e.g. an API key id', example: null })
  resourceId: string | null;
}

/** One stored record of the pair, with its place in the hash chain. */
export class AuditRecordRefDto {
  @ApiProperty({ format: 'uuid', example: '9a7d1c3e-2b4f-4e6a-8c0d-1e2f3a4b5c6d' })
  id: string;

  @ApiProperty({ enum: ['request', 'response'], example: 'request' })
  type: string;

  @ApiProperty({ example: 42 })
  seq: number;

  @ApiProperty({ example: '2026-11-27T15:00:00.123Z' })
  recordedAt: string;

  @ApiProperty({ description: 'SHA-256 (hex) over the previous record\'s hash and this record', example: '5b0c…e1' })
  hash: string;
}

/** A request as reviewers see it: its request record joined with its outcome record. */
export class AuditEventDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the request record', example: '9a7d1c3e-2b4f-4e6a-8c0d-1e2f3a4b5c6d' })
  id: string;

  @ApiProperty({ description: 'Same as the X-Request-Id response header', example: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50' })
  requestId: string;

  @ApiProperty({ description: 'When the request was recorded', example: '2026-11-27T15:00:00.123Z' })
  time: string;

  @ApiProperty({ nullable: true, description: 'When its outcome was recorded', example: '2026-11-27T15:00:00.131Z' })
  completedAt: string | null;

  @ApiProperty({ format: 'uuid', example: '7d4f3c2a-1b0e-4f8d-9c6b-5a4e3d2c1b0a' })
  tenantId: string;

  @ApiProperty({ type: AuditActorDto })
  actor: AuditActorDto;

  @ApiProperty({ example: 'items.get' })
  action: string;

  @ApiProperty({ example: true })
  readOnly: boolean;

  @ApiProperty({ enum: REVIEW_OUTCOMES, example: 'success', description: `${AUDIT_OUTCOMES.join(', ')}; unknown: no outcome record (yet)` })
  outcome: ReviewOutcome;

  @ApiProperty({ nullable: true, example: 200 })
  httpStatus: number | null;

  @ApiProperty({ nullable: true, example: null, description: 'error.code of the response, e.g. FORBIDDEN' })
  errorCode: string | null;

  @ApiProperty({ type: AuditResourcesDto })
  resources: AuditResourcesDto;

  @ApiProperty({ example: 'GET' })
  method: string;

  @ApiProperty({ description: 'Path without the query string', example: '/v1/connected-accounts/3f1c…/vaults/ytrf…/items/wepi…' })
  path: string;

  @ApiProperty({ nullable: true, example: '203.0.113.7' })
  clientIp: string | null;

  @ApiProperty({ nullable: true, example: 'wrk-workflows/2.3' })
  userAgent: string | null;

  @ApiProperty({ nullable: true, example: 7.412 })
  durationMs: number | null;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'Secret-free summary of the request: names, ids, types and counts, never values',
    example: { title: 'Prod DB', category: 'LOGIN', fieldCount: 2, fields: [{ id: 'password', label: 'password', type: 'CONCEALED' }] },
  })
  summary: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What the handler added to the outcome', example: null })
  outcomeDetails: Record<string, unknown> | null;

  @ApiProperty({ example: '1.0' })
  eventVersion: string;

  @ApiProperty({ type: [AuditRecordRefDto], description: 'The stored records: request, then response' })
  records: AuditRecordRefDto[];
}

export class AuditVerifyResultDto {
  @ApiProperty({ example: true })
  valid: boolean;

  @ApiProperty({ description: 'Records checked', example: 1000 })
  checked: number;

  @ApiProperty({ nullable: true, description: 'First seq checked', example: 1 })
  fromSeq: number | null;

  @ApiProperty({ nullable: true, description: 'Last seq checked', example: 1000 })
  toSeq: number | null;

  @ApiProperty({ description: 'Seq of the chain head', example: 1000 })
  headSeq: number;

  @ApiProperty({ nullable: true, description: 'Seq before the first record kept after retention (its hash is the checkpoint)', example: null })
  checkpointSeq: number | null;

  @ApiProperty({ required: false, description: 'First seq whose link is broken', example: 17 })
  firstBrokenSeq?: number;

  @ApiProperty({ required: false, example: 'record content does not match its hash' })
  reason?: string;
}
