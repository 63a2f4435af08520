import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AxiosAdapter, AxiosRequestConfig, AxiosResponse, AxiosResponseHeaders, InternalAxiosRequestConfig } from 'axios';
import type { Dispatcher } from 'undici';

/** What ConnectTransport adds to each call's axios config; axios passes unknown keys through to the adapter. */
export interface ConnectRequestConfig extends AxiosRequestConfig {
  /** The connected account's undici pool (connect-pool.factory.ts), for calls answered in JSON. */
  connectPool?: Dispatcher;
  /** The connected account's node:http(s) agent (connect-agent.factory.ts), for file content. */
  connectAgent?: http.Agent;
  /** A call that must not be sent before this resolves (ConnectTransport.send). */
  connectGate?: Promise<void>;
  /**
   * The call's whole header set, sent as it is. Kept out of axios's `headers`, which axios would turn into an
   * AxiosHeaders (normalising and validating each one) for the adapter to turn back: 9 µs a call.
   */
  connectHeaders?: Record<string, string>;
}

/**
 * The response headers ConnectClient reads; the rest are dropped here, as axios builds an AxiosHeaders of what it
 * is given (5–7 µs a call for Connect's usual eight).
 */
const KEPT_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  '1password-connect-version', 'content-disposition', 'content-length', 'content-range', 'content-type', 'retry-after',
]);

function timeoutError(timeoutMs: number): Error {
  // The code axios gives its own timeout (with `clarifyTimeoutError`), which the error classifier expects.
  return Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ETIMEDOUT' });
}

/** Most bytes of a JSON answer held in memory: Connect's largest (a vault's whole item list) is a few MB. */
export const MAX_JSON_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Most bytes of an error answer kept: its `{status, message}` is all that is read; the rest is read and dropped. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
export const RESPONSE_TOO_LARGE_CODE = 'ERR_CONNECT_RESPONSE_TOO_LARGE';

function tooLargeError(): Error {
  return Object.assign(new Error(`the answer is larger than ${MAX_JSON_RESPONSE_BYTES} bytes`), { code: RESPONSE_TOO_LARGE_CODE });
}

/**
 * The transport under the Connect client's axios calls. axios's Node adapter also handles what Connect calls never
 * use (redirects, proxies, decompression, progress events, form data) and cost about 100 µs of CPU per call here.
 * - Calls answered in JSON (`text`) go through the account's undici pool, driven by `dispatch` without the
 *   AbortSignal that its `request()` would need for a deadline (30 µs a call): 55–60 µs of CPU a call against
 *   145–180 µs for node:http.
 * - File content (`stream`) goes through the account's node:http(s) agent, whose plain-http sockets read into one
 *   reused buffer: no allocation per read, where undici's reads take a fresh 64 KB buffer each and copy it into
 *   its parser's memory (15–25% more CPU per 100 MB, and 15–24 MB more RSS kept after a few downloads).
 *
 * The contract ConnectClient relies on: every status resolves (its `validateStatus` accepts all); `text` bodies
 * arrive as one string, `stream` bodies as the IncomingMessage itself; failures below HTTP reject with the
 * socket's, Node's or undici's own error and its `code` (ECONNREFUSED, UND_ERR_SOCKET, the connect timeouts...).
 *
 * Time: `timeout` bounds the whole exchange from the moment it is asked for (waiting for one of the pool's
 * sockets included) until a `text` body is complete, or until a `stream` answer's headers; then ETIMEDOUT, as
 * axios's. A streamed body has no total bound (a 100 MB download may take minutes) but may not stall: it fails
 * after `timeout` ms without a byte while it is being read, not while its reader holds it back.
 * Size: a `text` body over MAX_JSON_RESPONSE_BYTES fails the request; of an error answer's body only the first
 * MAX_ERROR_BODY_BYTES are kept.
 */
export const connectHttpAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig) => {
  const gate = (config as ConnectRequestConfig).connectGate;
  // Held before the request exists: a call waiting for its gate holds no socket of the account's pool.
  return gate === undefined ? exchange(config) : gate.then(() => exchange(config));
};

function exchange(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  return config.responseType === 'stream' ? streamExchange(config) : textExchange(config);
}

