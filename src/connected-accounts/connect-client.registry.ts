import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { AppConfig } from '../config/app-config.js';
import type { ConnectClient } from '../connect/connect-client.js';
import { ConnectClientFactory } from '../connect/connect-client.factory.js';
import { EnvelopeCipher } from '../crypto/envelope-cipher.js';
import { DatabaseNotifier } from '../database/database-notifier.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { ConnectedAccount } from './connected-account.entity.js';
import { sealedTokenOf, tokenSealContext } from './sealed-token.columns.js';

/** Published (LISTEN/NOTIFY) after a connected account's row changed or was deleted. */
export const CONNECTED_ACCOUNT_CHANGED_TOPIC = 'connected-account-changed';

export interface ConnectedAccountChange {
  tenantId: string;
  accountId: string;
  /** config_version after the change; a cached client at this version or newer is kept. */
  configVersion: number;
  deleted: boolean;
}

interface Entry {
  tenantId: string;
  configVersion: number;
  client: ConnectClient;
  /** When the row was last read; after CACHE_TTL_MS the next call re-reads it. */
  checkedAt: number;
}

/**
 * Safety net only: changes reach every instance through the notifier within milliseconds. After this long a
 * cached client costs one query (no decryption unless config_version moved) so a missed notification
 * (a dropped LISTEN connection) is corrected.
 */
const CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
const MAX_GENERATIONS = 100_000;
/** A replaced (not deleted) client keeps its sockets this long so calls already in flight can finish. */
const MAX_RETIRE_GRACE_MS = 60_000;
/** Re-reads when an invalidation lands while the row is being read; after that the result is not cached. */
const MAX_LOAD_ATTEMPTS = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One ConnectClient per connected account, for every module that calls Connect (the hot path: one lookup per
 * request). A cached client costs a Map lookup and no query. The token is decrypted once per account config
 * version; concurrent first loads share one query and one decryption. Update or delete, on this instance or
 * any other sharing the database (DatabaseNotifier), drops the client at once: a deleted account's client is
 * destroyed immediately, a replaced one after its in-flight calls had time to finish.
 */
