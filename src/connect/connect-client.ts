import type { Agent } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { AppException } from '../common/errors/app-exception.js';
import type { BodyBufferScavenger } from '../common/memory/body-buffer-scavenger.js';
import type {
  ActivityPage, ApiRequestActivity, ConnectHealth, ConnectHealthReport, FileContent, FullItem, ItemFile, ItemInput,
  ItemSummary, PatchOperation, Vault,
} from './connect-api.types.js';
import { ConnectErrorMapper, type ConnectResource } from './connect-error.mapper.js';
import { connectHttpAdapter } from './connect-http.adapter.js';
import type { CircuitBreaker, CircuitState } from './circuit-breaker.js';
import type { HttpMethod, RetryPolicy } from './retry-policy.js';

/** Who the client talks to, and as whom. */
export interface ConnectAccountCredentials {
  /** http(s) origin of the Connect server, optionally with a path prefix; no trailing slash needed. */
  baseUrl: string;
  /** The Connect access token. Kept in a private field; never put in an error or a log line. */
  token: string;
  accountId: string;
}

/** Everything a client needs besides credentials; built by ConnectClientFactory. */
export interface ConnectClientDependencies {
  axios: AxiosInstance;
  agent: Agent;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  requestTimeoutMs: number;
  scavenger: BodyBufferScavenger;
}

export interface ItemFilter {
  title?: string;
  titleContains?: string;
  tag?: string;
}

export interface FileOptions {
  /** Ask for base64 `content` inline (Connect answers 413 above its size limit). */
  inline?: boolean;
}

interface Call {
  method: HttpMethod;
  /** Path under the base URL, starting with `/`, already encoded. */
  path: string;
  resource: ConnectResource;
  body?: unknown;
  /** /heartbeat needs no token, so none is sent. */
  anonymous?: boolean;
}

const VERSION_HEADER = '1password-connect-version';
const USER_AGENT = 'wrk-onepassword';
/** An error body larger than this is cut: only its message matters. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Bodies are serialised and parsed here, once, instead of by axios's generic transforms. */
const NO_TRANSFORMS: [] = [];

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

