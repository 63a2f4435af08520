import type { AuditActionOptions, AuditRequestView } from '../audit/audit-action.decorator.js';
import type { AuditResources } from '../audit/audit-record.js';
import type { CatalogEntry } from './action-catalog.js';
import { allPagesByDefault } from './all-pages.util.js';

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The run body's parts, unvalidated (the audit runs before validation). */
function partsOf(view: AuditRequestView): { accountId?: string; input: Plain } {
  const body = isPlain(view.body) ? view.body : {};
  return { accountId: text(body.connectedAccountId), input: isPlain(body.input) ? body.input : {} };
}

/** The connected account and the vault, item and file ids (or titles, with by=title) a run names, as REST route params would. */
export function runResources(view: AuditRequestView): AuditResources {
  const { accountId, input } = partsOf(view);
  return { connectedAccountId: accountId, vaultId: text(input.vaultId), itemId: text(input.itemId), fileId: text(input.fileId) };
}

/**
 * The run seen as its REST request: ids as path params, the input as the query, and the item (create,
 * replace) or patch as the body. The REST route's own summariser then records the same secret-free summary
 * (never a field value); a list action run in all-pages mode shows `all: true`.
 */
function asRestRequest(entry: CatalogEntry, view: AuditRequestView): AuditRequestView {
  const { accountId, input } = partsOf(view);
  const resources = runResources(view);
  return {
    params: { accountId, vaultId: resources.vaultId ?? undefined, itemId: resources.itemId ?? undefined, fileId: resources.fileId ?? undefined },
    query: entry.definition.paginated ? allPagesByDefault(input) : input,
    body: input.item ?? input.patch,
  };
}

/** `@AuditAction` options of an action's run route: the REST route's settings, with ids and summary read from the run body. */
export function runAuditOptions(entry: CatalogEntry): AuditActionOptions {
  const { audit, readOnly } = entry.rest;
  const summarize = audit.summary;
  return {
    readOnly,
    reachesConnect: audit.reachesConnect,
    failClosed: audit.failClosed,
    resources: runResources,
    ...(summarize ? { summary: (view: AuditRequestView) => summarize(asRestRequest(entry, view)) } : {}),
  };
}
