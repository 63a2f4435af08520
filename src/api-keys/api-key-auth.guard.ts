import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PLATFORM_KEY, PUBLIC_KEY, ROLES_KEY } from '../common/auth/auth.decorators.js';
import { Role } from '../common/auth/role.enum.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ApiRequest } from '../common/http/api-request.js';
import { BearerCredentials, SEND_A_KEY, unauthenticated } from './bearer-credentials.js';

interface RoutePolicy {
  public: boolean;
  platform: boolean;
  roles: readonly Role[];
}

/**
 * Global guard: checks the route's policy against the bearer token's credentials (BearerCredentials: resolved here,
 * or already before the body by ApiKeyAuthHooks). Routes that declare nothing are refused.
 */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  /** By controller class, then handler: an inherited handler may serve classes with different decorators. */
  private readonly policies = new WeakMap<object, WeakMap<object, RoutePolicy>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: BearerCredentials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policyOf(context);
    if (policy.public) return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const credentials = await this.credentials.of(request);
    if (credentials.kind === 'none' && credentials.missing) throw unauthenticated(SEND_A_KEY);

    if (policy.platform) {
      if (credentials.kind !== 'platform') throw unauthenticated('Not the platform key');
      request.platformPrincipal = { kind: 'platform' };
      return true;
    }

    if (credentials.kind !== 'api-key') throw unauthenticated('Unknown or revoked API key');
    const { principal } = credentials;
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
