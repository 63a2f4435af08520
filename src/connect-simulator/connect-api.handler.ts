import type { ActivityLog } from './activity-log.js';
import { CONNECT_ID_PATTERN, CONNECT_MESSAGES } from './connect-api.constants.js';
import { ConnectError } from './connect-error.js';
import type { ApiResourceJson } from './connect-api.types.js';
import { parseItemDraft } from './item-input.util.js';
import { applyItemPatch } from './item-patch.util.js';
import { matchesFilter, parseScimFilter } from './scim-filter.util.js';
import { SimResponses, type SimResponse } from './sim-response.js';
import type { SimulatorStore } from './simulator-store.js';
import type { StoredFile, StoredItem, StoredVault } from './simulator-store.types.js';
import type { TokenGrant } from './token-grant.js';
import type { TokenRegistry } from './token-registry.js';
import type { WireSerializer } from './wire-serializer.js';

export interface ApiRequest {
  method: string;
  /** Decoded path segments after `/v1`, without a trailing empty one. */
  segments: string[];
  query: URLSearchParams;
  body?: Buffer;
  authorization?: string;
  userAgent: string;
  requestIp: string;
}

interface RouteContext {
  request: ApiRequest;
  grant: TokenGrant;
  resource: ApiResourceJson;
}

type Route = (ctx: RouteContext) => SimResponse;

export interface ConnectApiDeps {
  store: SimulatorStore;
  tokens: TokenRegistry;
  serializer: WireSerializer;
  activity: ActivityLog;
  inlineFileLimitBytes: number;
}

function parseJsonBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw ConnectError.badRequest('Invalid request body: malformed JSON');
  }
}

