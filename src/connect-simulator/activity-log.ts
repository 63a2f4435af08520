import { randomUUID } from 'node:crypto';

import type { ApiAction, ApiRequestJson, ApiResourceJson } from './connect-api.types.js';
import { RingBuffer } from './ring-buffer.js';
import { toRfc3339 } from './rfc3339.util.js';
import type { TokenGrant } from './token-grant.js';

const ACTIONS: Readonly<Record<string, ApiAction>> = { GET: 'READ', POST: 'CREATE', PUT: 'UPDATE', PATCH: 'UPDATE', DELETE: 'DELETE' };

export interface ActivityEntry {
  method: string;
  status: number;
  grant: TokenGrant;
  resource: ApiResourceJson;
  userAgent: string;
  requestIp: string;
}

/** The `/v1/activity` record: the newest 10,000 API requests, so benchmarks do not grow memory. */
export class ActivityLog {
  private readonly entries = new RingBuffer<ApiRequestJson>(10_000);

  constructor(private readonly clock: () => number) {}

  get total(): number {
    return this.entries.size;
  }

  /** Successes are SUCCESS and scope refusals DENY; other failures touched no resource and are not recorded [inferred]. */
  record(entry: ActivityEntry): void {
    const action = ACTIONS[entry.method];
    const result = entry.status < 400 ? 'SUCCESS' : entry.status === 403 ? 'DENY' : undefined;
    if (!action || !result) return;
    this.entries.push({
      requestId: randomUUID(),
      timestamp: toRfc3339(this.clock()),
      action,
      result,
      actor: {
        id: entry.grant.userId,
        account: entry.grant.accountId,
        jti: entry.grant.jti,
        userAgent: entry.userAgent,
        requestIp: entry.requestIp,
      },
      resource: entry.resource,
    });
  }

  newestFirst(offset: number, limit: number): ApiRequestJson[] {
    return this.entries.newestFirst(offset, limit);
  }
}