function headerString(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Reads at most MAX_ERROR_BODY_BYTES of a streamed error body and releases the socket. */
async function readErrorBody(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // A truncated error body still maps by its status.
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A typed client for one connected account's Connect server. Created by ConnectClientFactory, never by
 * `new` elsewhere. All calls go through `axiosRef` directly (no Observables on the hot path), over this
 * client's own bounded keep-alive agent, with retries for idempotent calls, a circuit breaker, and every
 * failure mapped by ConnectErrorMapper to an AppException that holds no secret.
 */
export class ConnectClient {
  readonly accountId: string;
  readonly baseUrl: string;
  // ES private fields: invisible to util.inspect and JSON.stringify, unlike TypeScript `private`.
  readonly #token: string;
  readonly #agent: Agent;
  readonly #axios: AxiosInstance;
  readonly #retry: RetryPolicy;
  readonly #breaker: CircuitBreaker;
  readonly #requestTimeoutMs: number;
  readonly #scavenger: BodyBufferScavenger;
  readonly #baseConfig: AxiosRequestConfig;
  readonly #authHeaders: Record<string, string>;
  readonly #contentHeaders: Record<string, string>;
  readonly #anonymousHeaders: Record<string, string> = { 'User-Agent': USER_AGENT };
  #serverVersion: string | undefined;
  #destroyed = false;

  constructor(credentials: ConnectAccountCredentials, dependencies: ConnectClientDependencies) {
    this.accountId = credentials.accountId;
    this.baseUrl = credentials.baseUrl.replace(/\/+$/, '');
    this.#token = credentials.token;
    this.#agent = dependencies.agent;
    this.#axios = dependencies.axios;
    this.#retry = dependencies.retry;
    this.#breaker = dependencies.breaker;
    this.#requestTimeoutMs = dependencies.requestTimeoutMs;
    this.#scavenger = dependencies.scavenger;
    // The whole header set of each call: the axios instance adds none of its own (ConnectClientFactory).
    this.#authHeaders = { Authorization: `Bearer ${credentials.token}`, Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
    // Identity encoding keeps Content-Length equal to the bytes the caller receives.
    this.#contentHeaders = { Authorization: this.#authHeaders.Authorization, Accept: '*/*', 'Accept-Encoding': 'identity', 'User-Agent': USER_AGENT };
    // Built once. The transport (connect-http.adapter.ts) resolves every status and never redirects or proxies.
    this.#baseConfig = {
      [this.baseUrl.startsWith('https:') ? 'httpsAgent' : 'httpAgent']: dependencies.agent,
      timeout: dependencies.requestTimeoutMs,
      transformRequest: NO_TRANSFORMS,
      transformResponse: NO_TRANSFORMS,
      adapter: connectHttpAdapter,
    };
  }

  /** The `1Password-Connect-Version` header of the latest answer, if any. */
  get serverVersion(): string | undefined {
    return this.#serverVersion;
  }

  get circuitState(): CircuitState {
    return this.#breaker.currentState;
  }

  /** Closes every socket of this client. Later calls throw: the owner must create a new client. */
  destroy(): void {
    this.#destroyed = true;
    this.#agent.destroy();
  }

  toJSON(): Record<string, string> {
    return { accountId: this.accountId, baseUrl: this.baseUrl };
  }

  // --- Vaults -------------------------------------------------------------------------------------------

  listVaults(filter?: { name?: string }): Promise<Vault[]> {
    const condition = filter?.name === undefined ? undefined : `name eq ${scimString(filter.name)}`;
    return this.json({ method: 'GET', path: `/v1/vaults${query({ filter: condition })}`, resource: 'none' }, 'array');
  }

  getVault(vaultId: string): Promise<Vault> {
    return this.json({ method: 'GET', path: `/v1/vaults/${segment(vaultId)}`, resource: 'vault' }, 'object');
  }

  // --- Items --------------------------------------------------------------------------------------------

  /** Summaries only (no fields, sections or files). Several filters are joined with `and`. */
  listItems(vaultId: string, filter?: ItemFilter): Promise<ItemSummary[]> {
    const conditions: string[] = [];
    if (filter?.title !== undefined) conditions.push(`title eq ${scimString(filter.title)}`);
    if (filter?.titleContains !== undefined) conditions.push(`title co ${scimString(filter.titleContains)}`);
    if (filter?.tag !== undefined) conditions.push(`tag eq ${scimString(filter.tag)}`);
    const condition = conditions.length === 0 ? undefined : conditions.join(' and ');
    return this.json({ method: 'GET', path: `/v1/vaults/${segment(vaultId)}/items${query({ filter: condition })}`, resource: 'vault' }, 'array');
  }

  getItem(vaultId: string, itemId: string): Promise<FullItem> {
    return this.json({ method: 'GET', path: this.itemPath(vaultId, itemId), resource: 'item' }, 'object');
  }

  /** Never retried: a lost answer must not create the item twice. `vault.id` is set from `vaultId`. */
  createItem(vaultId: string, item: ItemInput): Promise<FullItem> {
    const body = { ...item, vault: { id: vaultId } };
    return this.json({ method: 'POST', path: `/v1/vaults/${segment(vaultId)}/items`, resource: 'vault', body }, 'object');
  }

  /** Replaces the whole item (PUT): whatever the body omits is dropped. Ids are set from the path. */
  replaceItem(vaultId: string, itemId: string, item: ItemInput): Promise<FullItem> {
    const body = { ...item, id: itemId, vault: { id: vaultId } };
    return this.json({ method: 'PUT', path: this.itemPath(vaultId, itemId), resource: 'item', body }, 'object');
  }

  /** Never retried: an `add` applied twice would duplicate. */
  patchItem(vaultId: string, itemId: string, operations: PatchOperation[]): Promise<FullItem> {
    return this.json({ method: 'PATCH', path: this.itemPath(vaultId, itemId), resource: 'item', body: operations }, 'object');
  }

  async deleteItem(vaultId: string, itemId: string): Promise<void> {
    await this.send({ method: 'DELETE', path: this.itemPath(vaultId, itemId), resource: 'item' }, 'text');
  }

  // --- Files --------------------------------------------------------------------------------------------

  listFiles(vaultId: string, itemId: string, options: FileOptions = {}): Promise<ItemFile[]> {
    const path = `${this.itemPath(vaultId, itemId)}/files${query({ inline_files: options.inline ? true : undefined })}`;
    return this.json({ method: 'GET', path, resource: 'item' }, 'array');
  }

  getFile(vaultId: string, itemId: string, fileId: string, options: FileOptions = {}): Promise<ItemFile> {
    const path = `${this.filePath(vaultId, itemId, fileId)}${query({ inline_files: options.inline ? true : undefined })}`;
    return this.json({ method: 'GET', path, resource: 'file' }, 'object');
  }

  /**
   * Streams the raw bytes, never buffered. Retries happen only before the stream is returned; an error
   * mid-stream is emitted on it as an AppException (never an axios error).
   */
  async getFileContent(vaultId: string, itemId: string, fileId: string): Promise<FileContent> {
    const response = await this.send({ method: 'GET', path: `${this.filePath(vaultId, itemId, fileId)}/content`, resource: 'file' }, 'stream');
    const length = Number(headerString(response, 'content-length'));
    return {
      stream: this.guardStream(response.data as Readable),
      contentType: headerString(response, 'content-type') ?? 'application/octet-stream',
      ...(Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {}),
      ...(headerString(response, 'content-disposition') === undefined ? {} : { contentDisposition: headerString(response, 'content-disposition') }),
    };
  }

  // --- Activity and server state ------------------------------------------------------------------------

  async listActivity(page: { limit?: number; offset?: number } = {}): Promise<ActivityPage> {
    const response = await this.send({ method: 'GET', path: `/v1/activity${query({ limit: page.limit, offset: page.offset })}`, resource: 'none' }, 'text');
    const data = this.parseJson<ApiRequestActivity[]>(response.data as string, 'array');
    const contentRange = headerString(response, 'content-range');
    const total = contentRange === undefined ? undefined : Number(/\/\s*(\d+)\s*$/.exec(contentRange)?.[1] ?? Number.NaN);
    return { data, ...(contentRange === undefined ? {} : { contentRange }), ...(total !== undefined && Number.isSafeInteger(total) ? { total } : {}) };
  }

  /** Resolves when the server answers like Connect's `/heartbeat` (a `.` body or the version header). */
  async heartbeat(): Promise<void> {
    const response = await this.send({ method: 'GET', path: '/heartbeat', resource: 'none', anonymous: true }, 'text');
    if (headerString(response, VERSION_HEADER) === undefined && String(response.data).trim() !== '.') {
      throw ConnectErrorMapper.notAConnectServer('/heartbeat did not answer "."', response.status);
    }
  }

  /** Sends the token too: presenting one to /health is what unlocks a freshly started Connect server. */
  async health(): Promise<ConnectHealthReport> {
    const response = await this.send({ method: 'GET', path: '/health', resource: 'none' }, 'text');
    const serverVersion = headerString(response, VERSION_HEADER);
    if (serverVersion === undefined) throw ConnectErrorMapper.notAConnectServer('/health has no 1Password-Connect-Version header', response.status);
    const health = this.parseJson<ConnectHealth>(response.data as string, 'object');
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

  private async json<T>(call: Call, shape: 'array' | 'object'): Promise<T> {
    const response = await this.send(call, 'text');
    return this.parseJson<T>(response.data as string, shape);
  }

  /** JSON.parse once, after a one-character check that turns an HTML page into a clear error. */
  private parseJson<T>(text: string, shape: 'array' | 'object'): T {
    const first = text.trimStart()[0];
    let parsed: unknown;
    if (first === '[' || first === '{') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const fits = shape === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    if (!fits) throw ConnectErrorMapper.notAConnectServer(`expected a JSON ${shape}`);
    return parsed as T;
  }

  /**
   * One logical call: breaker check, attempts with retries, then either the 2xx response or a mapped
   * AppException. The breaker hears about every admitted call exactly once, so a half-open trial always ends.
   */
  private async send(call: Call, responseType: 'text' | 'stream'): Promise<AxiosResponse> {
    if (this.#destroyed) throw new Error(`ConnectClient for account ${this.accountId} was destroyed`);
    const waitMs = this.#breaker.admit();
    if (waitMs > 0) throw ConnectErrorMapper.circuitOpen(waitMs);

    const config: AxiosRequestConfig = {
      ...this.#baseConfig,
      method: call.method,
      url: this.baseUrl + call.path,
      headers: call.anonymous ? this.#anonymousHeaders : responseType === 'stream' ? this.#contentHeaders : this.#authHeaders,
      responseType,
      ...(call.body === undefined ? {} : { data: JSON.stringify(call.body) }),
    };

    let response: AxiosResponse;
    try {
      response = await this.#retry.run(call.method, () => this.#axios.request(config), discardBody);
    } catch (error) {
      throw this.settle(ConnectErrorMapper.fromNetworkError(error, { requestTimeoutMs: this.#requestTimeoutMs, idempotent: call.method !== 'POST' && call.method !== 'PATCH' }));
    }

    const version = headerString(response, VERSION_HEADER);
    if (version !== undefined) this.#serverVersion = version;
    if (isSuccess(response.status)) {
      this.#breaker.onSuccess();
      return response;
    }
    const body = responseType === 'stream' ? await readErrorBody(response.data as Readable) : (response.data as string);
    throw this.settle(ConnectErrorMapper.fromResponse(
      { status: response.status, body, retryAfter: response.headers['retry-after'], hasVersionHeader: version !== undefined, resource: call.resource },
      this.#token,
    ));
  }

  /** Tells the breaker how an admitted call failed and hands the error back for throwing. */
  private settle(error: AppException): AppException {
    if (ConnectErrorMapper.isServerDown(error)) this.#breaker.onFailure();
    else this.#breaker.onSuccess();
    return error;
  }

  /**
   * Hands the caller a stream of its own: errors from the socket side (which are axios errors holding the
   * request config) become AppExceptions, and a caller that stops reading releases the socket.
   */
  private guardStream(source: Readable): Readable {
    const guarded = new PassThrough();
    source.on('error', (error) => {
      guarded.destroy(ConnectErrorMapper.fromNetworkError(error, { requestTimeoutMs: this.#requestTimeoutMs, idempotent: true }));
    });
    guarded.once('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    source.pipe(guarded);
    this.#scavenger.watch(source);
    return guarded;
  }
}

/** Releases the body of a response that is about to be retried, keeping the socket reusable when possible. */
function discardBody(response: AxiosResponse): void {
  if (response.data instanceof Readable) {
    response.data.on('error', () => undefined);
    response.data.resume();
  }
}
