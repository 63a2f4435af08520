import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, PlatformOnly, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { annotateAudit } from '../audit/audit-recorder.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { CreateTenantDto } from './dto/create-tenant.dto.js';
import { CreatedTenantDto, TenantDto } from './dto/tenant.dto.js';
import { TenantsService } from './tenants.service.js';

@ApiTags('Admin')
@Controller('v1')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post('tenants')
  @PlatformOnly()
  @AuditAction('tenants.create', { summary: AuditSummaries.body(['name']) })
  @ApiOperation({ summary: 'Create a tenant (platform key only)', description: 'Returns the tenant and its first admin API key, shown once.' })
  @ApiCreatedResponse({ type: CreatedTenantDto })
  async create(@Body() dto: CreateTenantDto, @Req() request: FastifyRequest): Promise<CreatedTenantDto> {
    const created = await this.tenants.create(dto.name);
    // The record sits on the platform chain: name the new tenant and its first key (the id, never the secret).
    annotateAudit(request, { resources: { resourceId: created.tenant.id }, details: { tenantId: created.tenant.id, adminKeyId: created.apiKey.id } });
    return created;
  }

  @Get('tenant')
  @AuditAction('tenants.get')
  @Roles(Role.Admin, Role.Operator, Role.Auditor)
  @ApiOperation({ summary: 'The tenant of the calling key' })
  @ApiOkResponse({ type: TenantDto })
  current(@CurrentPrincipal() principal: Principal): Promise<TenantDto> {
    return this.tenants.get(principal.tenantId);
  }
}
