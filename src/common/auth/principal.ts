import { Role } from './role.enum.js';

/** Who is calling: a tenant's API key. Attached to the request by the auth guard. */
export interface Principal {
  kind: 'api-key';
  tenantId: string;
  keyId: string;
  keyName: string;
  role: Role;
  /**
   * Per request, on reads the audit guard lets start while their request record commits: every Connect
   * call made for the request waits for this (ConnectClientRegistry.forPrincipal) and fails with its error.
   */
  auditCommitted?: Promise<void>;
}

/** The platform operator, holder of PLATFORM_API_KEY; may only create tenants. */
export interface PlatformPrincipal {
  kind: 'platform';
}
