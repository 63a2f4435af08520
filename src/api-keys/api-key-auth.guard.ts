import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PLATFORM_KEY, PUBLIC_KEY, ROLES_KEY } from '../common/auth/auth.decorators.js';
import { Role } from '../common/auth/role.enum.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ApiRequest } from '../common/http/api-request.js';
import { AppConfig } from '../config/app-config.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';

const BEARER = /^Bearer ([^\s]+)$/i;

/** Global guard: authenticates the bearer key, then checks the route's roles. Routes that declare nothing are refused. */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  private readonly platformKeyHash?: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    config: AppConfig,
  ) {
    this.platformKeyHash = config.platformApiKey ? sha256(config.platformApiKey) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');

    if (this.reflector.getAllAndOverride<boolean>(PLATFORM_KEY, targets)) {
      if (!this.platformKeyHash || !timingSafeEqual(sha256(token), this.platformKeyHash)) throw unauthenticated('Not the platform key');
      request.platformPrincipal = { kind: 'platform' };
      return true;
    }

    const principal = await this.authenticator.authenticate(token);
    if (!principal) throw unauthenticated('Unknown or revoked API key');
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!roles.includes(principal.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, `This route needs one of the roles: ${roles.join(', ') || 'none'}; the key has role ${principal.role}`);
    }
    return true;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function unauthenticated(message: string): AppException {
  return new AppException(ErrorCode.UNAUTHENTICATED, message, undefined, { 'WWW-Authenticate': 'Bearer' });
}
