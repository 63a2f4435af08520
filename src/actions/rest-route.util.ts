import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DECORATORS } from '@nestjs/swagger';
import { AUDIT_ACTION_KEY, type AuditActionMetadata } from '../audit/audit-action.decorator.js';
import { ROLES_KEY } from '../common/auth/auth.decorators.js';
import type { Role } from '../common/auth/role.enum.js';

const READ_METHODS = new Set(['GET', 'HEAD']);

/** What an action takes over from the REST route doing the same, read from that route's own decorators. */
export interface RestRouteFacts {
  method: string;
  /** OpenAPI style: `/v1/connected-accounts/{accountId}/vaults`. */
  path: string;
  roles: Role[];
  audit: AuditActionMetadata;
  /** `@AuditAction`'s readOnly, or its default for the route's method (true for GET). */
  readOnly: boolean;
  /** The route's documented responses (`@ApiResponse` and friends), by status. */
  responses: Record<string, Record<string, unknown>>;
}

const firstPath = (value: unknown): string => (Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '');

/** Reads a REST handler's route, roles (handler's, else the controller's, as the auth guard does) and audit settings. */
export function restRouteOf(controller: Type<unknown>, handlerName: string): RestRouteFacts {
  const handler = (controller.prototype as Record<string, unknown>)[handlerName];
  if (typeof handler !== 'function') throw new Error(`${controller.name}.${handlerName} is not a route handler`);
  const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  const audit = Reflect.getMetadata(AUDIT_ACTION_KEY, handler) as AuditActionMetadata | undefined;
  const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as Role[] | undefined;
  if (requestMethod === undefined || !audit || !roles || roles.length === 0) {
    throw new Error(`${controller.name}.${handlerName} lacks a route, @AuditAction or @Roles: an action cannot mirror it`);
  }
  const method = RequestMethod[requestMethod];
  const segments = [firstPath(Reflect.getMetadata(PATH_METADATA, controller)), firstPath(Reflect.getMetadata(PATH_METADATA, handler))]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0);
  return {
    method,
    path: `/${segments.join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
    roles: [...roles],
    audit,
    readOnly: audit.readOnly ?? READ_METHODS.has(method),
    responses: (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as Record<string, Record<string, unknown>> | undefined) ?? {},
  };
}
