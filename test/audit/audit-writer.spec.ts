import { randomUUID } from 'node:crypto';
import { canonicalJson, canonicalRecord, chainHash, GENESIS_HASH, HASHED_COLUMNS, HashedValues } from '../../src/audit/audit-chain.js';
import { AUDIT_EVENT_VERSION } from '../../src/audit/audit.constants.js';
import type { AuditDraft, SealedAuditRow } from '../../src/audit/audit-record.js';
import type { AuditStore, ChainHead, SealedBatch } from '../../src/audit/audit-store.js';
import { AuditUnavailableError, AuditWriter } from '../../src/audit/audit-writer.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

function draft(tenant: string, n = 0): AuditDraft {
  return {
    id: randomUUID(), tenant_id: tenant, type: 'request', request_id: `r-${n}`, request_event_id: null, action: 'items.get', read_only: true,
    outcome: null, http_status: null, error_code: null, actor_type: 'api-key', actor_key_id: null, actor_name: null, actor_role: null,
    connected_account_id: null, vault_id: null, item_id: null, file_id: null, resource_id: null, method: 'GET', path: '/v1/x',
    client_ip: null, user_agent: null, duration_us: null, details: null, event_version: AUDIT_EVENT_VERSION,
  };
}

/** An in-memory store with Postgres' semantics: appends only if the claimed heads are current. */
class MemoryStore implements AuditStore {
  readonly rows: SealedAuditRow[] = [];
  readonly heads = new Map<string, ChainHead>();
  readonly batches: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failNext = 0;
  conflictNext = 0;
  gate: Promise<void> | null = null;

  async append(batch: SealedBatch): Promise<Map<string, ChainHead> | null> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      await new Promise((r) => setImmediate(r));
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('connection terminated');
      }
      if (this.conflictNext > 0) {
        // As if another instance had appended nothing but the head row changed under us.
        this.conflictNext--;
        return new Map(this.heads);
      }
      for (const claim of batch.claims) {
        const head = this.heads.get(claim.t);
        if ((head?.seq ?? 0) !== (claim.s ?? 0)) return new Map(this.heads);
      }
      const rows = JSON.parse(batch.rowsJson.toString('utf8')) as SealedAuditRow[];
      expect(rows).toHaveLength(batch.count);
      this.batches.push(rows.length);
      this.rows.push(...rows);
      for (const claim of batch.claims) this.heads.set(claim.t, { seq: claim.ns, hash: Buffer.from(claim.nh, 'hex'), time: Date.parse(claim.nr) });
      return null;
    } finally {
      this.inFlight--;
    }
  }
  async appendLocked(_tenants: string[], seal: (heads: Map<string, ChainHead>) => SealedBatch): Promise<void> {
    const conflict = await this.append(seal(new Map(this.heads)));
    if (conflict) throw new Error('conflict under lock');
  }
  async existingIds(ids: string[]): Promise<Set<string>> {
    return new Set(this.rows.filter((r) => ids.includes(r.id)).map((r) => r.id));
  }
  async close(): Promise<void> {}
}

function expectValidChain(rows: SealedAuditRow[], tenant: string): void {
  let prev = GENESIS_HASH;
  rows.filter((r) => r.tenant_id === tenant).forEach((row, i) => {
    expect(row.seq).toBe(i + 1);
    expect(row.prev_hash).toBe(`\\x${prev.toString('hex')}`);
    const hash = chainHash(prev, row as unknown as HashedValues);
    expect(row.hash).toBe(`\\x${hash.toString('hex')}`);
    expect(Object.keys(row).sort()).toEqual([...HASHED_COLUMNS, 'hash', 'prev_hash'].sort());
    prev = hash;
  });
}

