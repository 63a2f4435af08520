import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { Roles } from '../common/auth/auth.decorators.js';
import { Role } from '../common/auth/role.enum.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ActionCatalog, actionNotFound, actionsBasePath, CATALOG_ENTRIES } from './action-catalog.js';
import { ActionRunner } from './action-runner.js';
import { ActionCatalogDto, ActionDto } from './dto/action.dto.js';
import { RunActionRequestDto, RunActionResponseDto } from './dto/run-action.dto.js';
import { installRunRoutes } from './run-routes.js';
import { runResources } from './run-audit.js';

const KEY_PARAM = { name: 'key', description: 'An action key from GET /v1/actions', example: 'items.get' };
const NOT_FOUND = {
  description: 'ACTION_NOT_FOUND: no action has this key (details.keys lists them)',
  type: ErrorResponseDto,
  example: { error: { code: ErrorCode.ACTION_NOT_FOUND, message: 'No action has the key "items.fetch"; GET /v1/actions lists them', requestId: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50', details: { keys: ['vaults.list', 'vaults.get', '...'] } } },
};

/**
 * The Wrk Actions catalog. Any role may read it; each action states the roles that may run it. Besides the
 * routes below, `installRunRoutes` adds `POST /v1/actions/<key>/run` for every action (see run-routes.ts).
 */
@ApiTags('Actions')
@Controller(actionsBasePath)
export class ActionsController {
  constructor(
    private readonly catalog: ActionCatalog,
    readonly runner: ActionRunner,
  ) {}

  @Get()
  @Roles(Role.Admin, Role.Operator, Role.Auditor)
  @AuditAction('actions.list')
  @ApiOperation({
    summary: 'List the Wrk actions',
    description:
      'Every action with its stable key (the action key of its audit records), name, description, the roles that may run it, the REST route ' +
      'doing the same, and JSON Schemas (draft 2020-12) of its input and output generated from the DTOs the REST route uses. One page.',
  })
  @ApiOkResponse({ type: ActionCatalogDto })
  list(): ActionCatalogDto {
    return this.catalog.list();
  }

  @Get(':key')
  @Roles(Role.Admin, Role.Operator, Role.Auditor)
  @AuditAction('actions.get', { resources: (request) => ({ resourceId: request.params.key }) })
  @ApiOperation({ summary: 'Get one Wrk action', description: 'One entry of GET /v1/actions.' })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({ type: ActionDto })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@Param('key') key: string): ActionDto {
    return this.catalog.get(key);
  }

  /**
   * Every action has a run route of its own, which the router matches first (percent-encoded spellings
   * included): only keys that name no action arrive here. It never runs anything, so no action can run under
   * another audit key than its own.
   */
  @Post(':key/run')
  @HttpCode(200)
  @Roles(Role.Admin, Role.Operator, Role.Auditor)
  @AuditAction('actions.run', { readOnly: true, resources: (request) => ({ ...runResources(request), resourceId: request.params.key }) })
  @ApiOperation({
    summary: 'Run a Wrk action by key',
    description:
      '`{ "connectedAccountId": "...", "input": { ... } }` → `{ "output": ... }`. Each action key has its own run route, documented below ' +
      'with its input and output; a key that names no action answers 404 ACTION_NOT_FOUND.',
  })
  @ApiParam(KEY_PARAM)
  @ApiBody({ type: RunActionRequestDto })
  @ApiOkResponse({ type: RunActionResponseDto })
  @ApiNotFoundResponse(NOT_FOUND)
  runUnknown(@Param('key') key: string): never {
    throw actionNotFound(key);
  }
}

installRunRoutes(ActionsController, CATALOG_ENTRIES.values());
