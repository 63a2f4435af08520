import { Logger } from '@nestjs/common';
import { canonicalRecordOf, GENESIS_HASH, hashCanonical } from './audit-chain.js';
import type { AuditDraft } from './audit-record.js';
import type { AuditStore, ChainHead, HeadClaim, SealedBatch } from './audit-store.js';

/** The audit log could not durably record something a caller waited for. */
export class AuditUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditUnavailableError';
  }
}

export interface AuditWriterOptions {
  /** Most records in one INSERT. */
  batchMax?: number;
  /** Batches written at the same time, each on its own connection. */
  maxInFlight?: number;
  /** Batches of one chain in flight at once (pipelined: each sealed on the one before). */
  chainDepth?: number;
  /** Records held in memory at most (queued plus awaiting retry); beyond it, writes are refused. */
  maxPending?: number;
  /**
   * How long a record nobody awaits (an outcome) may wait for one that is awaited to share its batch. At low
   * load this folds a request's outcome into the next request's record: one commit per request instead of two,
   * and no request waiting behind the lock of an outcome's commit. 0: flush at once.
   */
  lingerMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

interface Entry {
  draft: AuditDraft;
  /** Event time, epoch ms; the chain makes `recorded_at` non-decreasing from it. */
  at: number;
  resolve?: () => void;
  reject?: (error: Error) => void;
  /** Written once already with an unknown result: check it is absent before writing it again. */
  retried: boolean;
  /** Part of a batch the database refused as data: written alone to find the record at fault. */
  isolate: boolean;
}

/** What the writer knows of one chain (a tenant's, or the platform chain). */
interface Chain {
  /** The head after every batch sealed so far (committed or in flight); undefined: unknown, ask Postgres. */
  tail?: ChainHead;
  inFlight: number;
  /** A batch of this chain was not appended: seal nothing new until its in-flight batches settle. */
  stalled: boolean;
  /** Entries of batches that were not appended, by batch order, to requeue when the chain settles. */
  retry: { order: number; entries: Entry[] }[];
  /** The newest actual head Postgres reported in a conflict. */
  actual?: ChainHead;
  /** Contention with another instance: the next batch seals under row locks. */
  lockNext: boolean;
  /** A locked batch is in flight: nothing is pipelined on top of it. */
  locked: boolean;
}

interface Batch {
  order: number;
  entries: Entry[];
  tenants: string[];
  /** Sealed when taken (pipelined); undefined: sealed under row locks when written. */
  sealed?: SealedBatch;
  /** The chain heads after this batch, once sealed. */
  next?: Map<string, ChainHead>;
}

/**
 * Group commit for the audit log (performance.md, variant (e)): callers append records and, if they need
 * durability, await their commit. A batch is flushed on the next event-loop turn whenever a connection is
 * free, with no timer: at low load every record goes out at once, under load the records that arrive while
 * batches are in flight form the next one (up to `batchMax`). One INSERT (one round trip) per batch.
 *
 * Chains: a batch seals each record into its tenant's chain (seq, prev_hash, hash, recorded_at) on the chain's
 * tail, which may belong to a batch still in flight (up to `chainDepth` batches per chain are pipelined).
 * Postgres (audit_append) locks the chain heads, so pipelined batches commit one after the other, and appends a
 * batch only if the heads it was sealed on are the current ones; otherwise nothing is appended, the chain
 * stalls until its batches in flight settle, and their records are requeued in order and resealed on the
 * actual head (under row locks if another instance is writing the same chain). So `seq` stays gap-free and in
 * append order per chain, across any number of instances.
 *
 * Failures: a caller awaiting its record gets AuditUnavailableError (the request is refused); records nobody
 * waits for (outcomes) are kept and retried with backoff, up to `maxPending` records in memory.
 */
export class AuditWriter {
  private readonly logger = new Logger('Audit');
  private readonly pending = new Map<string, Entry[]>();
  private readonly chains = new Map<string, Chain>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly batchMax: number;
  private readonly maxInFlight: number;
  private readonly chainDepth: number;
  private readonly maxPending: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly lingerMs: number;
  private pendingCount = 0;
  private waitingCount = 0;
  private inFlight = 0;
  private order = 0;
  private scheduled = false;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastLossReport = 0;
  readonly stats = { committed: 0, batches: 0, failures: 0, lost: 0, conflicts: 0, lockedAppends: 0 };

  constructor(
    private readonly store: AuditStore,
    options: AuditWriterOptions = {},
  ) {
    this.batchMax = options.batchMax ?? 200;
    this.maxInFlight = options.maxInFlight ?? 3;
    this.chainDepth = options.chainDepth ?? 2;
    this.maxPending = options.maxPending ?? 20_000;
    this.retryMinMs = options.retryMinMs ?? 50;
    this.retryMaxMs = options.retryMaxMs ?? 5000;
    this.lingerMs = options.lingerMs ?? 0;
  }

