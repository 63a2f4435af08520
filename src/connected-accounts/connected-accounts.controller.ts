import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiInternalServerErrorResponse, ApiNoContentResponse,
  ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { AuditSummaries } from '../audit/audit-summaries.js';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ApiPageResponse } from '../common/pagination/page-response.decorator.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import { ConnectedAccountsService } from './connected-accounts.service.js';
import { VERIFICATION_FAILURE_REASONS } from './connect-verifier.js';
import { ConnectedAccountDto } from './dto/connected-account.dto.js';
import { CreateConnectedAccountDto } from './dto/create-connected-account.dto.js';
import { UpdateConnectedAccountDto } from './dto/update-connected-account.dto.js';
import { VerificationResultDto } from './dto/verification-result.dto.js';
import { ParseAccountIdPipe } from './parse-account-id.pipe.js';

const VERIFICATION_FAILED_DOC = {
  description:
    'CONNECT_VERIFICATION_FAILED: the Connect server or token did not pass the checks (GET /heartbeat, GET /health with sync ACTIVE, ' +
    `GET /v1/vaults with the token). \`details.reason\` names the failure: ${VERIFICATION_FAILURE_REASONS.join(', ')}; ` +
    '`details.step` is heartbeat, health or vaults. Nothing was stored or changed.',
  type: ErrorResponseDto,
  example: {
    error: {
      code: 'CONNECT_VERIFICATION_FAILED',
      message: 'Connect server verification failed at GET /v1/vaults: The Connect server rejected the access token',
      requestId: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50',
      details: { reason: 'CONNECT_TOKEN_REJECTED', step: 'vaults', connectStatus: 401, connectMessage: 'Invalid token signature' },
    },
  },
};
const NOT_FOUND_DOC = { description: "CONNECTED_ACCOUNT_NOT_FOUND (also for another tenant's account)", type: ErrorResponseDto };
const DECRYPTION_DOC = {
  description: 'DECRYPTION_FAILED or ENCRYPTION_KEY_UNKNOWN: the stored token cannot be opened with the configured key ring',
  type: ErrorResponseDto,
};
const ACCOUNT_ID_PARAM = { name: 'accountId', format: 'uuid', example: '7d3c2a10-5b6e-4f7a-8c9d-0e1f2a3b4c5d' };

@ApiTags('Connected accounts')
@Controller('v1/connected-accounts')
export class ConnectedAccountsController {
  constructor(private readonly accounts: ConnectedAccountsService) {}

  @Post()
  @Roles(Role.Admin)
  @AuditAction('connected-accounts.create', { reachesConnect: true, summary: AuditSummaries.connectedAccount })
  @ApiOperation({
    summary: 'Connect a 1Password Connect Server',
    description:
      'Verifies the URL and token first (the server answers /heartbeat, /health reports a ready sync, /v1/vaults accepts the token), ' +
      'then stores the token encrypted. The token is never returned: responses show its fingerprint.',
  })
  @ApiCreatedResponse({ type: ConnectedAccountDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONNECTED_ACCOUNT_NAME_TAKEN', type: ErrorResponseDto })
  @ApiUnprocessableEntityResponse(VERIFICATION_FAILED_DOC)
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateConnectedAccountDto): Promise<ConnectedAccountDto> {
    return this.accounts.create(principal, dto);
  }

  @Get()
  @Roles(Role.Admin, Role.Operator)
  @AuditAction('connected-accounts.list')
  @ApiOperation({ summary: 'List connected accounts', description: 'Newest first. Tokens are never returned.' })
  @ApiPageResponse(ConnectedAccountDto)
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQueryDto) {
    return this.accounts.list(principal, query);
  }

  @Get(':accountId')
  @Roles(Role.Admin, Role.Operator)
  @AuditAction('connected-accounts.get')
  @ApiOperation({ summary: 'Get a connected account' })
  @ApiParam(ACCOUNT_ID_PARAM)
  @ApiOkResponse({ type: ConnectedAccountDto })
  @ApiNotFoundResponse(NOT_FOUND_DOC)
  get(@CurrentPrincipal() principal: Principal, @Param('accountId', ParseAccountIdPipe) accountId: string): Promise<ConnectedAccountDto> {
    return this.accounts.get(principal, accountId);
  }

  @Patch(':accountId')
  @Roles(Role.Admin)
  @AuditAction('connected-accounts.update', { reachesConnect: true, summary: AuditSummaries.connectedAccount })
  @ApiOperation({
    summary: 'Rename a connected account, change its URL or rotate its token',
    description:
      'A new token is verified first, exactly like on create (at the new URL when the URL changes too); if the check fails nothing changes ' +
      'and the old token stays in use. A new URL needs a new token in the same request: the stored token is never sent to another server. ' +
      'Every instance of the service uses the new settings from its next call on.',
  })
  @ApiParam(ACCOUNT_ID_PARAM)
  @ApiOkResponse({ type: ConnectedAccountDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, also when connectServerUrl changes without a connectToken', type: ErrorResponseDto })
  @ApiNotFoundResponse(NOT_FOUND_DOC)
  @ApiConflictResponse({ description: 'CONNECTED_ACCOUNT_NAME_TAKEN, or CONNECTED_ACCOUNT_CONFLICT when another update won the race', type: ErrorResponseDto })
  @ApiUnprocessableEntityResponse(VERIFICATION_FAILED_DOC)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('accountId', ParseAccountIdPipe) accountId: string,
    @Body() dto: UpdateConnectedAccountDto,
  ): Promise<ConnectedAccountDto> {
    return this.accounts.update(principal, accountId, dto);
  }

  @Delete(':accountId')
  @Roles(Role.Admin)
  @AuditAction('connected-accounts.delete')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a connected account', description: 'The stored token is deleted and no instance uses it any more.' })
  @ApiParam(ACCOUNT_ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND_DOC)
  remove(@CurrentPrincipal() principal: Principal, @Param('accountId', ParseAccountIdPipe) accountId: string): Promise<void> {
    return this.accounts.remove(principal, accountId);
  }

  @Post(':accountId/verify')
  @Roles(Role.Admin)
  @AuditAction('connected-accounts.verify', { reachesConnect: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a connected account now',
    description:
      'Runs the same checks as create with the stored URL and token and records the outcome as the account\'s status ' +
      '(verified or failing). A failed check is a result, not an error: the response is 200 with `ok: false` and `reason`.',
  })
  @ApiParam(ACCOUNT_ID_PARAM)
  @ApiOkResponse({ type: VerificationResultDto })
  @ApiNotFoundResponse(NOT_FOUND_DOC)
  @ApiInternalServerErrorResponse(DECRYPTION_DOC)
  verify(@CurrentPrincipal() principal: Principal, @Param('accountId', ParseAccountIdPipe) accountId: string): Promise<VerificationResultDto> {
    return this.accounts.verify(principal, accountId);
  }
}
