import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { Page } from '../common/pagination/page.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import { ApiErrors } from './api-errors.decorator.js';
import { AccountPathDto, LookupQueryDto, VaultPathDto } from './dto/connect-ref.dto.js';
import { ListVaultsQueryDto } from './dto/list-vaults-query.dto.js';
import { VaultDto } from './dto/vault.dto.js';
import { VaultsService } from './vaults.service.js';

@ApiTags('Vaults')
@Controller('v1/connected-accounts/:accountId/vaults')
@Roles(Role.Admin, Role.Operator)
export class VaultsController {
  constructor(private readonly vaults: VaultsService) {}

  @Get()
  @ApiOperation({
    summary: 'Retrieve vaults from 1Password',
    description:
      'The vaults the connected account\'s token can see, ordered by name (case-insensitive, then id) and paginated with an opaque cursor: ' +
      '`limit` (default 50, at most 500), `nextCursor` for the next page, or `all=true` for every vault in one page. `name` keeps only the vaults ' +
      'with exactly that name.',
  })
  @AuditAction('vaults.list', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['name', 'limit', 'all']) })
  @ApiPageResponse(VaultDto, 'One page of vaults')
  @ApiErrors()
  list(@CurrentPrincipal() principal: Principal, @Param() path: AccountPathDto, @Query() query: ListVaultsQueryDto): Promise<Page<VaultDto>> {
    return this.vaults.list(principal, path.accountId, query);
  }

  @Get(':vaultId')
  @ApiOperation({
    summary: 'Retrieve a vault from 1Password',
    description: 'One vault by id, or by exact name with `?by=title` (404 when no vault has the name, 409 AMBIGUOUS_TITLE when several do).',
  })
  @AuditAction('vaults.get', { readOnly: true, reachesConnect: true, summary: AuditSummaries.query(['by']) })
  @ApiOkResponse({ type: VaultDto, description: 'The vault as the Connect server describes it' })
  @ApiErrors(ErrorCode.VAULT_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE)
  get(@CurrentPrincipal() principal: Principal, @Param() path: VaultPathDto, @Query() query: LookupQueryDto): Promise<VaultDto> {
    return this.vaults.get(principal, path.accountId, { vaultId: path.vaultId, by: query.by });
  }
}
