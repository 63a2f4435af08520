import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditRequestGuard } from './audit-request.guard.js';

/**
 * Global guards run in the order their modules are imported: AppModule imports this one after every other module
 * with a global guard, so that the request record is written for authenticated callers within their limits.
 */
@Module({ providers: [{ provide: APP_GUARD, useClass: AuditRequestGuard }] })
export class AuditGuardModule {}
