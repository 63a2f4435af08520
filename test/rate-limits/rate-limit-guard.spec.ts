import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import type { Principal } from '../../src/common/auth/principal.js';
import { Role } from '../../src/common/auth/role.enum.js';
import { MemoryRateLimitStorage } from '../../src/rate-limits/memory-rate-limit.storage.js';
import { RateLimitGuard, rateLimitOptions } from '../../src/rate-limits/rate-limit.guard.js';

class ItemsController {
  get(): void {}
}

const principal: Principal = { kind: 'api-key', tenantId: 't1', keyId: 'k1', keyName: 'operator', role: Role.Operator };
const contextFor = (request: object) => new ExecutionContextHost([request, { header: () => undefined }], ItemsController, ItemsController.prototype.get);
const outcome = (promise: Promise<boolean>) =>
  promise.then(
    () => 'allowed',
    (error: unknown) => (error instanceof AppException ? error.code : `threw ${String(error)}`),
  );

describe('RateLimitGuard', () => {
  const storage = new MemoryRateLimitStorage();
  afterAll(() => storage.close());

  it('counts the tenant and the account with the configured limits, without asking the Reflector on each request', async () => {
    const reflector = new Reflector();
    const lookups = jest.spyOn(reflector, 'getAllAndOverride');
    const guard = new RateLimitGuard(rateLimitOptions({ tenantPerMinute: 4, accountPerMinute: 2 }), storage, reflector);
    await guard.onModuleInit();

    const onAccount = (accountId: string) => contextFor({ principal, params: { accountId }, headers: {} });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await outcome(guard.canActivate(onAccount('a1'))));
    expect(results).toEqual(['allowed', 'allowed', 'RATE_LIMITED']);
    // Another account of the same tenant has its own budget; the tenant's (4) is spent after it.
    expect(await outcome(guard.canActivate(onAccount('a2')))).toBe('allowed');
    expect(await outcome(guard.canActivate(contextFor({ principal, params: {}, headers: {} })))).toBe('RATE_LIMITED');
    // Requests without a tenant principal (public routes, the platform key) are not counted.
    expect(await outcome(guard.canActivate(contextFor({ params: {}, headers: {} })))).toBe('allowed');
    expect(lookups).not.toHaveBeenCalled();
  });
});