/** The response headers ConnectClient reads, repeated ones joined as node:http joins them. */
function keptHeaders(headers: Record<string, string | string[] | undefined>): AxiosResponseHeaders {
  const kept: Record<string, string> = {};
  for (const name in headers) {
    if (!KEPT_RESPONSE_HEADERS.has(name)) continue;
    const value = headers[name]!;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept as AxiosResponseHeaders;
}

function textExchange(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  return new Promise<AxiosResponse>((resolve, reject) => {
    const url = config.url!;
    const handler = new TextExchange(config, config.timeout ?? 0, resolve, reject);
    (config as ConnectRequestConfig).connectPool!.dispatch({
      // The pool is the origin's: the path starts at the first slash after `scheme://host`.
      path: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
      method: (config.method ?? 'get').toUpperCase() as Dispatcher.HttpMethod,
      headers: (config as ConnectRequestConfig).connectHeaders,
      body: typeof config.data === 'string' ? config.data : null,
      // The deadline is TextExchange's own.
      headersTimeout: 0,
      bodyTimeout: 0,
    }, handler);
  });
}

function streamExchange(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  return new Promise<AxiosResponse>((resolve, reject) => {
    const url = config.url!;
    const timeoutMs = config.timeout ?? 0;
    const options: http.RequestOptions = {
      method: (config.method ?? 'get').toUpperCase(),
      headers: (config as ConnectRequestConfig).connectHeaders,
      agent: (config as ConnectRequestConfig).connectAgent,
    };
    const onResponse = (res: IncomingMessage) => {
      clearTimeout(deadline);
      if (timeoutMs > 0) guardStall(req, res, timeoutMs);
      resolve({ data: res, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: keptHeaders(res.headers), config });
    };
    const req = url.startsWith('https:') ? https.request(url, options, onResponse) : http.request(url, options, onResponse);
    const deadline = timeoutMs > 0 ? setTimeout(() => req.destroy(timeoutError(timeoutMs)), timeoutMs) : undefined;
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end();
  });
}

/**
 * A streamed body that stops moving fails with ETIMEDOUT after `timeoutMs`, counted only while it flows: when its
 * reader pauses it (backpressure from a slow client of ours), the socket is idle by our choice, not the server's.
 */
function guardStall(req: http.ClientRequest, res: IncomingMessage, timeoutMs: number): void {
  // The body's reader gets the timeout itself (destroying the request would show it a reset).
  req.setTimeout(timeoutMs, () => res.destroy(timeoutError(timeoutMs)));
  res.on('pause', () => req.setTimeout(0));
  res.on('resume', () => req.setTimeout(timeoutMs));
}

/** One call's JSON (or error) answer, as undici delivers it. */
class TextExchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  /** Why the call ended before undici started it (the deadline, while waiting for a socket). */
  #failure: Error | undefined;
  #settled = false;
  readonly #deadline: NodeJS.Timeout | undefined;
  #status = 0;
  #headers: AxiosResponseHeaders | undefined;
  #keep = 0;
  #size = 0;
  readonly #chunks: Buffer[] = [];

  constructor(
    private readonly config: InternalAxiosRequestConfig,
    timeoutMs: number,
    private readonly resolve: (response: AxiosResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.#deadline = timeoutMs > 0 ? setTimeout(() => this.#fail(timeoutError(timeoutMs)), timeoutMs) : undefined;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#failure !== undefined) controller.abort(this.#failure);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx are interim; after the deadline nothing is delivered to anyone.
    if (statusCode < 200 || this.#settled) return;
    this.#status = statusCode;
    this.#headers = keptHeaders(headers);
    this.#keep = statusCode < 300 ? MAX_JSON_RESPONSE_BYTES : MAX_ERROR_BODY_BYTES;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#size >= this.#keep) {
      if (this.#keep === MAX_JSON_RESPONSE_BYTES) this.#fail(tooLargeError());
      return;
    }
    // undici's chunk is a view of the socket's read: kept as it is, it keeps only that read alive.
    this.#chunks.push(this.#size + chunk.length > this.#keep ? chunk.subarray(0, this.#keep - this.#size) : chunk);
    this.#size += chunk.length;
  }

  onResponseEnd(): void {
    clearTimeout(this.#deadline);
    if (this.#settled) return;
    this.#settled = true;
    const chunks = this.#chunks;
    const data = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve({ data, status: this.#status, statusText: '', headers: this.#headers!, config: this.config });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    clearTimeout(this.#deadline);
    if (this.#settled) return;
    this.#settled = true;
    this.reject(error);
  }

  /** Ends the call now (deadline, size), and the request with it, or before it starts if it has not yet. */
  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    this.reject(error);
    if (this.#controller === undefined) this.#failure = error;
    else this.#controller.abort(error);
  }
}
