import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ApiKeyAuthGuard } from '../../src/api-keys/api-key-auth.guard.js';
import type { ApiKeyAuthenticator } from '../../src/api-keys/api-key-authenticator.js';
import { BearerCredentials } from '../../src/api-keys/bearer-credentials.js';
import { Public, Roles } from '../../src/common/auth/auth.decorators.js';
import type { Principal } from '../../src/common/auth/principal.js';
import { Role } from '../../src/common/auth/role.enum.js';
import { AppException } from '../../src/common/errors/app-exception.js';
import type { AppConfig } from '../../src/config/app-config.js';

// One handler, inherited by controllers whose class-level decorators differ.
class BaseController {
  read(): string {
    return 'ok';
  }
}

@Roles(Role.Admin)
class AdminController extends BaseController {}

@Roles(Role.Admin, Role.Operator)
class OperatorController extends BaseController {}

@Public()
class OpenController extends BaseController {}

const operator: Principal = { kind: 'api-key', tenantId: 't1', keyId: 'k1', keyName: 'operator', role: Role.Operator };
const authenticator = { authenticate: () => Promise.resolve(operator) } as unknown as ApiKeyAuthenticator;
const config = { platformApiKey: undefined } as unknown as AppConfig;

function contextFor(controller: new () => BaseController, authorization?: string) {
  const request = { headers: authorization ? { authorization } : {} };
  return new ExecutionContextHost([request, {}], controller, BaseController.prototype.read);
}

const outcome = (promise: Promise<boolean>) =>
  promise.then(
    (allowed) => (allowed ? 'allowed' : 'refused'),
    (error: unknown) => (error instanceof AppException ? error.code : `threw ${String(error)}`),
  );

describe('ApiKeyAuthGuard', () => {
  it("reads a route's decorators per controller and handler, so an inherited handler keeps each controller's rules", async () => {
    const guard = new ApiKeyAuthGuard(new Reflector(), new BearerCredentials(authenticator, config));
    for (let round = 0; round < 2; round++) {
      await expect(outcome(guard.canActivate(contextFor(OperatorController, 'Bearer key')))).resolves.toBe('allowed');
      await expect(outcome(guard.canActivate(contextFor(AdminController, 'Bearer key')))).resolves.toBe('FORBIDDEN');
      await expect(outcome(guard.canActivate(contextFor(OpenController)))).resolves.toBe('allowed');
      await expect(outcome(guard.canActivate(contextFor(AdminController)))).resolves.toBe('UNAUTHENTICATED');
    }
  });

  it('asks the Reflector once per route, not on every request', async () => {
    const reflector = new Reflector();
    const lookups = jest.spyOn(reflector, 'getAllAndOverride');
    const guard = new ApiKeyAuthGuard(reflector, new BearerCredentials(authenticator, config));
    await guard.canActivate(contextFor(OperatorController, 'Bearer key'));
    const perRoute = lookups.mock.calls.length;
    for (let i = 0; i < 5; i++) await guard.canActivate(contextFor(OperatorController, 'Bearer key'));
    expect(lookups).toHaveBeenCalledTimes(perRoute);
  });
});
