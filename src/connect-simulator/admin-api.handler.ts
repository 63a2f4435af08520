import { timingSafeEqual } from 'node:crypto';

import type { FaultInjector } from './fault-injector.js';
import type { RingBuffer } from './ring-buffer.js';
import { SimResponses, type SimResponse } from './sim-response.js';
import type { FaultSettings, RecordedRequest } from './simulator-options.types.js';

export const ADMIN_PATH_PREFIX = '/__admin';
export const ADMIN_SECRET_HEADER = 'x-simulator-admin';

export interface AdminRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  secret?: string;
  body?: Buffer;
}

export interface AdminDeps {
  secret: string;
  faults: FaultInjector;
  requests: RingBuffer<RecordedRequest>;
  /** Stops the listener once the answer is sent; restarts it after `restartAfterMs` when given. */
  stopListener: (restartAfterMs?: number) => void;
}

function secretMatches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The fault-control endpoint outside `/v1`, guarded by `X-Simulator-Admin: <adminSecret>`. */
export class AdminApiHandler {
  constructor(private readonly deps: AdminDeps) {}

  handle(request: AdminRequest): SimResponse {
    if (!secretMatches(request.secret, this.deps.secret)) {
      return SimResponses.error(401, 'missing or wrong X-Simulator-Admin header');
    }
    const route = `${request.method} ${request.path.slice(ADMIN_PATH_PREFIX.length)}`;
    switch (route) {
      case 'GET /faults':
        return SimResponses.json(200, this.deps.faults.current());
      case 'PUT /faults':
        return this.updateFaults(request.body);
      case 'POST /faults/reset':
        this.deps.faults.reset();
        return SimResponses.json(200, this.deps.faults.current());
      case 'GET /requests':
        return SimResponses.json(200, this.deps.requests.toArray());
      case 'DELETE /requests':
        this.deps.requests.clear();
        return { status: 204 };
      case 'POST /listener/stop':
        return this.stopListener(request.query);
      default:
        return SimResponses.error(404, 'Not Found');
    }
  }

  private updateFaults(body: Buffer | undefined): SimResponse {
    let changes: unknown;
    try {
      changes = JSON.parse(body?.toString('utf8') ?? '');
    } catch {
      return SimResponses.error(400, 'the body must be a JSON object of fault settings');
    }
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      return SimResponses.error(400, 'the body must be a JSON object of fault settings');
    }
    try {
      this.deps.faults.update(changes as Partial<FaultSettings>);
    } catch (error) {
      return SimResponses.error(400, (error as Error).message);
    }
    return SimResponses.json(200, this.deps.faults.current());
  }

  private stopListener(query: URLSearchParams): SimResponse {
    const raw = query.get('restartAfterMs');
    const restartAfterMs = raw === null ? undefined : Number(raw);
    if (restartAfterMs !== undefined && !(Number.isInteger(restartAfterMs) && restartAfterMs >= 0)) {
      return SimResponses.error(400, 'restartAfterMs must be a non-negative integer');
    }
    return {
      ...SimResponses.json(202, { stopping: true, restartAfterMs: restartAfterMs ?? null }, { Connection: 'close' }),
      afterSend: () => this.deps.stopListener(restartAfterMs),
    };
  }
}
