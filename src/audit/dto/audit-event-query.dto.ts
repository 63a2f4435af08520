import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { IsDecimalInteger } from '../../common/http/is-decimal-integer.decorator.js';
import { IsTimestamp } from '../../common/http/is-timestamp.decorator.js';
import { PageSize } from '../../common/pagination/page-query.dto.js';
import { REVIEW_OUTCOMES, ReviewOutcome } from '../audit.constants.js';

/** Filters shared by the list and the export. */
export class AuditEventFilterDto {
  @ApiPropertyOptional({ description: 'Events recorded at or after this time: a date (midnight UTC) or a date and time with an offset', example: '2026-11-01T00:00:00Z' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'Events recorded before this time (exclusive): a date (midnight UTC) or a date and time with an offset', example: '2026-12-01T00:00:00Z' })
  @IsOptional() @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ description: 'API key that acted', format: 'uuid', example: '0b8e0c53-4f0e-4b7e-9d8a-2f1a9c7e6d51' })
  @IsOptional() @IsUUID()
  actorKeyId?: string;

  @ApiPropertyOptional({ description: 'Action key', example: 'items.get' })
  @IsOptional() @IsString() @Matches(/^[a-z][a-z0-9.-]{0,99}$/, { message: 'action must be an action key such as items.get' })
  action?: string;

  @ApiPropertyOptional({ enum: REVIEW_OUTCOMES, description: '`unknown`: a request record with no outcome record (yet)', example: 'denied' })
  @IsOptional() @IsIn(REVIEW_OUTCOMES)
  outcome?: ReviewOutcome;

  @ApiPropertyOptional({ description: 'Connected account id', format: 'uuid', example: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b' })
  @IsOptional() @IsUUID()
  connectedAccountId?: string;

  @ApiPropertyOptional({ description: '1Password vault id', example: 'ytrfte14kw1uex5txaore1emkz' })
  @IsOptional() @IsString() @MaxLength(200)
  vaultId?: string;

  @ApiPropertyOptional({ description: '1Password item id', example: 'wepiqdxdzncjtnvmv5fegud4qy' })
  @IsOptional() @IsString() @MaxLength(200)
  itemId?: string;

  @ApiPropertyOptional({ description: 'Request id (the X-Request-Id response header)', example: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50' })
  @IsOptional() @IsString() @MaxLength(128)
  requestId?: string;
}

export class AuditEventQueryDto extends AuditEventFilterDto {
  @PageSize()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s nextCursor', example: 'eyJrIjpbIjIwMjYtMTEtMjdUMTU6MDA6MDAuMDAwWiIsNDJdfQ' })
  @IsOptional() @IsString() @MaxLength(1024)
  cursor?: string;
}

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class AuditExportQueryDto extends AuditEventFilterDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'ndjson', description: 'ndjson: one JSON record per line; csv: RFC 4180 with a header row' })
  @IsOptional() @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class AuditVerifyQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'First seq to check (default: the first record kept)', example: 1 })
  @IsOptional() @IsDecimalInteger(1)
  fromSeq?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Last seq to check (default: the chain head)', example: 1000 })
  @IsOptional() @IsDecimalInteger(1)
  toSeq?: number;
}
