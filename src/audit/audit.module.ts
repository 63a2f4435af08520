import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditActionCatalog } from './audit-action.catalog.js';
import { AuditCoreModule } from './audit-core.module.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditHttpHooks } from './audit-http.hooks.js';
import { AuditMaintenance } from './audit-maintenance.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditVerifier } from './audit-verifier.js';

/**
 * The audit log: every request under /v1 leaves a request record and an outcome record (Vault-style pair,
 * same request id, never updated), hash-chained per tenant, append-only in Postgres, readable by reviewers.
 *
 * HOW TO AUDIT A ROUTE (every /v1 route must; test/audit/audit-routes.e2e-spec.ts walks the router):
 *
 *   import { AuditAction } from '../audit/audit-action.decorator.js';
 *   import { AuditSummaries } from '../audit/audit-summaries.js';
 *
 *   @Get(':vaultId/items/:itemId')
 *   @AuditAction('items.get', { readOnly: true, reachesConnect: true })
 *   get(...) {}
 *
 *   @Post(':vaultId/items')
 *   @AuditAction('items.create', { reachesConnect: true, summary: AuditSummaries.itemWrite })
 *   create(...) {}
 *
 * - The action key is `area.verb` (`items.get`, `connected-accounts.verify`, ...).
 * - `readOnly` defaults to true for GET/HEAD, false otherwise.
 * - `reachesConnect: true`: the request record is committed BEFORE any Connect call; if it cannot be, the
 *   request fails with 503 AUDIT_UNAVAILABLE and Connect never hears of it. A read's handler starts while the
 *   record commits, so it must take its client from `registry.forPrincipal(principal, accountId)`, whose calls
 *   wait for the commit (as does the answer). Writes (`readOnly: false`) run the handler only once the record
 *   is committed, and fail closed the same way; `failClosed: true` forces that on a read (exports).
 * - Resource ids come from the route params `accountId`, `vaultId`, `itemId`, `fileId` and `id`; use
 *   `resources: (req) => ({ connectedAccountId: ... })` for ids that arrive in the body (actions/run).
 * - `summary` stores a secret-free summary with the request record: use AuditSummaries (itemWrite, itemPatch,
 *   connectedAccount, body([...names]), query([...names]), combine(...)). Never a token, field value or file byte.
 * - In a handler, `annotateAudit(request, { details, resources })` (audit-recorder.ts) adds to the outcome
 *   record, e.g. the id of a created item.
 * - Work outside HTTP (key rewraps, jobs): inject AuditLog and call `recordSystemEvent({ ... })`, or `begin({ ... })`
 *   before the work and the function it returns after. A process without HTTP imports AuditCoreModule alone.
 *
 * Routes outside /v1 are unaudited only if listed in UNAUDITED_ROUTES (audit.constants.ts): health, docs,
 * docs-json, metrics.
 */
@Global()
@Module({
  imports: [DiscoveryModule, AuditCoreModule],
  controllers: [AuditEventsController],
  providers: [
    AuditActionCatalog,
    AuditRecorder,
    AuditHttpHooks,
    AuditEventsService,
    AuditVerifier,
    AuditMaintenance,
  ],
  exports: [AuditCoreModule, AuditActionCatalog, AuditRecorder],
})
export class AuditModule {}
