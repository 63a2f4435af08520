import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { CreatedApiKeyDto } from '../api-keys/dto/api-key.dto.js';
import type { Principal } from '../common/auth/principal.js';
import { Role } from '../common/auth/role.enum.js';
import { ConnectedAccountsService } from '../connected-accounts/connected-accounts.service.js';
import type { ConnectedAccountDto } from '../connected-accounts/dto/connected-account.dto.js';
import { DatabaseServer } from '../database/database-server.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { TenantsService } from '../tenants/tenants.service.js';

/** The tenant DefaultTenantBootstrap creates on the first embedded start. */
export const DEFAULT_TENANT_NAME = 'Default tenant';
export const DEMO_KEY_NAME = 'demo admin key';
export const DEMO_ACCOUNT_NAME = 'Demo Connect';
const PAGE_SIZE = 500;

export interface DemoConnectServer {
  url: string;
  token: string;
}

export interface DemoSetupResult {
  tenantId: string;
  /** Issued by this run; its secret `key` exists nowhere else. */
  apiKey: CreatedApiKeyDto;
  /** Earlier runs' demo keys, revoked now so only the printed key works. */
  revokedKeyIds: string[];
  account: ConnectedAccountDto;
  accountAction: 'created' | 'updated';
}

/**
 * Puts the demo state in place on a running app, through the service's own services (so the Connect token
 * is verified and sealed like any other): the default tenant, a fresh admin key, and the "Demo Connect"
 * account pointing at this run's simulator. Safe to run again on the same data: the account is updated,
 * not duplicated, and the previous demo keys are revoked.
 */
export class DemoSetupService {
  constructor(
    private readonly database: DatabaseServer,
    private readonly tenantTransaction: TenantTransaction,
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
    private readonly accounts: ConnectedAccountsService,
  ) {}

  static fromApp(app: INestApplicationContext): DemoSetupService {
    return new DemoSetupService(
      app.get(DatabaseServer),
      app.get(TenantTransaction),
      app.get(TenantsService),
      app.get(ApiKeysService),
      app.get(ConnectedAccountsService),
    );
  }

  async prepare(connect: DemoConnectServer): Promise<DemoSetupResult> {
    const tenantId = (await this.findDefaultTenant()) ?? (await this.tenants.create(DEFAULT_TENANT_NAME)).tenant.id;
    const apiKey = await this.tenantTransaction.run(tenantId, (manager) => this.apiKeys.issue(manager, tenantId, DEMO_KEY_NAME, Role.Admin, null));
    const principal: Principal = { kind: 'api-key', tenantId, keyId: apiKey.id, keyName: apiKey.name, role: Role.Admin };
    const revokedKeyIds = await this.revokeEarlierDemoKeys(principal);

    const existing = await this.findAccount(principal, DEMO_ACCOUNT_NAME);
    const account = existing
      ? await this.accounts.update(principal, existing.id, { connectServerUrl: connect.url, connectToken: connect.token })
      : await this.accounts.create(principal, { name: DEMO_ACCOUNT_NAME, connectServerUrl: connect.url, connectToken: connect.token });
    return { tenantId, apiKey, revokedKeyIds, account, accountAction: existing ? 'updated' : 'created' };
  }

  /**
   * The oldest tenant named "Default tenant" (else the oldest tenant). Row-level security hides tenants from the
   * service's role until one is chosen, so this one lookup runs as the embedded database's owner, which the demo
   * is: it only ever runs on its own embedded Postgres.
   */
  private async findDefaultTenant(): Promise<string | undefined> {
    if (!this.database.embedded) throw new Error('demo mode runs on its embedded database only (DATABASE_URL must not be used)');
    const client = new pg.Client({ connectionString: this.database.url });
    // A connection the server drops (a shutdown) fails the query in progress; unheard, its 'error' would crash us.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM tenants ORDER BY (name = $1) DESC, created_at, id LIMIT 1',
        [DEFAULT_TENANT_NAME],
      );
      return rows[0]?.id;
    } finally {
      await client.end();
    }
  }

  private async revokeEarlierDemoKeys(principal: Principal): Promise<string[]> {
    const revoked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.apiKeys.list(principal, { limit: PAGE_SIZE, cursor });
      for (const key of page.data) {
        if (key.name !== DEMO_KEY_NAME || key.id === principal.keyId || key.revokedAt !== null) continue;
        await this.apiKeys.revoke(principal, key.id);
        revoked.push(key.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return revoked;
  }

  private async findAccount(principal: Principal, name: string): Promise<ConnectedAccountDto | undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.accounts.list(principal, { limit: PAGE_SIZE, cursor });
      const found = page.data.find((account) => account.name === name);
      if (found) return found;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return undefined;
  }
}
