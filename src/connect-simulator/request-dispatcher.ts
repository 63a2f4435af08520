import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { ADMIN_PATH_PREFIX, ADMIN_SECRET_HEADER, type AdminApiHandler } from './admin-api.handler.js';
import { CONNECT_MESSAGES, CONNECT_VERSION_HEADER } from './connect-api.constants.js';
import type { ConnectApiHandler } from './connect-api.handler.js';
import { ConnectError } from './connect-error.js';
import type { FaultInjector } from './fault-injector.js';
import type { RequestMetrics } from './request-metrics.js';
import { writeResponse } from './response-writer.util.js';
import type { RingBuffer } from './ring-buffer.js';
import type { ServerStatusHandler } from './server-status.handler.js';
import { SimResponses, type SimResponse } from './sim-response.js';
import type { FaultKind, RecordedRequest } from './simulator-options.types.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const INJECTED_MESSAGES: Readonly<Record<number, string>> = { 408: CONNECT_MESSAGES.syncTimeout };

export interface DispatcherDeps {
  version: string;
  faults: FaultInjector;
  api: ConnectApiHandler;
  admin: AdminApiHandler;
  status: ServerStatusHandler;
  metrics: RequestMetrics;
  requests: RingBuffer<RecordedRequest>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ConnectError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Entry point of every HTTP request: the version header, routing (admin, status, /v1), fault injection on
 * /v1 and the request record that lets tests prove what reached "Connect".
 */
export class RequestDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.dispatch(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const response = error instanceof ConnectError
        ? SimResponses.error(error.status, error.message)
        : SimResponses.error(500, `simulator error: ${(error as Error).message}`);
      writeResponse(res, response, false);
    });
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const pathname = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = queryStart < 0 ? '' : url.slice(queryStart + 1);
    // Every route answers with and without a trailing slash (the JS SDK sends both).
    const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    res.setHeader(CONNECT_VERSION_HEADER, this.deps.version);

    if (path === ADMIN_PATH_PREFIX || path.startsWith(`${ADMIN_PATH_PREFIX}/`)) {
      const secret = req.headers[ADMIN_SECRET_HEADER];
      const body = await readBody(req);
      const response = this.deps.admin.handle({
        method, path, query: new URLSearchParams(query), secret: Array.isArray(secret) ? secret[0] : secret, body,
      });
      writeResponse(res, response, false);
      return;
    }

    // Recorded on arrival, so a request that arrived before clearRequests() never reappears when it is answered;
    // the status is filled in as the answer is handed over, before the client sees the bytes (or their loss).
    const record: RecordedRequest = { method, path, query, status: 0, time, durationMs: 0 };
    this.deps.requests.push(record);
    let fault: FaultKind | undefined;
    const send = (response: SimResponse): void => {
      this.deps.metrics.count(method, response.status);
      record.status = response.status;
      record.durationMs = performance.now() - started;
      if (fault) record.fault = fault;
      writeResponse(res, response, fault === 'reset');
    };

    const statusResponse = this.deps.status.handle(method, path, req.headers.authorization);
    if (statusResponse) return send(statusResponse);
    if (path !== '/v1' && !path.startsWith('/v1/')) return send(SimResponses.error(404, 'Not Found'));

    const decision = this.deps.faults.decide(method, path);
    fault = decision.fault;
    let body: Buffer | undefined;
    try {
      body = method === 'GET' || method === 'DELETE' ? undefined : await readBody(req);
    } catch (error) {
      if (error instanceof ConnectError) return send(SimResponses.error(error.status, error.message));
      throw error;
    }
    // Unref'd so a held request (sync timeout) never keeps a stopped simulator's process alive.
    if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { ref: false });
    if (decision.status !== undefined) {
      const retryAfter: Record<string, string> =
        decision.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(decision.retryAfterSeconds) };
      const message = INJECTED_MESSAGES[decision.status] ?? STATUS_CODES[decision.status] ?? 'Error';
      return send(SimResponses.error(decision.status, message, retryAfter));
    }
    if (!this.deps.faults.syncReady) {
      fault = 'sync-not-ready';
      return send(SimResponses.error(500, CONNECT_MESSAGES.syncNotReady));
    }
    send(
      this.deps.api.handle({
        method,
        segments: path === '/v1' ? [] : path.slice('/v1/'.length).split('/').map(decodeSegment),
        query: new URLSearchParams(query),
        body,
        authorization: req.headers.authorization,
        userAgent: req.headers['user-agent'] ?? '',
        requestIp: req.socket.remoteAddress ?? '',
      }),
    );
  }
}
