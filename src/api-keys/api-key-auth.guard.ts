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

interface RoutePolicy {
  public: boolean;
  platform: boolean;
  roles: readonly Role[];
}

/** Global guard: authenticates the bearer key, then checks the route's roles. Routes that declare nothing are refused. */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  private readonly platformKeyHash?: Buffer;
  /** By controller class, then handler: an inherited handler may serve classes with different decorators. */
  private readonly policies = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    config: AppConfig,
  ) {
    this.platformKeyHash = config.platformApiKey ? sha256(config.platformApiKey) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.public) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');

    if (policy.platform) {
      if (!this.platformKeyHash || !timingSafeEqual(sha256(token), this.platformKeyHash)) throw unauthenticated('Not the platform key');
      request.platformPrincipal = { kind: 'platform' };
      return true;
    }

    const principal = await this.authenticator.authenticate(token);
    if (!principal) throw unauthenticated('Unknown or revoked API key');
    request.principal = principal;
    if (!policy.roles.includes(principal.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, `This route needs one of the roles: ${policy.roles.join(', ') || 'none'}; the key has role ${principal.role}`);
    }
    return true;
  }

  /** A route's decorators are fixed once the app is built: read once per handler, not on every request. */
  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.policies.get(controller);
    if (!byHandler) this.policies.set(controller, (byHandler = new WeakMap()));
    let policy = byHandler.get(handler);
    if (!policy) {
      const targets = [handler, controller];
      policy = {
        public: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        platform: this.reflector.getAllAndOverride<boolean>(PLATFORM_KEY, targets) === true,
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [],
      };
      byHandler.set(handler, policy);
    }
    return policy;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function unauthenticated(message: string): AppException {
  return new AppException(ErrorCode.UNAUTHENTICATED, message, undefined, { 'WWW-Authenticate': 'Bearer' });
}
