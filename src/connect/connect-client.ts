import type { Readable } from 'node:stream';
import type { ActivityPage, ConnectHealthReport, FileContent, FullItem, ItemFile, ItemInput, ItemSummary, PatchOperation, Vault } from './connect-api.types.js';
import { ConnectErrorMapper } from './connect-error.mapper.js';
import {
  ACTIVITY, type ConnectShape, FULL_ITEM, HEALTH, ITEM_FILE, ITEM_FILES, ITEM_SUMMARIES, VAULT, VAULTS,
} from './connect-response.shapes.js';
import type { CircuitState } from './circuit-breaker.js';
import { type ConnectCall, ConnectTransport, headerString, VERSION_HEADER } from './connect-transport.js';

export interface ItemFilter {
  title?: string;
  titleContains?: string;
  tag?: string;
}

export interface FileOptions {
  /** Ask for base64 `content` inline (Connect answers 413 above its size limit). */
  inline?: boolean;
}

export interface ItemDeletion {
  /**
   * The answer to the attempt that deleted the item was lost (a reset or a 5xx) and the retry found it gone:
   * Connect's 404 to that retry is this delete's success.
   */
  confirmedByRetry: boolean;
}

const segment = encodeURIComponent;

/**
 * A SCIM string literal. Quotes inside are left as they are: Connect reads the value up to the last quote
 * and both official SDKs send titles unescaped, so a backslash escape would become part of the title.
 * The whole expression is URL-encoded by `query`, which is what keeps `&`, `#`, `+` and quotes intact.
 */
