import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { DatabaseNotifier } from '../database/database-notifier.js';
import { hashApiKey, prefixOf, sameHash } from './api-key-secret.js';

interface CachedKey {
  principal: Principal;
  hash: Buffer;
  revoked: boolean;
  expiresAt: number;
}

// Bounded staleness for a revocation whose notification was missed (e.g. a dropped LISTEN connection).
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;
const TOUCH_INTERVAL_MS = 60_000;
export const API_KEY_CHANGED_TOPIC = 'api-key-changed';

/**
 * Resolves a bearer API key to its principal. Keys are cached by prefix so the hot path costs one
 * hash and no query; a revoke anywhere evicts the key on every instance through LISTEN/NOTIFY.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit {
  private readonly cache = new Map<string, CachedKey>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: DatabaseNotifier,
  ) {}

  onModuleInit(): void {
    this.notifier.subscribe(API_KEY_CHANGED_TOPIC, (prefix) => this.cache.delete(prefix));
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    const prefix = prefixOf(key);
    if (!prefix) return undefined;
    const entry = await this.lookup(prefix);
    if (!entry || entry.revoked || !sameHash(entry.hash, hashApiKey(key))) return undefined;
    this.touch(entry.principal.keyId);
    return entry.principal;
  }

  /** Evicts locally at once; other instances follow on the notification. */
  async invalidate(prefix: string): Promise<void> {
    this.cache.delete(prefix);
    await this.notifier.publish(API_KEY_CHANGED_TOPIC, prefix);
  }

  private async lookup(prefix: string): Promise<CachedKey | undefined> {
    const cached = this.cache.get(prefix);
    if (cached && cached.expiresAt > Date.now()) return cached;
    const rows: { id: string; tenant_id: string; name: string; role: Role; key_hash: Buffer; revoked_at: Date | null }[] =
      await this.dataSource.query('SELECT * FROM find_api_key_by_prefix($1)', [prefix]);
    if (rows.length === 0) return undefined;
    const row = rows[0];
    const entry: CachedKey = {
      principal: { kind: 'api-key', tenantId: row.tenant_id, keyId: row.id, keyName: row.name, role: row.role },
      hash: row.key_hash,
      revoked: row.revoked_at !== null,
      expiresAt: Date.now() + CACHE_TTL_MS,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(prefix, entry);
    return entry;
  }

  /** last_used_at is informative: written at most once a minute per key, off the request path. */
  private touch(keyId: string): void {
    const now = Date.now();
    if ((this.touchedAt.get(keyId) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    this.touchedAt.set(keyId, now);
    this.dataSource.query('SELECT touch_api_key($1)', [keyId]).catch(() => this.touchedAt.delete(keyId));
  }
}
