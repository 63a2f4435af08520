import { ApiKey } from '../api-keys/api-key.entity.js';
import { ConnectedAccount } from '../connected-accounts/connected-account.entity.js';
import { IdempotencyKey } from '../items/idempotency/idempotency-key.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';

/** Every entity; each feature adds its own here. */
export const ENTITIES = [Tenant, ApiKey, ConnectedAccount, IdempotencyKey];
