import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerOptions, type ThrottlerRequest, type ThrottlerStorage } from '@nestjs/throttler';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { ApiRequest } from '../common/http/api-request.js';
import { ACCOUNT_THROTTLER, RATE_LIMIT_OPTIONS, RATE_LIMIT_STORAGE, TENANT_THROTTLER, WINDOW_MS } from './rate-limit.tokens.js';

const MAX_ACCOUNT_ID_LENGTH = 64;

/** The connected account a request is about: the `accountId` route param, or `connectedAccountId` of an action run. */
export function accountIdOf(request: ApiRequest): string | undefined {
  const fromParams = (request.params as Record<string, unknown> | undefined)?.accountId;
  const candidate = typeof fromParams === 'string' ? fromParams : (request.body as Record<string, unknown> | null | undefined)?.connectedAccountId;
  // Lower case: the service takes an account's UUID in any case, and each spelling must share one budget.
  return typeof candidate === 'string' && candidate.length > 0 && candidate.length <= MAX_ACCOUNT_ID_LENGTH ? candidate.toLowerCase() : undefined;
}

/** The throttlers for the configured limits; a limit of 0 has none. */
export function rateLimitOptions(limits: { tenantPerMinute: number; accountPerMinute: number }): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [];
  if (limits.tenantPerMinute > 0) {
    throttlers.push({ name: TENANT_THROTTLER, ttl: WINDOW_MS, limit: limits.tenantPerMinute, getTracker: (req) => (req as ApiRequest).principal!.tenantId });
  }
  if (limits.accountPerMinute > 0) {
    throttlers.push({
      name: ACCOUNT_THROTTLER,
      ttl: WINDOW_MS,
      limit: limits.accountPerMinute,
      skipIf: (context) => accountIdOf(context.switchToHttp().getRequest<ApiRequest>()) === undefined,
      // Scoped by tenant: another tenant naming this account cannot spend its budget.
      getTracker: (req) => `${(req as ApiRequest).principal!.tenantId}/${accountIdOf(req as ApiRequest)!}`,
    });
  }
  return {
    throttlers,
    // Retry-After comes with the 429 (below); no X-RateLimit-* headers on every answer.
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
  };
}

/**
 * Per-tenant and per-connected-account limits (@nestjs/throttler), a global guard registered after
 * ApiKeyAuthGuard so the principal is known: only requests authenticated with a tenant's API key are counted
 * (public routes and the platform key are not). Over a limit: 429 RATE_LIMITED with Retry-After (seconds),
 * audited as `denied` like every 429. If the counter store fails (Redis down), the request is let through.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimits');
  private lastFailureLog = 0;

  constructor(@Inject(RATE_LIMIT_OPTIONS) options: ThrottlerModuleOptions, @Inject(RATE_LIMIT_STORAGE) storage: ThrottlerStorage, reflector: Reflector) {
    super(options, storage, reflector);
  }

  /**
   * ThrottlerGuard's loop without its per-route overrides: it asks the Reflector for five @Throttle/@SkipThrottle
   * settings per throttler on every request, and no route here has one (the guard took 1.9% of get item's CPU with
   * those ten lookups, 0.6% without). Every route gets the configured limits (rateLimitOptions).
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || context.switchToHttp().getRequest<ApiRequest>().principal === undefined) return true;
    for (const throttler of this.throttlers) {
      if ((throttler.skipIf ?? this.commonOptions.skipIf)?.(context)) continue;
      // Numbers, not resolvers: rateLimitOptions builds them.
      const ttl = throttler.ttl as number;
      await this.handleRequest({
        context,
        throttler,
        limit: throttler.limit as number,
        ttl,
        blockDuration: (throttler.blockDuration as number | undefined) ?? ttl,
        getTracker: (throttler.getTracker ?? this.commonOptions.getTracker)!,
        generateKey: (throttler.generateKey ?? this.commonOptions.generateKey)!,
      });
    }
    return true;
  }

  protected override async handleRequest(requestProps: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(requestProps);
    } catch (error) {
      if (error instanceof AppException) throw error;
      const now = Date.now();
      if (now - this.lastFailureLog > 10_000) {
        this.lastFailureLog = now;
        this.log.warn(`Rate-limit counters unavailable, request let through: ${(error as Error).message}`);
      }
      return true;
    }
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const scope = detail.key.startsWith(`${ACCOUNT_THROTTLER}:`) ? 'connected account' : 'tenant';
    throw new AppException(
      ErrorCode.RATE_LIMITED,
      `Too many requests for this ${scope} (limit ${detail.limit} per minute); retry after ${detail.timeToBlockExpire} s`,
      { limit: scope === 'tenant' ? TENANT_THROTTLER : ACCOUNT_THROTTLER, retryAfterSeconds: detail.timeToBlockExpire },
      { 'Retry-After': String(detail.timeToBlockExpire) },
    );
  }
}
