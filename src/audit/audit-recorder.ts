import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { ApiRequest } from '../common/http/api-request.js';
import { type MalformedRequest, parserRefusalOf } from '../common/http/client-errors.js';
import type { AuditRequestView } from './audit-action.decorator.js';
import { AuditActionCatalog, AuditRouteMeta, isAuditedRequest } from './audit-action.catalog.js';
import { AUDIT_EVENT_VERSION, CLIENT_CLOSED_REQUEST, CLIENT_CLOSED_STATUS, PLATFORM_CHAIN_ID } from './audit.constants.js';
import { outcomeOf } from './audit-outcome.js';
import type { AuditDraft, AuditResources } from './audit-record.js';
import { cleanText, sanitizeDetails } from './audit-sanitize.util.js';
import { AuditWriter } from './audit-writer.js';

/** Request decoration (Fastify `decorateRequest`) holding a request's audit progress. */
export const AUDIT_STATE = 'wrkAudit';

export interface AuditState {
  meta: AuditRouteMeta;
  /** The request record, once built (by AuditRequestGuard, or at the end for requests refused earlier). */
  request?: AuditDraft;
  /** The request record could not be committed (the request was refused with AUDIT_UNAVAILABLE). */
  requestFailed: boolean;
  /** The outcome record was written. */
  done: boolean;
  /** What the handler added for the outcome record (annotateAudit). */
  note?: { details?: Record<string, unknown>; resources?: AuditResources };
  /** The request record's commit, which the answer waits for, on routes whose handler runs meanwhile. */
  answerAfter?: Promise<void>;
}

/** What a request not audited holds in AUDIT_STATE, once that is decided. */
const NOT_AUDITED = false;

type AuditedRequest = ApiRequest & { [AUDIT_STATE]: AuditState | typeof NOT_AUDITED | null };

const MAX_DURATION_US = 2_147_483_647;

type ActorColumns = Pick<AuditDraft, 'tenant_id' | 'actor_type' | 'actor_key_id' | 'actor_name' | 'actor_role'>;
type ResourceColumns = Pick<AuditDraft, 'connected_account_id' | 'vault_id' | 'item_id' | 'file_id' | 'resource_id'>;