function scimString(value: string): string {
  return `"${value}"`;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out += `${out === '' ? '?' : '&'}${name}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

/**
 * A typed client for one connected account's Connect server. Created by ConnectClientFactory, never by
 * `new` elsewhere; the wire (token, pool, retries, breaker, error mapping) is its ConnectTransport.
 * `after(gate)` gives a view for one request whose calls are sent only once the gate resolves.
 */
export class ConnectClient {
  readonly accountId: string;
  readonly baseUrl: string;
  /** The account's client itself, also on its per-request views: what caches of Connect answers key on. */
  readonly accountClient: ConnectClient;
  /** Set on a per-request view only (`after`); an own property there, so the account's client has none. */
  private readonly gate?: Promise<void>;

  constructor(private readonly transport: ConnectTransport) {
    this.accountId = transport.accountId;
    this.baseUrl = transport.baseUrl;
    this.accountClient = this;
  }

  /** The `1Password-Connect-Version` header of the latest answer, if any. */
  get serverVersion(): string | undefined {
    return this.transport.serverVersion;
  }

  get circuitState(): CircuitState {
    return this.transport.circuitState;
  }

  /**
   * This client for one request: its calls reach the server only once `gate` resolves, and fail with its error
   * (the server never hearing of them) if it rejects. Used to let a read's handler run while its audit record
   * commits. The view inherits everything else, metrics instrumentation included, from this client.
   */
  after(gate: Promise<void>): ConnectClient {
    const view = Object.create(this) as ConnectClient;
    // A plain assignment, not Object.create's descriptors: one view is made per read request.
    (view as unknown as { gate: Promise<void> }).gate = gate;
    return view;
  }

  /** Closes every socket of this client. Later calls throw: the owner must create a new client. */
  destroy(): void {
    this.transport.destroy();
  }

  toJSON(): Record<string, string> {
    return { accountId: this.accountId, baseUrl: this.baseUrl };
  }

  // --- Vaults -------------------------------------------------------------------------------------------

  listVaults(filter?: { name?: string }): Promise<Vault[]> {
    const condition = filter?.name === undefined ? undefined : `name eq ${scimString(filter.name)}`;
    return this.json({ method: 'GET', path: `/v1/vaults${query({ filter: condition })}`, resource: 'none' }, VAULTS);
  }

  getVault(vaultId: string): Promise<Vault> {
    return this.json({ method: 'GET', path: `/v1/vaults/${segment(vaultId)}`, resource: 'vault' }, VAULT);
  }

  // --- Items --------------------------------------------------------------------------------------------

  /** Summaries only (no fields, sections or files). Several filters are joined with `and`. */
  listItems(vaultId: string, filter?: ItemFilter): Promise<ItemSummary[]> {
    const conditions: string[] = [];
    if (filter?.title !== undefined) conditions.push(`title eq ${scimString(filter.title)}`);
    if (filter?.titleContains !== undefined) conditions.push(`title co ${scimString(filter.titleContains)}`);
    if (filter?.tag !== undefined) conditions.push(`tag eq ${scimString(filter.tag)}`);
    const condition = conditions.length === 0 ? undefined : conditions.join(' and ');
    return this.json({ method: 'GET', path: `/v1/vaults/${segment(vaultId)}/items${query({ filter: condition })}`, resource: 'vault' }, ITEM_SUMMARIES);
  }

  getItem(vaultId: string, itemId: string): Promise<FullItem> {
    return this.json({ method: 'GET', path: this.itemPath(vaultId, itemId), resource: 'item' }, FULL_ITEM);
  }

  /** Never retried: a lost answer must not create the item twice. `vault.id` is set from `vaultId`. */
  createItem(vaultId: string, item: ItemInput): Promise<FullItem> {
    const body = { ...item, vault: { id: vaultId } };
    return this.json({ method: 'POST', path: `/v1/vaults/${segment(vaultId)}/items`, resource: 'vault', body }, FULL_ITEM);
  }

  /** Replaces the whole item (PUT): whatever the body omits is dropped. Ids are set from the path. */
  replaceItem(vaultId: string, itemId: string, item: ItemInput): Promise<FullItem> {
    const body = { ...item, id: itemId, vault: { id: vaultId } };
    return this.json({ method: 'PUT', path: this.itemPath(vaultId, itemId), resource: 'item', body }, FULL_ITEM);
  }

  /** Never retried: an `add` applied twice would duplicate. */
  patchItem(vaultId: string, itemId: string, operations: PatchOperation[]): Promise<FullItem> {
    return this.json({ method: 'PATCH', path: this.itemPath(vaultId, itemId), resource: 'item', body: operations }, FULL_ITEM);
  }

  /** Retried like PUT; a 404 is ITEM_NOT_FOUND unless it answers a retry after a lost answer (ItemDeletion). */
  async deleteItem(vaultId: string, itemId: string): Promise<ItemDeletion> {
    const response = await this.transport.send({ method: 'DELETE', path: this.itemPath(vaultId, itemId), resource: 'item' }, 'text', this.gate);
    return { confirmedByRetry: response.status === 404 };
  }

  // --- Files --------------------------------------------------------------------------------------------

  listFiles(vaultId: string, itemId: string, options: FileOptions = {}): Promise<ItemFile[]> {
    const path = `${this.itemPath(vaultId, itemId)}/files${query({ inline_files: options.inline ? true : undefined })}`;
    return this.json({ method: 'GET', path, resource: 'item' }, ITEM_FILES);
  }

  getFile(vaultId: string, itemId: string, fileId: string, options: FileOptions = {}): Promise<ItemFile> {
    const path = `${this.filePath(vaultId, itemId, fileId)}${query({ inline_files: options.inline ? true : undefined })}`;
    return this.json({ method: 'GET', path, resource: 'file' }, ITEM_FILE);
  }

  /**
   * Streams the raw bytes, never buffered. Retries happen only before the stream is returned; an error
   * mid-stream is emitted on it as an AppException (never an axios error).
   */
  async getFileContent(vaultId: string, itemId: string, fileId: string): Promise<FileContent> {
    const response = await this.transport.send({ method: 'GET', path: `${this.filePath(vaultId, itemId, fileId)}/content`, resource: 'file' }, 'stream', this.gate);
    const length = Number(headerString(response, 'content-length'));
    return {
      stream: this.transport.guardStream(response.data as Readable),
      contentType: headerString(response, 'content-type') ?? 'application/octet-stream',
      ...(Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {}),
      ...(headerString(response, 'content-disposition') === undefined ? {} : { contentDisposition: headerString(response, 'content-disposition') }),
    };
  }

  // --- Activity and server state ------------------------------------------------------------------------

  async listActivity(page: { limit?: number; offset?: number } = {}): Promise<ActivityPage> {
    const response = await this.transport.send({ method: 'GET', path: `/v1/activity${query({ limit: page.limit, offset: page.offset })}`, resource: 'none' }, 'text', this.gate);
    const data = this.parseJson(response.data as string, ACTIVITY);
    const contentRange = headerString(response, 'content-range');
    const total = contentRange === undefined ? undefined : Number(/\/\s*(\d+)\s*$/.exec(contentRange)?.[1] ?? Number.NaN);
    return { data, ...(contentRange === undefined ? {} : { contentRange }), ...(total !== undefined && Number.isSafeInteger(total) ? { total } : {}) };
  }

  /** Resolves when the server answers like Connect's `/heartbeat` (a `.` body or the version header). */
  async heartbeat(): Promise<void> {
    const response = await this.transport.send({ method: 'GET', path: '/heartbeat', resource: 'none', anonymous: true }, 'text', this.gate);
    if (headerString(response, VERSION_HEADER) === undefined && String(response.data).trim() !== '.') {
      throw ConnectErrorMapper.notAConnectServer('/heartbeat did not answer "."', response.status);
    }
  }

  /** Sends the token too: presenting one to /health is what unlocks a freshly started Connect server. */
  async health(): Promise<ConnectHealthReport> {
    const response = await this.transport.send({ method: 'GET', path: '/health', resource: 'none' }, 'text', this.gate);
    const serverVersion = headerString(response, VERSION_HEADER);
    if (serverVersion === undefined) throw ConnectErrorMapper.notAConnectServer('/health has no 1Password-Connect-Version header', response.status);
    const health = this.parseJson(response.data as string, HEALTH);
    if (typeof health.name !== 'string' || typeof health.version !== 'string') {
      throw ConnectErrorMapper.notAConnectServer('/health does not report a name and version', response.status);
    }
    return { health, serverVersion };
  }

  // --- Transport ----------------------------------------------------------------------------------------

  private itemPath(vaultId: string, itemId: string): string {
    return `/v1/vaults/${segment(vaultId)}/items/${segment(itemId)}`;
  }

  private filePath(vaultId: string, itemId: string, fileId: string): string {
    return `${this.itemPath(vaultId, itemId)}/files/${segment(fileId)}`;
  }

  private async json<T>(call: ConnectCall, shape: ConnectShape<T>): Promise<T> {
    const response = await this.transport.send(call, 'text', this.gate);
    return this.parseJson(response.data as string, shape);
  }

  /** JSON.parse once, after a one-character check that turns an HTML page into a clear error, then the shape check. */
  private parseJson<T>(text: string, shape: ConnectShape<T>): T {
    const first = text.trimStart()[0];
    let parsed: unknown;
    if (first === '[' || first === '{') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!shape.fits(parsed)) throw ConnectErrorMapper.notAConnectServer(`expected ${shape.expected}`);
    return parsed;
  }
}
