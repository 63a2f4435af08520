import { applyDecorators, Body, HttpCode, Post, Req, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditAction } from '../audit/audit-action.decorator.js';
import { annotateAudit } from '../audit/audit-recorder.js';
import { CurrentPrincipal, Roles } from '../common/auth/auth.decorators.js';
import type { Principal } from '../common/auth/principal.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import type { CatalogEntry } from './action-catalog.js';
import type { ActionRunner } from './action-runner.js';
import { RunActionRequestDto, type RunActionResponseDto } from './dto/run-action.dto.js';
import { MAX_ACTION_FILE_BYTES } from './file-content.reader.js';
import { runAuditOptions } from './run-audit.js';

const ACCOUNT_EXAMPLE = '3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74';

/** `connected-accounts.verify` → `runConnectedAccountsVerify`. */
const handlerNameOf = (key: string) => `run${key.split(/[.-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}`;

/** The error responses the REST route documents, carried over: the action meets the same errors. */
function restErrorResponses(entry: CatalogEntry): MethodDecorator[] {
  return Object.entries(entry.rest.responses)
    // 401 comes with @Roles on the run route itself.
    .filter(([status]) => Number(status) >= 400 && Number(status) !== 401)
    .map(([status, response]) => ApiResponse({ ...response, status: Number(status) }));
}

function documentation(entry: CatalogEntry): MethodDecorator {
  const { definition, rest } = entry;
  const output = definition.output
    ? { $ref: getSchemaPath(definition.output) }
    : { type: 'object', nullable: true, description: 'Always null: the action returns nothing', example: null };
  const extra: MethodDecorator[] = [];
  if (definition.key === 'files.content') {
    extra.push(ApiResponse({
      status: 413,
      type: ErrorResponseDto,
      description: `\`${ErrorCode.FILE_TOO_LARGE_FOR_ACTION}\`: the file is above ${MAX_ACTION_FILE_BYTES} bytes; details.contentUrl streams it`,
      examples: {
        [ErrorCode.FILE_TOO_LARGE_FOR_ACTION]: {
          summary: ErrorCode.FILE_TOO_LARGE_FOR_ACTION,
          value: {
            error: {
              code: ErrorCode.FILE_TOO_LARGE_FOR_ACTION,
              message: `The file is 52428807 bytes, above the ${MAX_ACTION_FILE_BYTES} bytes the files.content action returns inline; download it from details.contentUrl, which streams any size`,
              requestId: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50',
              details: { size: 52428807, limitBytes: MAX_ACTION_FILE_BYTES, contentUrl: '/v1/connected-accounts/3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74/vaults/ytrfte14kw1uex5txaore1emkz/items/wepiqdxdzncjtnvmv5fegud4qy/files/6r65pjq33banznomn7q22sj44e/content' },
            },
          },
        },
      },
    }));
  }
  return applyDecorators(
    ApiOperation({
      summary: `Run "${definition.name}"`,
      description:
        `${definition.description}\n\nSame service, validation, errors and audit record (action \`${definition.key}\`) as \`${rest.method} ${rest.path}\`. ` +
        `Roles: ${rest.roles.join(', ')}. \`input\` is described by the action's inputSchema in GET /v1/actions.`,
    }),
    ApiExtraModels(definition.input, ...(definition.output ? [definition.output] : [])),
    ApiBody({
      schema: {
        type: 'object',
        required: ['connectedAccountId'],
        properties: {
          connectedAccountId: { type: 'string', format: 'uuid', example: ACCOUNT_EXAMPLE },
          input: { $ref: getSchemaPath(definition.input) },
        },
      },
      examples: { [definition.key]: { summary: definition.name, value: { connectedAccountId: ACCOUNT_EXAMPLE, input: definition.exampleInput } } },
    }),
    ApiOkResponse({ description: 'What the action returned', schema: { type: 'object', required: ['output'], properties: { output } } }),
    ...restErrorResponses(entry),
    ...extra,
  );
}

/**
 * Adds one `POST /v1/actions/<key>/run` route per action to the controller. A route of its own (rather than
 * one `:key/run` route) carries the action's `@Roles` and `@AuditAction(<key>)`, so the auth guard refuses a
 * role the REST route refuses, and the audit log records the run under the action's key with the REST route's
 * settings: the request record committed before any Connect call, ids read from the body. Fastify matches
 * these static paths before the `:key/run` route, which is left with the unknown keys.
 */
export function installRunRoutes(controller: Type<{ readonly runner: ActionRunner }>, entries: Iterable<CatalogEntry>): void {
  const prototype = controller.prototype as Record<string, unknown>;
  for (const entry of entries) {
    const { key } = entry.definition;
    const name = handlerNameOf(key);
    if (name in prototype) throw new Error(`ActionsController already has a method ${name}`);
    const handler = function (this: { readonly runner: ActionRunner }, principal: Principal, body: RunActionRequestDto, request: FastifyRequest): Promise<RunActionResponseDto> {
      return this.runner.run(key, principal, body, (details) => annotateAudit(request, { details }));
    };
    Object.defineProperty(handler, 'name', { value: name });
    Object.defineProperty(prototype, name, { value: handler, writable: true, configurable: true, enumerable: false });
    // What TypeScript would emit for `run(@CurrentPrincipal() principal: Principal, @Body() body: RunActionRequestDto, @Req() request: FastifyRequest)`.
    Reflect.defineMetadata('design:paramtypes', [Object, RunActionRequestDto, Object], prototype, name);
    Reflect.defineMetadata('design:returntype', Promise, prototype, name);
    CurrentPrincipal()(prototype, name, 0);
    Body()(prototype, name, 1);
    Req()(prototype, name, 2);
    const decorate = applyDecorators(
      Post(`${key}/run`),
      HttpCode(200),
      Roles(...entry.rest.roles),
      AuditAction(key, runAuditOptions(entry)),
      documentation(entry),
    );
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    decorate(prototype, name, descriptor);
  }
}
