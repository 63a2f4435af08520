import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { ApiRequest } from '../common/http/api-request.js';
import { AppConfig } from '../config/app-config.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';

/** Who the request's bearer token says it is; `missing`: it sent none. */
export type Credentials = { kind: 'api-key'; principal: Principal } | { kind: 'platform' } | { kind: 'none'; missing: boolean };

const BEARER = /^Bearer ([^\s]+)$/i;
/** Request decoration (ApiKeyAuthHooks declares it) holding the resolved credentials. */
export const CREDENTIALS = 'wrkCredentials';

export const SEND_A_KEY = 'Send an API key as "Authorization: Bearer <key>"';

export function unauthenticated(message: string): AppException {
  return new AppException(ErrorCode.UNAUTHENTICATED, message, undefined, { 'WWW-Authenticate': 'Bearer' });
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Resolves a request's bearer token once (a tenant's API key, the platform key, or nothing valid) and keeps the
 * answer on the request: ApiKeyAuthHooks resolves it before a body is read, ApiKeyAuthGuard decides with it.
 */
@Injectable()
export class BearerCredentials {
  private readonly platformKeyHash?: Buffer;

  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    config: AppConfig,
  ) {
    this.platformKeyHash = config.platformApiKey ? sha256(config.platformApiKey) : undefined;
  }

  async of(request: ApiRequest): Promise<Credentials> {
    const held = request as ApiRequest & { [CREDENTIALS]?: Credentials | null };
    return (held[CREDENTIALS] ??= await this.resolve(request.headers.authorization));
  }

  private async resolve(authorization: string | undefined): Promise<Credentials> {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) return { kind: 'none', missing: true };
    const principal = await this.authenticator.authenticate(token);
    if (principal) return { kind: 'api-key', principal };
    if (this.platformKeyHash && timingSafeEqual(sha256(token), this.platformKeyHash)) return { kind: 'platform' };
    return { kind: 'none', missing: false };
  }
}
