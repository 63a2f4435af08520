import type { Agent } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Dispatcher } from 'undici';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { BodyBufferScavenger } from '../common/memory/body-buffer-scavenger.js';
import { ConnectErrorMapper, type ConnectResource } from './connect-error.mapper.js';
import { connectHttpAdapter, type ConnectRequestConfig } from './connect-http.adapter.js';
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
  /** The account's own keep-alive pool for calls answered in JSON (connect-pool.factory.ts). */
  pool: Dispatcher;
  /** The account's own keep-alive agent for file content (connect-agent.factory.ts). */
  agent: Agent;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  requestTimeoutMs: number;
  scavenger: BodyBufferScavenger;
}

export interface ConnectCall {
  method: HttpMethod;
  /** Path under the base URL, starting with `/`, already encoded. */
  path: string;
  resource: ConnectResource;
  body?: unknown;
  /** /heartbeat needs no token, so none is sent. */
  anonymous?: boolean;
}

export const VERSION_HEADER = '1password-connect-version';
const USER_AGENT = 'wrk-onepassword';
/** An error body larger than this is cut: only its message matters. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Bodies are serialised and parsed here, once, instead of by axios's generic transforms. */
const NO_TRANSFORMS: [] = [];

export function headerString(response: AxiosResponse, name: string): string | undefined {
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
 * The wire under one connected account's ConnectClient: the token, the account's own bounded keep-alive pool and agent,
 * retries for idempotent calls and the circuit breaker. Every call goes through `axiosRef` directly (no
 * Observables on the hot path) and every failure is mapped by ConnectErrorMapper to an AppException that holds
 * no secret. Shared by the account's client and the per-request views of it (ConnectClient.after).
 */
export class ConnectTransport {
  readonly accountId: string;
  readonly baseUrl: string;
  // ES private fields: invisible to util.inspect and JSON.stringify, unlike TypeScript `private`.
  readonly #token: string;
  readonly #pool: Dispatcher;
  readonly #agent: Agent;
  readonly #axios: AxiosInstance;
  readonly #retry: RetryPolicy;
  readonly #breaker: CircuitBreaker;
  readonly #requestTimeoutMs: number;
  readonly #scavenger: BodyBufferScavenger;
  readonly #baseConfig: ConnectRequestConfig;
  readonly #authHeaders: Record<string, string>;
  readonly #contentHeaders: Record<string, string>;
  readonly #anonymousHeaders: Record<string, string> = { 'User-Agent': USER_AGENT };
  #serverVersion: string | undefined;
  #destroyed = false;

  constructor(credentials: ConnectAccountCredentials, dependencies: ConnectClientDependencies) {
    this.accountId = credentials.accountId;
    this.baseUrl = credentials.baseUrl.replace(/\/+$/, '');
    this.#token = credentials.token;
    this.#pool = dependencies.pool;
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
      connectPool: dependencies.pool,
      connectAgent: dependencies.agent,
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

  /** Closes every socket. Later calls throw: the owner must create a new client. */
  destroy(): void {
    this.#destroyed = true;
    void this.#pool.destroy();
    this.#agent.destroy();
  }

  /**
   * One logical call: breaker check, attempts with retries, then either the 2xx response or a mapped
   * AppException. One exception: an item DELETE retried after an attempt that may have been applied resolves
   * with the retry's 404 for the item, since that attempt deleted it and its answer was lost. The breaker hears
   * about every admitted call exactly once, so a half-open trial always ends.
   * With a `gate`, nothing is sent before it resolves (axios's own work is done meanwhile); if it rejects, the
   * call fails with its error and the server never hears of it.
   */
  async send(call: ConnectCall, responseType: 'text' | 'stream', gate?: Promise<void>): Promise<AxiosResponse> {
    if (this.#destroyed) throw new Error(`ConnectClient for account ${this.accountId} was destroyed`);
    const waitMs = this.#breaker.admit();
    if (waitMs > 0) throw ConnectErrorMapper.circuitOpen(waitMs);

    const config: ConnectRequestConfig = {
      ...this.#baseConfig,
      method: call.method,
      url: this.baseUrl + call.path,
      connectHeaders: call.anonymous ? this.#anonymousHeaders : responseType === 'stream' ? this.#contentHeaders : this.#authHeaders,
      responseType,
      ...(call.body === undefined ? {} : { data: JSON.stringify(call.body) }),
      ...(gate === undefined ? {} : { connectGate: gate }),
    };

    let response: AxiosResponse;
    let earlierAttemptMayHaveApplied: boolean;
    try {
      // CONNECT_REQUEST_TIMEOUT_MS is the whole call's: a retry gets what is left of it.
      const attempt = (remainingMs: number) =>
        this.#axios.request(remainingMs >= this.#requestTimeoutMs ? config : { ...config, timeout: Math.max(1, Math.floor(remainingMs)) });
      ({ response, earlierAttemptMayHaveApplied } = await this.#retry.run(call.method, attempt, discardBody, this.#requestTimeoutMs));
    } catch (error) {
      // Only a gate rejects with an AppException: the call never left, so it says nothing about the server.
      if (error instanceof AppException) {
        this.#breaker.abandon();
        throw error;
      }
      throw this.settle(ConnectErrorMapper.fromNetworkError(error, { requestTimeoutMs: this.#requestTimeoutMs, idempotent: call.method !== 'POST' && call.method !== 'PATCH' }));
    }

    const version = headerString(response, VERSION_HEADER);
    if (version !== undefined) this.#serverVersion = version;
    if (isSuccess(response.status)) {
      this.#breaker.onSuccess();
      return response;
    }
    const body = responseType === 'stream' ? await readErrorBody(response.data as Readable) : (response.data as string);
    const error = ConnectErrorMapper.fromResponse(
      { status: response.status, body, retryAfter: response.headers['retry-after'], hasVersionHeader: version !== undefined, resource: call.resource },
      this.#token,
    );
    if (call.method === 'DELETE' && earlierAttemptMayHaveApplied && call.resource === 'item' && error.code === ErrorCode.ITEM_NOT_FOUND) {
      this.#breaker.onSuccess();
      return { ...response, data: body };
    }
    throw this.settle(error);
  }

  /**
   * Hands the caller a stream of its own: errors from the socket side (which are axios errors holding the
   * request config) become AppExceptions, and a caller that stops reading releases the socket.
   */
  guardStream(source: Readable): Readable {
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

  /** Tells the breaker how an admitted call failed and hands the error back for throwing. */
  private settle(error: AppException): AppException {
    if (ConnectErrorMapper.isServerDown(error)) this.#breaker.onFailure();
    else this.#breaker.onSuccess();
    return error;
  }
}

/** Releases the body of a response that is about to be retried, keeping the socket reusable when possible. */
function discardBody(response: AxiosResponse): void {
  if (response.data instanceof Readable) {
    response.data.on('error', () => undefined);
    response.data.resume();
  }
}