describe('canonical JSON', () => {
  it('sorts keys, drops undefined, escapes like JSON.stringify, and covers exactly the hashed columns', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\\\u0001'], c: undefined, d: { z: 0, y: -1.5 } })).toBe('{"a":[true,null,"x\\"\\\\\\u0001"],"b":1,"d":{"y":-1.5,"z":0}}');
    expect(canonicalJson('\ud800')).toBe(JSON.stringify('\ud800'));
    const values = Object.fromEntries(HASHED_COLUMNS.map((c, i) => [c, `v${i}`])) as unknown as HashedValues;
    const parsed = JSON.parse(canonicalRecord(values));
    expect(Object.keys(parsed)).toEqual([...HASHED_COLUMNS]);
    expect([...HASHED_COLUMNS]).toEqual([...HASHED_COLUMNS].sort());
    expect(canonicalRecord({ ...values, details: { b: 2, a: 1 } })).toContain('"details":{"a":1,"b":2}');
  });
});

describe('AuditWriter (group commit)', () => {
  it('flushes a lone record at once, without a timer', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const store = new MemoryStore();
      const writer = new AuditWriter(store);
      await writer.commit(draft(A));
      expect(store.batches).toEqual([1]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets an outcome linger so the next awaited record carries it: one batch, chain order kept', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { lingerMs: 1000 });
    writer.enqueue(draft(A, 1));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.batches).toEqual([]);
    await writer.commit(draft(A, 2));
    expect(store.batches).toEqual([2]);
    expect(store.rows.map((r) => r.request_id)).toEqual(['r-1', 'r-2']);
    expectValidChain(store.rows, A);
    expect(await writer.drain(100)).toBe(true);
  });

  it('writes a lingering outcome after lingerMs when nothing else comes, and at once when drained', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { lingerMs: 30 });
    writer.enqueue(draft(A, 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(store.rows).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(store.rows.map((r) => r.request_id)).toEqual(['r-1']);

    const slow = new AuditWriter(store, { lingerMs: 60_000 });
    slow.enqueue(draft(B, 2));
    const started = Date.now();
    expect(await slow.drain(1000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(store.rows.map((r) => r.request_id)).toEqual(['r-1', 'r-2']);
    await slow.close();
  });

  it('pipelines a second batch of a chain while the first is in flight, and requeues both in order if the first is not appended', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { maxInFlight: 3, chainDepth: 2 });
    await writer.commit(draft(A, 0));
    store.conflictNext = 1;
    let open!: () => void;
    store.gate = new Promise<void>((r) => (open = r));
    const first = Array.from({ length: 5 }, (_, i) => writer.commit(draft(A, 1 + i)));
    await new Promise((r) => setImmediate(r));
    const second = Array.from({ length: 5 }, (_, i) => writer.commit(draft(A, 6 + i)));
    await new Promise((r) => setImmediate(r));
    expect(store.inFlight).toBe(2);
    store.gate = null;
    open();
    await Promise.all([...first, ...second]);
    expect(store.rows.map((r) => r.request_id)).toEqual(Array.from({ length: 11 }, (_, i) => `r-${i}`));
    expectValidChain(store.rows, A);
    expect(writer.stats.conflicts).toBe(2);
    expect(writer.stats.lockedAppends).toBe(0);
  });

  it('batches what arrives while a write is in flight, in order, capped', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { batchMax: 50, maxInFlight: 2 });
    let open!: () => void;
    store.gate = new Promise<void>((r) => (open = r));
    const first = writer.commit(draft(A, 0));
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 120 }, (_, i) => writer.commit(draft(A, i + 1)));
    const other = writer.commit(draft(B));
    await new Promise((r) => setImmediate(r));
    store.gate = null;
    open();
    await Promise.all([first, ...rest, other]);
    expect(store.batches.reduce((a, b) => a + b, 0)).toBe(122);
    expect(Math.max(...store.batches)).toBeLessThanOrEqual(50);
    expect(store.batches.length).toBeLessThanOrEqual(5);
    expect(store.rows.filter((r) => r.tenant_id === A).map((r) => r.request_id)).toEqual(Array.from({ length: 121 }, (_, i) => `r-${i}`));
    expectValidChain(store.rows, A);
    expectValidChain(store.rows, B);
  });

  it('reseals when another writer moved the chain head', async () => {
    const store = new MemoryStore();
    const one = new AuditWriter(store);
    const two = new AuditWriter(store);
    for (let i = 0; i < 5; i++) {
      await one.commit(draft(A, i));
      await two.commit(draft(A, 100 + i));
    }
    expect(store.rows).toHaveLength(10);
    expectValidChain(store.rows, A);
    expect(one.stats.conflicts + two.stats.conflicts).toBeGreaterThan(0);
  });

  it('backs off while draining a database that is down, and stops for good once closed', async () => {
    const store = new MemoryStore();
    store.failNext = 1e9;
    const attempts = () => 1e9 - store.failNext;
    const writer = new AuditWriter(store, { retryMinMs: 20, retryMaxMs: 100 });
    writer.enqueue(draft(A));
    expect(await writer.drain(300)).toBe(false);
    // Backoff 20, 40, 80, 100 ms...: a handful of attempts in 300 ms, not one per event-loop turn.
    expect(attempts()).toBeLessThan(10);
    // The drain that gave up no longer hurries the writer.
    const afterDrain = attempts();
    await new Promise((r) => setTimeout(r, 250));
    expect(attempts() - afterDrain).toBeLessThan(5);
    await writer.close(100);
    const afterClose = attempts();
    writer.enqueue(draft(A, 1));
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts()).toBe(afterClose);
    expect(writer.queueDepth).toBe(0);
    expect(writer.stats.lost).toBe(2);
  });

  it('refuses callers who wait when a write fails, and retries records nobody waits for', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { retryMinMs: 5 });
    store.failNext = 1;
    const waited = writer.commit(draft(A, 1));
    writer.enqueue(draft(A, 2));
    await expect(waited).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await writer.drain(2000)).toBe(true);
    expect(store.rows.map((r) => r.request_id)).toEqual(['r-2']);
    expectValidChain(store.rows, A);
    expect(writer.stats).toMatchObject({ failures: 1, lost: 0 });
  });

  it('does not write twice a retried record whose first write did commit', async () => {
    const store = new MemoryStore();
    const writer = new AuditWriter(store, { retryMinMs: 5 });
    const real = store.append.bind(store);
    let calls = 0;
    store.append = async (batch) => {
      const result = await real(batch);
      if (++calls === 1) throw new Error('connection lost after commit');
      return result;
    };
    writer.enqueue(draft(A, 1));
    expect(await writer.drain(2000)).toBe(true);
    expect(store.rows).toHaveLength(1);
  });

  it('bounds memory: beyond maxPending, waiting callers are refused at once', async () => {
    const store = new MemoryStore();
    store.gate = new Promise(() => undefined);
    const writer = new AuditWriter(store, { maxPending: 3, maxInFlight: 1, batchMax: 1 });
    void writer.commit(draft(A, 1)).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 3; i++) writer.enqueue(draft(A, 10 + i));
    await expect(writer.commit(draft(A, 2))).rejects.toBeInstanceOf(AuditUnavailableError);
    writer.enqueue(draft(A, 3));
    expect(writer.stats.lost).toBe(1);
  });
});
