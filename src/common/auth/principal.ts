import { Role } from './role.enum.js';

/** Who is calling: a tenant's API key. Attached to the request by the auth guard. */
export interface Principal {
  kind: 'api-key';
  tenantId: string;
  keyId: string;
  keyName: string;
  role: Role;
}

/** The platform operator, holder of PLATFORM_API_KEY; may only create tenants. */
export interface PlatformPrincipal {
  kind: 'platform';
}
