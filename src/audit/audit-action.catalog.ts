import { Injectable, Logger, OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AUDIT_ACTION_KEY, AuditActionMetadata, AuditActionOptions } from './audit-action.decorator.js';
import { AUDITED_PREFIX, UNAUDITED_ROUTES, UNKNOWN_ROUTE_ACTION, UNMAPPED_ROUTE_ACTION } from './audit.constants.js';

/** How a route is audited, resolved once at start-up. */
export interface AuditRouteMeta {
  action: string;
  readOnly: boolean;
  reachesConnect: boolean;
  /** The request record is committed before any Connect call and before the answer (503 AUDIT_UNAVAILABLE otherwise). */
  failClosed: boolean;
  /**
   * Fail-closed reads that reach Connect: the handler starts while the request record commits, and its Connect
   * calls (ConnectClientRegistry.forPrincipal) and its answer wait for the commit. Every other fail-closed
   * route runs its handler only once the record is committed.
   */
  handlerDuringCommit: boolean;
  summary?: AuditActionOptions['summary'];
  resources?: AuditActionOptions['resources'];
  /** False for the fallbacks (unknown route, route without @AuditAction). */
  declared: boolean;
}

export interface CatalogRoute {
  method: string;
  url: string;
  /** The action the route is audited as, or null when it is outside /v1. */
  action: string | null;
  /** Declared with @AuditAction. */
  declared: boolean;
  /** On the explicit unaudited list. */
  unaudited: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const UNKNOWN_ROUTE: AuditRouteMeta = { action: UNKNOWN_ROUTE_ACTION, readOnly: true, reachesConnect: false, failClosed: false, handlerDuringCommit: false, declared: false };

export function isAuditedUrl(url: string): boolean {
  // '/v1', '/v1/...', '/v1?...'; not '/v1x'. Also '//v1/...': the router does not merge slashes (so it is a 404),
  // but the request is aimed at the API all the same.
  let start = 0;
  while (url.charCodeAt(start + 1) === 47 /* / */) start++;
  if (!url.startsWith(AUDITED_PREFIX, start)) return false;
  const next = url.charCodeAt(start + AUDITED_PREFIX.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}

/**
 * The path a URL names as the router reads it: without the scheme and host of an absolute-form target, without
 * the query, percent-decoded (as given when its encoding is broken: the router refuses those itself).
 */
function routedPath(url: string): string {
  let path = url;
  const origin = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(path);
  if (origin) path = path.slice(origin[0].length) || '/';
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Whether a request is audited. The route it matched decides: the router matches the decoded path, and takes an
 * absolute-form target too, so `/%761/api-keys` or `http://host/v1/api-keys` reach /v1 routes while their raw
 * URL does not start with /v1. A request that matched no route is judged by the path it names, read the same way.
 */
export function isAuditedRequest(url: string, route: string | undefined): boolean {
  return isAuditedUrl(route ?? routedPath(url));
}

function joinPath(controllerPath: string, methodPath: string): string {
  const parts = [controllerPath, methodPath].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p.length > 0);
  return `/${parts.join('/')}`;
}

const asArray = (value: string | string[] | undefined): string[] => (value === undefined ? [''] : Array.isArray(value) ? value : [value]);

/**
 * The table from (HTTP method, route pattern) to audited action, built at start-up from Nest's route metadata
 * (@AuditAction on each handler). The audit hooks look requests up by Fastify's matched route pattern, so a
 * request a guard refuses (before the audit guard) still carries its action key. It also keeps the list of
 * routes actually registered on Fastify, for the route-walk test and the start-up warning.
 */
@Injectable()
export class AuditActionCatalog implements OnModuleInit {
  private readonly logger = new Logger('Audit');
  private readonly table = new Map<string, Map<string, AuditRouteMeta>>();
  private readonly registered: { method: string; url: string }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller || !controller.prototype) continue;
      const controllerPaths = asArray(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (methodPath === undefined || requestMethod === undefined) continue;
        const declared = Reflect.getMetadata(AUDIT_ACTION_KEY, handler) as AuditActionMetadata | undefined;
        if (!declared) continue;
        const methods = requestMethod === RequestMethod.ALL ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : [RequestMethod[requestMethod]];
        for (const method of methods) {
          for (const controllerPath of controllerPaths) {
            for (const path of asArray(methodPath)) this.add(method, joinPath(controllerPath, path), declared);
          }
        }
      }
    }
    const unmapped = this.routes().filter((r) => r.action !== null && !r.declared);
    if (unmapped.length > 0) {
      this.logger.warn(`Routes under ${AUDITED_PREFIX} without @AuditAction (audited as ${UNMAPPED_ROUTE_ACTION}): ${unmapped.map((r) => `${r.method} ${r.url}`).join(', ')}`);
    }
  }

  /** Fed by the Fastify onRoute hook. */
  registerRoute(method: string | string[], url: string): void {
    for (const m of Array.isArray(method) ? method : [method]) this.registered.push({ method: m, url });
  }

  /** The audit settings of a matched route (`url` = Fastify's route pattern, undefined when nothing matched). */
  lookup(method: string, url: string | undefined): AuditRouteMeta {
    if (!url) return UNKNOWN_ROUTE;
    const byMethod = this.table.get(url);
    const found = byMethod?.get(method) ?? (method === 'HEAD' ? byMethod?.get('GET') : undefined);
    return found ?? this.unmapped(method, url);
  }

  /** Every route registered on the HTTP server and how it is audited. */
  routes(): CatalogRoute[] {
    return this.registered.map(({ method, url }) => {
      const audited = isAuditedUrl(url);
      const meta = audited ? this.lookup(method, url) : undefined;
      return {
        method,
        url,
        action: meta ? meta.action : null,
        declared: meta?.declared ?? false,
        unaudited: !audited && UNAUDITED_ROUTES.some((pattern) => pattern.test(url)),
      };
    });
  }

  private add(method: string, url: string, declared: AuditActionMetadata): void {
    const readOnly = declared.readOnly ?? READ_METHODS.has(method);
    const reachesConnect = declared.reachesConnect ?? false;
    const failClosed = declared.failClosed ?? (reachesConnect || !readOnly);
    const meta: AuditRouteMeta = {
      action: declared.action,
      readOnly,
      reachesConnect,
      failClosed,
      handlerDuringCommit: failClosed && readOnly && reachesConnect,
      summary: declared.summary,
      resources: declared.resources,
      declared: true,
    };
    let byMethod = this.table.get(url);
    if (!byMethod) this.table.set(url, (byMethod = new Map()));
    byMethod.set(method, meta);
  }

  /** A /v1 route without @AuditAction is still audited, conservatively (request record first). */
  private unmapped(method: string, url: string): AuditRouteMeta {
    const meta: AuditRouteMeta = { action: UNMAPPED_ROUTE_ACTION, readOnly: READ_METHODS.has(method), reachesConnect: false, failClosed: true, handlerDuringCommit: false, declared: false };
    let byMethod = this.table.get(url);
    if (!byMethod) this.table.set(url, (byMethod = new Map()));
    byMethod.set(method, meta);
    return meta;
  }
}