  /** Appends a record and resolves once it is committed; rejects with AuditUnavailableError otherwise. */
  commit(draft: AuditDraft, at = Date.now()): Promise<void> {
    if (this.closed || this.pendingCount >= this.maxPending) {
      return Promise.reject(new AuditUnavailableError(this.closed ? 'the audit writer is closed' : 'too many audit records are waiting to be written'));
    }
    return new Promise<void>((resolve, reject) => {
      this.push({ draft, at, resolve, reject, retried: false, isolate: false });
    });
  }

  /** Appends a record nobody waits for (it is retried until written). */
  enqueue(draft: AuditDraft, at = Date.now()): void {
    if (this.closed || this.pendingCount >= this.maxPending) {
      this.lose(1, this.closed ? 'the audit writer is closed' : 'too many audit records are waiting to be written');
      return;
    }
    this.push({ draft, at, retried: false, isolate: false });
  }

  /** Resolves true once nothing is queued or in flight, false if that did not happen within `timeoutMs`. */
  drain(timeoutMs = 15_000): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        // A waiter left behind would keep the writer in a hurry for good (see schedule).
        this.idleWaiters.splice(this.idleWaiters.indexOf(wake), 1);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(wake);
      // A retry waiting on backoff is tried now, once: whoever drains wants it written. Later failures back off
      // as usual, so a database that is down is not hammered for the whole drain.
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      this.schedule(true);
    });
  }

  /** Writes what is queued (within `timeoutMs`), then refuses new records and drops what could not be written. */
  async close(timeoutMs = 10_000): Promise<void> {
    const drained = await this.drain(timeoutMs);
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (!drained && this.pendingCount > 0) {
      this.lose(this.pendingCount, 'the service stopped before they could be written');
      for (const queue of this.pending.values()) for (const entry of queue) entry.reject?.(new AuditUnavailableError('the audit writer is closed'));
      this.pending.clear();
      this.pendingCount = 0;
      this.waitingCount = 0;
    }
  }

  private push(entry: Entry): void {
    const tenant = entry.draft.tenant_id;
    const queue = this.pending.get(tenant);
    if (queue) queue.push(entry);
    else this.pending.set(tenant, [entry]);
    this.pendingCount++;
    if (entry.reject) this.waitingCount++;
    this.schedule();
  }

  private chain(tenant: string): Chain {
    let chain = this.chains.get(tenant);
    if (!chain) {
      chain = { inFlight: 0, stalled: false, retry: [], lockNext: false, locked: false };
      this.chains.set(tenant, chain);
    }
    return chain;
  }

  /** Flushes on the next turn; records nobody waits for may linger first (`now`: they may not). */
  private schedule(now = false): void {
    if (this.closed || this.scheduled || this.inFlight >= this.maxInFlight || this.pendingCount === 0) return;
    if (!now && this.waitingCount === 0) {
      // While backing off after a failure, only a caller who waits makes us try again before the timer.
      if (this.retryTimer) return;
      if (this.lingerMs > 0) {
        if (!this.lingerTimer) {
          this.lingerTimer = setTimeout(this.lingered, this.lingerMs);
        }
        return;
      }
    }
    this.scheduled = true;
    setImmediate(this.flush);
  }

  private readonly lingered = (): void => {
    this.lingerTimer = null;
    this.schedule(true);
  };

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    while (this.inFlight < this.maxInFlight) {
      const batch = this.take();
      if (!batch) break;
      this.inFlight++;
      this.stats.batches++;
      void this.write(batch);
    }
  };

  /**
   * The next batch: queued records of chains that can take one more batch, oldest chain first, up to
   * batchMax. Pipelined batches are sealed here, in order; a chain that needs care (contention, a retried or
   * suspect record) goes into a batch of its own kind, sealed under row locks.
   */
  private take(): Batch | undefined {
    const entries: Entry[] = [];
    const tenants: string[] = [];
    let careful: boolean | undefined;
    for (const [tenant, queue] of this.pending) {
      const chain = this.chain(tenant);
      if (chain.stalled || chain.locked || chain.inFlight >= this.chainDepth) continue;
      const needsCare = chain.lockNext || queue[0].retried || queue[0].isolate;
      if (needsCare && chain.inFlight > 0) continue;
      if (careful === undefined) careful = needsCare;
      else if (careful !== needsCare) continue;
      if (queue[0].isolate) {
        if (entries.length > 0) continue;
        entries.push(queue.shift()!);
        if (queue.length === 0) this.pending.delete(tenant);
        tenants.push(tenant);
        break;
      }
      const room = this.batchMax - entries.length;
      let n = 0;
      while (n < queue.length && n < room && !queue[n].isolate) n++;
      if (n === queue.length) {
        this.pending.delete(tenant);
        for (const entry of queue) entries.push(entry);
      } else {
        for (const entry of queue.splice(0, n)) entries.push(entry);
      }
      tenants.push(tenant);
      if (entries.length >= this.batchMax) break;
    }
    if (entries.length === 0) return undefined;
    this.pendingCount -= entries.length;
    for (const entry of entries) if (entry.reject) this.waitingCount--;
    const batch: Batch = { order: ++this.order, entries, tenants };
    for (const tenant of tenants) {
      const chain = this.chain(tenant);
      chain.inFlight++;
      if (careful) chain.locked = true;
    }
    if (!careful) {
      const known = new Map<string, ChainHead>();
      for (const tenant of tenants) {
        const tail = this.chain(tenant).tail;
        if (tail) known.set(tenant, tail);
      }
      const { next, ...sealed } = this.seal(entries, known);
      batch.sealed = sealed;
      batch.next = next;
      for (const [tenant, head] of next) this.chain(tenant).tail = { ...head };
    }
    return batch;
  }

  private async write(batch: Batch): Promise<void> {
    let conflict: Map<string, ChainHead> | null = null;
    let failure: (Error & { code?: string }) | undefined;
    try {
      if (batch.sealed) {
        conflict = await this.store.append(batch.sealed);
      } else {
        this.stats.lockedAppends++;
        if (batch.entries.some((e) => e.retried)) await this.skipWritten(batch);
        if (batch.entries.length > 0) {
          await this.store.appendLocked(batch.tenants, (heads) => {
            const { next, ...sealed } = this.seal(batch.entries, heads);
            batch.next = next;
            return sealed;
          });
          for (const [tenant, head] of batch.next!) this.chain(tenant).tail = head;
        }
      }
    } catch (error) {
      failure = error as Error & { code?: string };
    }
    if (!failure && !conflict) {
      for (const entry of batch.entries) entry.resolve?.();
      this.stats.committed += batch.entries.length;
      this.backoffMs = 0;
      for (const tenant of batch.tenants) {
        const chain = this.chain(tenant);
        chain.lockNext = false;
        // A stalled chain restarts from the newest head it knows to be committed.
        const committed = batch.next?.get(tenant);
        if (chain.stalled && committed && (!chain.actual || committed.seq > chain.actual.seq)) chain.actual = committed;
        this.settle(chain, tenant, batch.sealed === undefined);
      }
    } else if (conflict) {
      this.conflicted(batch, conflict);
    } else {
      this.failed(batch, failure!);
    }
    this.inFlight--;
    this.schedule();
    if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Nothing was appended: the heads moved (another instance), or our own pipeline broke. Requeue, in order. */
  private conflicted(batch: Batch, actual: Map<string, ChainHead>): void {
    this.stats.conflicts++;
    const claims = new Map(batch.sealed!.claims.map((c) => [c.t, c]));
    for (const tenant of batch.tenants) {
      const chain = this.chain(tenant);
      const head = actual.get(tenant);
      if (head && head.seq > 0 && (!chain.actual || head.seq > chain.actual.seq)) chain.actual = head;
      // A chain we had seen moved under us: another writer is active, take the locks next time.
      if (claims.get(tenant)?.s !== null && !this.isOwnPipeline(chain)) chain.lockNext = true;
      chain.stalled = true;
      chain.retry.push({ order: batch.order, entries: batch.entries.filter((e) => e.draft.tenant_id === tenant) });
      this.settle(chain, tenant, false);
    }
  }

  /** A batch behind another in flight fails whenever the one before did not commit: that is not contention. */
  private isOwnPipeline(chain: Chain): boolean {
    return chain.retry.length > 0 || chain.inFlight > 1;
  }

  private failed(batch: Batch, error: Error & { code?: string }): void {
    this.stats.failures++;
    // Data errors (SQLSTATE 22xxx, 23xxx) will not go away by retrying the same rows.
    const refused = typeof error.code === 'string' && (error.code.startsWith('22') || error.code.startsWith('23'));
    this.logger.warn(`Audit write of ${batch.entries.length} record(s) failed: ${error.message}${error.code ? ` (${error.code})` : ''}`);
    const unavailable = new AuditUnavailableError('the audit log cannot be written');
    const kept: Entry[] = [];
    for (const entry of batch.entries) {
      if (entry.reject) {
        entry.reject(unavailable);
      } else if (refused && batch.entries.length === 1) {
        this.lose(1, `the database refuses it (action ${entry.draft.action}, request ${entry.draft.request_id})`);
      } else {
        // The batch may or may not have been committed: check before writing it again.
        entry.retried = true;
        if (refused) entry.isolate = true;
        kept.push(entry);
      }
    }
    if (this.closed && kept.length > 0) {
      this.lose(kept.length, 'the service stopped before they could be written');
      kept.length = 0;
    }
    for (const tenant of batch.tenants) {
      const chain = this.chain(tenant);
      chain.stalled = true;
      chain.actual = undefined;
      chain.retry.push({ order: batch.order, entries: kept.filter((e) => e.draft.tenant_id === tenant) });
      this.settle(chain, tenant, batch.sealed === undefined);
    }
    if (kept.length > 0 && !this.retryTimer) {
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.retryMinMs), this.retryMaxMs);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.schedule(true);
      }, this.backoffMs);
      this.retryTimer.unref();
    }
  }

  /** One batch of the chain is done; once none is in flight, a stalled chain requeues and restarts. */
  private settle(chain: Chain, tenant: string, wasLocked: boolean): void {
    chain.inFlight--;
    if (wasLocked) chain.locked = false;
    if (chain.inFlight > 0 || !chain.stalled) return;
    const requeued: Entry[] = [];
    for (const part of chain.retry.sort((a, b) => a.order - b.order)) for (const entry of part.entries) requeued.push(entry);
    chain.retry = [];
    chain.stalled = false;
    // Start again from what Postgres said the head is (or from nothing: the next batch asks).
    chain.tail = chain.actual;
    chain.actual = undefined;
    if (requeued.length === 0) return;
    const queue = this.pending.get(tenant);
    this.pending.delete(tenant);
    this.pending.set(tenant, queue ? requeued.concat(queue) : requeued);
    this.pendingCount += requeued.length;
    for (const entry of requeued) if (entry.reject) this.waitingCount++;
  }

  private seal(entries: Entry[], known: Map<string, ChainHead>): SealedBatch & { next: Map<string, ChainHead> } {
    const chains = new Map<string, { claim: HeadClaim; head: ChainHead; hex: string }>();
    let rowsJson = '[';
    let lastTime = -1;
    let lastIso = '';
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const draft = entry.draft;
      const tenant = draft.tenant_id;
      let chain = chains.get(tenant);
      if (!chain) {
        const start = known.get(tenant);
        const head = start ? { ...start } : { seq: 0, hash: GENESIS_HASH, time: 0 };
        chain = { claim: { t: tenant, s: start ? start.seq : null, h: start ? start.hash.toString('hex') : null, ns: 0, nh: '', nr: '' }, head, hex: head.hash.toString('hex') };
        chains.set(tenant, chain);
      }
      const head = chain.head;
      const time = entry.at > head.time ? entry.at : head.time;
      if (time !== lastTime) {
        lastTime = time;
        lastIso = new Date(time).toISOString();
      }
      const seq = head.seq + 1;
      const canonical = canonicalRecordOf(draft, seq, lastIso);
      const hash = hashCanonical(head.hash, canonical);
      const hex = hash.toString('hex');
      // The row sent to Postgres is the canonical JSON plus the two hashes (bytea input format \x<hex>, JSON-escaped).
      rowsJson += `${i === 0 ? '' : ','}${canonical.slice(0, -1)},"prev_hash":"\\\\x${chain.hex}","hash":"\\\\x${hex}"}`;
      head.seq = seq;
      head.hash = hash;
      head.time = time;
      chain.hex = hex;
    }
    const claims: HeadClaim[] = [];
    const next = new Map<string, ChainHead>();
    for (const [tenant, { claim, head, hex }] of chains) {
      claim.ns = head.seq;
      claim.nh = hex;
      claim.nr = new Date(head.time).toISOString();
      claims.push(claim);
      next.set(tenant, head);
    }
    return { claims, rowsJson: Buffer.from(`${rowsJson}]`), count: entries.length, next };
  }

  /** Drops (as done) retried records that the earlier, seemingly failed, attempt did store. */
  private async skipWritten(batch: Batch): Promise<void> {
    const existing = await this.store.existingIds(batch.entries.filter((e) => e.retried).map((e) => e.draft.id));
    if (existing.size === 0) return;
    batch.entries = batch.entries.filter((entry) => {
      if (!existing.has(entry.draft.id)) return true;
      entry.resolve?.();
      return false;
    });
  }

  /** Records waiting to be written (queued and awaiting retry, not in flight): the metrics' queue depth. */
  get queueDepth(): number {
    return this.pendingCount;
  }

  private isIdle(): boolean {
    return this.pendingCount === 0 && this.inFlight === 0;
  }

  private lose(count: number, reason: string): void {
    this.stats.lost += count;
    const now = Date.now();
    if (now - this.lastLossReport < 1000) return;
    this.lastLossReport = now;
    this.logger.error(`Audit records lost (${this.stats.lost} so far): ${reason}`);
  }
}
