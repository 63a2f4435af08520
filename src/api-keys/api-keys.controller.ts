import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

@ApiTags('Admin')
@Controller('v1/api-keys')
@Roles(Role.Admin)
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @AuditAction('api-keys.create', { summary: AuditSummaries.body(['name', 'role']) })
  @ApiOperation({ summary: 'Create an API key', description: 'The secret `key` is returned once and stored only as a hash.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, dto);
  }

  @Get()
  @AuditAction('api-keys.list')
  @ApiOperation({ summary: 'List API keys', description: 'Newest first. Secrets are never returned.' })
  @ApiPageResponse(ApiKeyDto)
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    return this.apiKeys.list(principal, query);
  }

  @Get(':id')
  @AuditAction('api-keys.get')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'API_KEY_NOT_FOUND', type: ErrorResponseDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyDto> {
    return this.apiKeys.get(principal, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @AuditAction('api-keys.revoke')
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Takes effect at once on every instance. Revoking twice is harmless. A tenant\'s last active admin key cannot be revoked.',
  })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'API_KEY_NOT_FOUND', type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'LAST_ADMIN_KEY: the tenant would be left without an active admin key', type: ErrorResponseDto })
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyDto> {
    return this.apiKeys.revoke(principal, id);
  }
}