function queryInteger(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw ConnectError.badRequest(`Invalid ${name}: must be a non-negative integer`);
  return Number(raw);
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The `/v1` API (connect-api.md §2-7): authentication, token scopes, routing and the activity record. */
export class ConnectApiHandler {
  /** Keyed by the path with its id segments replaced by `:`. */
  private readonly routes: Record<string, Partial<Record<string, Route>>> = {
    activity: { GET: (ctx) => this.listActivity(ctx) },
    vaults: { GET: (ctx) => this.listVaults(ctx) },
    'vaults/:': { GET: (ctx) => this.getVault(ctx) },
    'vaults/:/items': { GET: (ctx) => this.listItems(ctx), POST: (ctx) => this.createItem(ctx) },
    'vaults/:/items/:': {
      GET: (ctx) => this.getItem(ctx),
      PUT: (ctx) => this.replaceItem(ctx),
      PATCH: (ctx) => this.patchItem(ctx),
      DELETE: (ctx) => this.deleteItem(ctx),
    },
    'vaults/:/items/:/files': { GET: (ctx) => this.listFiles(ctx) },
    'vaults/:/items/:/files/:': { GET: (ctx) => this.getFile(ctx) },
    'vaults/:/items/:/files/:/content': { GET: (ctx) => this.getFileContent(ctx) },
  };

  constructor(private readonly deps: ConnectApiDeps) {}

  handle(request: ApiRequest): SimResponse {
    let grant: TokenGrant;
    try {
      grant = this.deps.tokens.authenticate(request.authorization);
    } catch (error) {
      return this.errorResponse(error);
    }
    const routeKey = request.segments.map((segment, i) => (i % 2 === 1 ? ':' : segment)).join('/');
    const methods = this.routes[routeKey];
    if (!methods) return SimResponses.error(404, 'Not Found');
    const route = methods[request.method];
    if (!route) return SimResponses.error(405, 'Method Not Allowed', { Allow: Object.keys(methods).join(', ') });
    const ctx: RouteContext = { request, grant, resource: { type: 'VAULT' } };
    let response: SimResponse;
    try {
      response = route(ctx);
    } catch (error) {
      response = this.errorResponse(error);
    }
    if (routeKey !== 'activity') {
      this.deps.activity.record({
        method: request.method,
        status: response.status,
        grant,
        resource: ctx.resource,
        userAgent: request.userAgent,
        requestIp: request.requestIp,
      });
    }
    return response;
  }

  private errorResponse(error: unknown): SimResponse {
    if (error instanceof ConnectError) return SimResponses.error(error.status, error.message);
    throw error;
  }

  private listActivity({ request }: RouteContext): SimResponse {
    const limit = queryInteger(request.query, 'limit', 50);
    const offset = queryInteger(request.query, 'offset', 0);
    const page = this.deps.activity.newestFirst(offset, limit);
    const range = `${offset + 1}-${offset + page.length}/${this.deps.activity.total}`;
    return SimResponses.json(200, page, { 'Content-Range': range });
  }

  private listVaults({ request, grant }: RouteContext): SimResponse {
    const expression = request.query.get('filter');
    // Both SDKs filter vaults with `title eq`, so `title` is accepted as an alias of `name`.
    const filter = expression ? parseScimFilter(expression, ['name eq', 'title eq']) : undefined;
    const vaults = this.deps.store.vaults().filter((vault) => {
      const access = grant.accessTo(vault.id);
      return (access?.read || access?.write) && (!filter || matchesFilter(filter, [vault.name]));
    });
    return SimResponses.json(200, vaults.map((vault) => this.deps.serializer.vault(vault)));
  }

  private getVault(ctx: RouteContext): SimResponse {
    return SimResponses.json(200, this.deps.serializer.vault(this.vault(ctx, 'any')));
  }

  private listItems(ctx: RouteContext): SimResponse {
    const vault = this.vault(ctx, 'read');
    const expression = ctx.request.query.get('filter');
    if (!expression) return SimResponses.jsonBuffer(200, this.deps.store.itemListJson(vault));
    const filter = parseScimFilter(expression, ['title eq', 'title co', 'tag eq']);
    const parts: string[] = [];
    for (const item of vault.items.values()) {
      if (matchesFilter(filter, filter.attribute === 'tag' ? item.tags : [item.title])) parts.push(this.deps.store.summaryJson(item));
    }
    return SimResponses.jsonBuffer(200, Buffer.from(`[${parts.join(',')}]`));
  }

  private createItem(ctx: RouteContext): SimResponse {
    const vault = this.vault(ctx, 'write');
    const draft = parseItemDraft(parseJsonBody(ctx.request.body), { mode: 'create', vaultId: vault.id });
    const item = this.deps.store.insertItem(vault, draft, { editor: ctx.grant.userId });
    return this.itemResponse(ctx, item);
  }

  private getItem(ctx: RouteContext): SimResponse {
    return this.itemResponse(ctx, this.item(ctx, this.vault(ctx, 'read')));
  }

  private replaceItem(ctx: RouteContext): SimResponse {
    const item = this.item(ctx, this.vault(ctx, 'write'));
    const draft = parseItemDraft(parseJsonBody(ctx.request.body), {
      mode: 'replace',
      vaultId: item.vaultId,
      itemId: item.id,
      currentCategory: item.category,
      currentFields: item.fields,
    });
    return this.itemResponse(ctx, this.deps.store.replaceItem(item, draft, ctx.grant.userId));
  }

  /** PATCH answers the item, so it needs read as well as write (CL 1.7.1). */
  private patchItem(ctx: RouteContext): SimResponse {
    const item = this.item(ctx, this.vault(ctx, 'read-write'));
    const operations = parseJsonBody(ctx.request.body);
    if (Array.isArray(operations) && operations.length === 0) return this.itemResponse(ctx, item);
    // Every array present, so `add /tags/-` works on an item without tags.
    const document = { ...this.deps.serializer.fullItem(item), urls: item.urls, tags: item.tags, sections: item.sections, fields: item.fields };
    const draft = parseItemDraft(applyItemPatch(document, operations), {
      mode: 'replace',
      vaultId: item.vaultId,
      itemId: item.id,
      currentCategory: item.category,
      currentFields: item.fields,
    });
    return this.itemResponse(ctx, this.deps.store.replaceItem(item, draft, ctx.grant.userId));
  }

  private deleteItem(ctx: RouteContext): SimResponse {
    const item = this.item(ctx, this.vault(ctx, 'write'));
    this.deps.store.deleteItem(item.vaultId, item.id);
    return { status: 204 };
  }

  private listFiles(ctx: RouteContext): SimResponse {
    const item = this.item(ctx, this.vault(ctx, 'read'));
    const inline = this.inlineRequested(ctx, item.files);
    return SimResponses.json(200, item.files.map((file) => this.deps.serializer.file(item, file, inline)));
  }

  private getFile(ctx: RouteContext): SimResponse {
    const item = this.item(ctx, this.vault(ctx, 'read'));
    const file = this.file(ctx, item);
    return SimResponses.json(200, this.deps.serializer.file(item, file, this.inlineRequested(ctx, [file])));
  }

  private getFileContent(ctx: RouteContext): SimResponse {
    const file = this.file(ctx, this.item(ctx, this.vault(ctx, 'read')));
    return {
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': contentDisposition(file.name) },
      file: file.content,
    };
  }

  private itemResponse(ctx: RouteContext, item: StoredItem): SimResponse {
    ctx.resource = { type: 'ITEM', vault: { id: item.vaultId }, item: { id: item.id }, itemVersion: item.version };
    return SimResponses.json(200, this.deps.serializer.fullItem(item));
  }

  private inlineRequested(ctx: RouteContext, files: StoredFile[]): boolean {
    if (ctx.request.query.get('inline_files') !== 'true') return false;
    if (files.some((file) => file.content.size > this.deps.inlineFileLimitBytes)) {
      throw new ConnectError(413, CONNECT_MESSAGES.fileTooLargeToInline);
    }
    return true;
  }

  /** Checks order: id shape (400), existence (404), then scope and permission (403) [inferred order]. */
  private vault(ctx: RouteContext, need: 'any' | 'read' | 'write' | 'read-write'): StoredVault {
    const vaultId = ctx.request.segments[1];
    if (!CONNECT_ID_PATTERN.test(vaultId)) throw ConnectError.badRequest(CONNECT_MESSAGES.invalidVaultId);
    ctx.resource = { type: 'VAULT', vault: { id: vaultId } };
    const vault = this.deps.store.vault(vaultId);
    if (!vault) throw new ConnectError(404, CONNECT_MESSAGES.vaultNotFound(vaultId));
    const access = ctx.grant.accessTo(vaultId);
    if (!access || (!access.read && !access.write)) throw new ConnectError(403, CONNECT_MESSAGES.vaultNotInScope(vaultId));
    if ((need === 'write' || need === 'read-write') && !access.write) throw new ConnectError(403, CONNECT_MESSAGES.noWriteAccess);
    if ((need === 'read' || need === 'read-write') && !access.read) throw new ConnectError(403, CONNECT_MESSAGES.noReadAccess);
    return vault;
  }

  private item(ctx: RouteContext, vault: StoredVault): StoredItem {
    const itemId = ctx.request.segments[3];
    if (!CONNECT_ID_PATTERN.test(itemId)) throw ConnectError.badRequest(CONNECT_MESSAGES.invalidItemId);
    ctx.resource = { type: 'ITEM', vault: { id: vault.id }, item: { id: itemId } };
    const item = vault.items.get(itemId);
    if (!item) throw new ConnectError(404, CONNECT_MESSAGES.itemNotFound(itemId));
    ctx.resource.itemVersion = item.version;
    return item;
  }

  private file(ctx: RouteContext, item: StoredItem): StoredFile {
    const fileId = ctx.request.segments[5];
    if (!CONNECT_ID_PATTERN.test(fileId)) throw ConnectError.badRequest(CONNECT_MESSAGES.invalidFileId);
    const file = item.files.find((candidate) => candidate.id === fileId);
    if (!file) throw new ConnectError(404, CONNECT_MESSAGES.fileNotFound(fileId));
    return file;
  }
}