@Injectable()
export class ConnectClientRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectClientRegistry.name);
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Promise<ConnectClient>>();
  /** Bumped by every invalidation of an account; a load that sees it move re-reads the row. */
  private readonly generations = new Map<string, number>();
  /** Bumped when `generations` is cleared to bound its size, which counts as an invalidation of everything. */
  private epoch = 0;
  private readonly retiring = new Set<NodeJS.Timeout>();
  private readonly retireGraceMs: number;

  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly cipher: EnvelopeCipher,
    private readonly clients: ConnectClientFactory,
    private readonly notifier: DatabaseNotifier,
    config: AppConfig,
  ) {
    const { requestTimeoutMs, maxRetries } = config.connect;
    this.retireGraceMs = Math.min(MAX_RETIRE_GRACE_MS, requestTimeoutMs * (maxRetries + 1));
  }

  onModuleInit(): void {
    this.notifier.subscribe(CONNECTED_ACCOUNT_CHANGED_TOPIC, (payload) => this.onNotification(payload));
  }

  onApplicationShutdown(): void {
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    for (const entry of this.entries.values()) entry.client.destroy();
    this.entries.clear();
  }

  /**
   * The Connect client of `accountId`, which must belong to `tenantId`.
   * @throws AppException CONNECTED_ACCOUNT_NOT_FOUND (404) for an unknown account or another tenant's;
   *   DECRYPTION_FAILED / ENCRYPTION_KEY_UNKNOWN (500) when the stored token cannot be opened.
   */
  forAccount(tenantId: string, accountId: string): Promise<ConnectClient> {
    // Postgres matches a uuid in any case: one key per account, or a delete would miss a differently-cased copy.
    const id = accountKey(accountId);
    const entry = this.entries.get(id);
    if (entry !== undefined && Date.now() - entry.checkedAt < CACHE_TTL_MS) {
      return entry.tenantId === tenantId ? Promise.resolve(entry.client) : Promise.reject(notFound(accountId));
    }
    if (!UUID.test(id)) return Promise.reject(notFound(accountId));
    const key = `${tenantId}/${id}`;
    let pending = this.loads.get(key);
    if (pending === undefined) {
      const load = this.load(tenantId, id).finally(() => {
        if (this.loads.get(key) === load) this.loads.delete(key);
      });
      this.loads.set(key, load);
      pending = load;
    }
    return pending;
  }

  /**
   * The client for a caller's request: `forAccount` of the caller's tenant, held back until the request's audit
   * record is committed when the caller carries that commit (Principal.auditCommitted). Services call this one.
   */
  async forPrincipal(principal: Principal, accountId: string): Promise<ConnectClient> {
    const client = await this.forAccount(principal.tenantId, accountId);
    return principal.auditCommitted === undefined ? client : client.after(principal.auditCommitted);
  }

  /**
   * Drops the account's client here at once and tells the other instances. Called by ConnectedAccountsService
   * after the change committed; a failed publish leaves the other instances to the TTL.
   */
  async accountChanged(change: ConnectedAccountChange): Promise<void> {
    this.invalidate(change);
    try {
      await this.notifier.publish(CONNECTED_ACCOUNT_CHANGED_TOPIC, JSON.stringify(change));
    } catch (error) {
      this.logger.warn(`could not notify other instances of a change to connected account ${change.accountId}: ${(error as Error).message}`);
    }
  }

  /** Number of cached clients (metrics, tests). */
  get size(): number {
    return this.entries.size;
  }

  private async load(tenantId: string, accountId: string): Promise<ConnectClient> {
    for (let attempt = 1; ; attempt++) {
      const generation = this.generationOf(accountId);
      const row = await this.tenantTransaction.run(tenantId, (manager) => manager.findOneBy(ConnectedAccount, { id: accountId, tenantId }));
      const stable = generation === this.generationOf(accountId);
      if (!stable && attempt < MAX_LOAD_ATTEMPTS) continue;
      // From here to the cache write nothing awaits, so no invalidation can slip in between.
      if (row === null) {
        const stale = this.entries.get(accountId);
        if (stale?.tenantId === tenantId) this.drop(accountId, stale, true);
        throw notFound(accountId);
      }
      const cached = this.entries.get(accountId);
      if (cached !== undefined && cached.tenantId === tenantId && cached.configVersion === row.configVersion) {
        cached.checkedAt = Date.now();
        return cached.client;
      }
      const client = this.createClient(row);
      if (!stable) {
        // Invalidated on every attempt: serve this caller, cache nothing.
        this.retire(client);
        return client;
      }
      if (cached !== undefined) this.drop(accountId, cached, false);
      if (this.entries.size >= MAX_ENTRIES) this.evictOldest();
      this.entries.set(accountId, { tenantId, configVersion: row.configVersion, client, checkedAt: Date.now() });
      return client;
    }
  }

  private createClient(row: ConnectedAccount): ConnectClient {
    let token;
    try {
      token = this.cipher.open(sealedTokenOf(row), tokenSealContext(row.tenantId, row.id));
    } catch (error) {
      const code = error instanceof AppException ? error.code : 'unknown';
      this.logger.error(`the Connect token of connected account ${row.id} (tenant ${row.tenantId}, key id ${row.tokenKeyId}) could not be opened: ${code}`);
      throw error;
    }
    return this.clients.create({ baseUrl: row.connectServerUrl, token: token.reveal(), accountId: row.id });
  }

  private onNotification(payload: string): void {
    let change: ConnectedAccountChange;
    try {
      change = JSON.parse(payload) as ConnectedAccountChange;
    } catch {
      return;
    }
    if (typeof change?.accountId !== 'string') return;
    this.invalidate(change);
  }

  private invalidate(change: ConnectedAccountChange): void {
    if (this.generations.size >= MAX_GENERATIONS) {
      this.generations.clear();
      this.epoch++;
    }
    const id = accountKey(change.accountId);
    this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    // Our own change comes back through the notifier too: a client already at that version stays.
    if (!change.deleted && typeof change.configVersion === 'number' && entry.configVersion >= change.configVersion) return;
    this.drop(id, entry, change.deleted);
  }

  private drop(accountId: string, entry: Entry, deleted: boolean): void {
    if (this.entries.get(accountId) === entry) this.entries.delete(accountId);
    if (deleted) entry.client.destroy();
    else this.retire(entry.client);
  }

  private retire(client: ConnectClient): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      client.destroy();
    }, this.retireGraceMs);
    timer.unref();
    this.retiring.add(timer);
  }

  private evictOldest(): void {
    const [accountId, entry] = this.entries.entries().next().value as [string, Entry];
    this.drop(accountId, entry, false);
  }

  /** Changes whenever `accountId` is invalidated. */
  private generationOf(accountId: string): string {
    return `${this.epoch}:${this.generations.get(accountId) ?? 0}`;
  }
}

/** The cache key of an account id: lower case, as Postgres prints a uuid. */
function accountKey(accountId: string): string {
  return accountId.toLowerCase();
}

function notFound(accountId: string): AppException {
  return new AppException(ErrorCode.CONNECTED_ACCOUNT_NOT_FOUND, `Connected account ${accountId.slice(0, 64)} not found`);
}