const ANONYMOUS: ActorColumns = { tenant_id: PLATFORM_CHAIN_ID, actor_type: 'anonymous', actor_key_id: null, actor_name: null, actor_role: null };
const NO_RESOURCES: ResourceColumns = { connected_account_id: null, vault_id: null, item_id: null, file_id: null, resource_id: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account id as reviewers filter on it: the service takes a UUID in any case, Postgres stores lower case. */
function accountIdColumn(value: unknown): string | null {
  const text = cleanText(value, 200);
  return text !== null && UUID.test(text) ? text.toLowerCase() : text;
}

/** A request record; the path is the URL without its query string (which may carry anything). */
function requestRecord(facts: {
  requestId: string;
  meta: AuditRouteMeta;
  who: ActorColumns;
  resources: ResourceColumns;
  method: string;
  url: string;
  ip: unknown;
  userAgent: unknown;
  details: Record<string, unknown> | null;
}): AuditDraft {
  const { url } = facts;
  const query = url.indexOf('?');
  return {
    id: randomUUID(),
    type: 'request',
    request_id: facts.requestId,
    request_event_id: null,
    action: facts.meta.action,
    read_only: facts.meta.readOnly,
    outcome: null,
    http_status: null,
    error_code: null,
    ...facts.who,
    ...facts.resources,
    method: facts.method,
    path: cleanText(query < 0 ? url : url.slice(0, query), 1024) ?? '',
    client_ip: cleanText(facts.ip, 64),
    user_agent: cleanText(facts.userAgent, 512),
    duration_us: null,
    details: facts.details,
    event_version: AUDIT_EVENT_VERSION,
  };
}

/**
 * Lets a handler add to its outcome record, e.g. the id of the item it created or how many rows it returned.
 * `details` goes through the same sanitiser as summaries: no secrets.
 */
export function annotateAudit(request: FastifyRequest, note: { details?: Record<string, unknown>; resources?: AuditResources }): void {
  const state = (request as AuditedRequest)[AUDIT_STATE];
  if (!state) return;
  state.note = { details: { ...state.note?.details, ...note.details }, resources: { ...state.note?.resources, ...note.resources } };
}

/**
 * Turns HTTP requests into audit records: the request record (from AuditRequestGuard, before any Connect call) and
 * the outcome record (when the response is finished, from the Fastify onResponse hook, or when the client
 * went away first). Requests refused before that guard runs (other guards, unknown route, body parsing) get
 * both records at the end.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly catalog: AuditActionCatalog,
    private readonly writer: AuditWriter,
  ) {}

  /**
   * AuditRequestGuard's step: writes the request record. Returns its commit when the route fails closed (the Connect
   * calls and the answer wait for it); it rejects with 503 AUDIT_UNAVAILABLE when the record cannot be committed.
   */
  beforeHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const req = request as AuditedRequest;
    const state = this.stateOf(req);
    if (!state || state.request) return undefined;
    const draft = this.requestDraft(req, state);
    state.request = draft;
    // A client that goes away before the answer is complete gets an outcome record too ('close' without 'finish').
    reply.raw.on('close', () => {
      if (!state.done && !reply.raw.writableFinished) this.finish(req, reply, true);
    });
    if (!state.meta.failClosed) {
      this.writer.enqueue(draft);
      return undefined;
    }
    return this.writer.commit(draft).catch(() => {
      state.requestFailed = true;
      throw new AppException(ErrorCode.AUDIT_UNAVAILABLE, 'The audit log cannot be written, so the request was refused; try again shortly');
    });
  }

  /**
   * Whether the route's handler may start while its request record commits (AuditRouteMeta.handlerDuringCommit);
   * if so, the answer waits for `committed` (answerReady).
   */
  answerAfterCommit(request: FastifyRequest, committed: Promise<void>): boolean {
    const state = (request as AuditedRequest)[AUDIT_STATE];
    if (!state || !state.meta.handlerDuringCommit) return false;
    // Awaited by answerReady; until then a failed commit must not count as unhandled.
    committed.catch(() => undefined);
    state.answerAfter = committed;
    return true;
  }

  /**
   * Fastify onSend: what the answer waits for, if anything. A failed commit wins over whatever the handler made of
   * the request (503 AUDIT_UNAVAILABLE), and is reported once: the error's own answer does not wait again.
   */
  answerReady(request: FastifyRequest): Promise<void> | undefined {
    const state = (request as AuditedRequest)[AUDIT_STATE];
    if (!state || !state.answerAfter) return undefined;
    const pending = state.answerAfter;
    state.answerAfter = undefined;
    return pending;
  }

  /** Fastify onResponse: the outcome record (and the request record, if none was written). */
  onResponse(request: FastifyRequest, reply: FastifyReply): void {
    this.finish(request as AuditedRequest, reply, false);
  }

  /** The client went away before the request was answered (audit-http.hooks.ts): the outcome record is a 499. */
  onClientClosed(request: FastifyRequest, reply: FastifyReply): void {
    this.finish(request as AuditedRequest, reply, true);
  }

  /**
   * A request to /v1 that Node's HTTP parser refused (client-errors.ts): both records, as an anonymous caller's
   * (nothing of it was authenticated), with the method and path of its request line and no other column.
   */
  onMalformedRequest(malformed: MalformedRequest): void {
    if (malformed.url === undefined || malformed.method === undefined || !isAuditedRequest(malformed.url, undefined)) return;
    const request = requestRecord({
      requestId: malformed.id,
      meta: this.catalog.lookup(malformed.method, undefined),
      who: ANONYMOUS,
      resources: NO_RESOURCES,
      method: malformed.method,
      url: malformed.url,
      ip: malformed.ip,
      userAgent: null,
      details: null,
    });
    this.writer.enqueue(request, malformed.at);
    this.writer.enqueue(
      { ...request, id: randomUUID(), type: 'response', request_event_id: request.id, outcome: outcomeOf(malformed.status, malformed.code), http_status: malformed.status, error_code: malformed.code, duration_us: 0 },
      malformed.at,
    );
  }

  private finish(req: AuditedRequest, reply: FastifyReply, aborted: boolean): void {
    try {
      const state = this.stateOf(req);
      if (!state || state.done) return;
      state.done = true;
      let request = state.request;
      if (!request || state.requestFailed) {
        request = this.requestDraft(req, state);
        this.writer.enqueue(request);
      }
      // Cut off because the parser refused its body (client-errors.ts), or because the source of a streamed answer
      // failed (stream-failure.ts): recorded as that failure, not as a client gone.
      const cutBy = aborted ? (parserRefusalOf(req.raw) ?? req.failure) : undefined;
      const errorCode = cutBy?.code ?? (aborted ? CLIENT_CLOSED_REQUEST : (req.failure?.code ?? null));
      const status = cutBy?.status ?? (aborted ? CLIENT_CLOSED_STATUS : reply.statusCode);
      const note = state.note;
      const response: AuditDraft = {
        ...request,
        id: randomUUID(),
        type: 'response',
        request_event_id: request.id,
        outcome: outcomeOf(status, errorCode),
        http_status: status,
        error_code: errorCode,
        duration_us: Math.min(Math.round(reply.elapsedTime * 1000), MAX_DURATION_US),
        details: note?.details ? (sanitizeDetails(note.details) as Record<string, unknown>) : null,
        ...this.principalColumns(req),
        ...(note?.resources ? this.resourceColumns(note.resources, request) : undefined),
      };
      this.writer.enqueue(response);
    } catch (error) {
      // Never let auditing break the response path; the request record (if any) shows as `unknown`.
      this.logger.error(`Could not build the outcome record of request ${req.id}: ${(error as Error).message}`);
    }
  }

  /** The request's audit state; undefined when it is not audited (decided once, by its route: isAuditedRequest). */
  private stateOf(req: AuditedRequest): AuditState | undefined {
    let state = req[AUDIT_STATE];
    // Undefined on the requests the router refuses: Fastify builds those without the server's request decorations.
    if (state === null || state === undefined) {
      const route = req.routeOptions?.url;
      state = isAuditedRequest(req.url, route) ? { meta: this.catalog.lookup(req.method, route), requestFailed: false, done: false } : NOT_AUDITED;
      req[AUDIT_STATE] = state;
    }
    return state === NOT_AUDITED ? undefined : state;
  }

  private requestDraft(req: AuditedRequest, state: AuditState): AuditDraft {
    const meta = state.meta;
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    let details: Record<string, unknown> | null = null;
    let resources: AuditResources | undefined;
    if (meta.summary || meta.resources) {
      const view: AuditRequestView = { params, query: (req.query ?? {}) as Record<string, unknown>, body: req.body };
      try {
        const summary = meta.summary?.(view);
        if (summary) details = sanitizeDetails(summary) as Record<string, unknown>;
        resources = meta.resources?.(view);
      } catch {
        details = { summaryFailed: true };
      }
    }
    return requestRecord({
      requestId: cleanText(req.id, 128) ?? '',
      meta,
      who: this.principalColumns(req),
      resources: {
        connected_account_id: accountIdColumn(resources?.connectedAccountId ?? params.accountId),
        vault_id: cleanText(resources?.vaultId ?? params.vaultId, 200),
        item_id: cleanText(resources?.itemId ?? params.itemId, 200),
        file_id: cleanText(resources?.fileId ?? params.fileId, 200),
        resource_id: cleanText(resources?.resourceId ?? params.id, 200),
      },
      method: req.method,
      url: req.url,
      ip: req.ip,
      userAgent: req.headers['user-agent'],
      details,
    });
  }

  /** Who: the tenant chain and actor columns (the guard may have identified the caller after the request record). */
  private principalColumns(req: AuditedRequest): ActorColumns {
    const principal = req.principal;
    if (principal) {
      return { tenant_id: principal.tenantId, actor_type: 'api-key', actor_key_id: principal.keyId, actor_name: cleanText(principal.keyName, 200), actor_role: principal.role };
    }
    if (req.platformPrincipal) return { tenant_id: PLATFORM_CHAIN_ID, actor_type: 'platform', actor_key_id: null, actor_name: 'platform key', actor_role: null };
    return ANONYMOUS;
  }

  private resourceColumns(resources: AuditResources, request: AuditDraft): Partial<AuditDraft> {
    return {
      connected_account_id: resources.connectedAccountId !== undefined ? accountIdColumn(resources.connectedAccountId) : request.connected_account_id,
      vault_id: resources.vaultId !== undefined ? cleanText(resources.vaultId, 200) : request.vault_id,
      item_id: resources.itemId !== undefined ? cleanText(resources.itemId, 200) : request.item_id,
      file_id: resources.fileId !== undefined ? cleanText(resources.fileId, 200) : request.file_id,
      resource_id: resources.resourceId !== undefined ? cleanText(resources.resourceId, 200) : request.resource_id,
    };
  }
}
