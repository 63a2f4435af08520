import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AxiosAdapter, AxiosRequestConfig, AxiosResponse, AxiosResponseHeaders, InternalAxiosRequestConfig } from 'axios';

/** A call that must not be sent before `connectGate` resolves (ConnectTransport.send); axios passes the key through. */
export interface GatedRequestConfig extends AxiosRequestConfig {
  connectGate?: Promise<void>;
}

function timeoutError(timeoutMs: number): Error {
  // The code axios gives its own timeout (with `clarifyTimeoutError`), which the error classifier expects.
  return Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ETIMEDOUT' });
}

function abortedError(): Error {
  return Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' });
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
 * The transport under the Connect client's axios calls: node:http(s) with the account's agent and nothing else.
 * axios's Node adapter also handles what Connect calls never use (redirects, proxies, decompression, progress
 * events, form data, rate limits) and cost about 100 µs of CPU per call here (a 2.5 KB item, c=32: 190–230 µs
 * through it, 114–144 µs with this adapter, 80 µs for node:http alone).
 *
 * The contract ConnectClient relies on: every status resolves (its `validateStatus` accepts all); `text` bodies
 * arrive as one string, `stream` bodies as the IncomingMessage itself; failures below HTTP reject with Node's
 * own error and its `code` (ECONNREFUSED, ECONNRESET, the agent's connect timeout...).
 *
 * Time: `timeout` bounds the whole exchange from the moment it is asked for (waiting for one of the pool's
 * sockets included) until a `text` body is complete, or until a `stream` answer's headers; then ETIMEDOUT, as
 * axios's. A streamed body has no total bound (a 100 MB download may take minutes) but may not stall: it fails
 * after `timeout` ms without a byte while it is being read, not while its reader holds it back.
 * Size: a `text` body over MAX_JSON_RESPONSE_BYTES fails the request; of an error answer's body only the first
 * MAX_ERROR_BODY_BYTES are kept.
 */
export const connectHttpAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig) => {
  const gate = (config as GatedRequestConfig).connectGate;
  // Held before the request exists: a call waiting for its gate holds no socket of the account's pool.
  return gate === undefined ? exchange(config) : gate.then(() => exchange(config));
};

function exchange(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  return new Promise<AxiosResponse>((resolve, reject) => {
    const url = config.url!;
    const secure = url.startsWith('https:');
    const headers = config.headers.toJSON() as Record<string, string>;
    const body = typeof config.data === 'string' ? config.data : undefined;
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    const options: http.RequestOptions = {
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      agent: secure ? config.httpsAgent : config.httpAgent,
    };
    const timeoutMs = config.timeout ?? 0;
    const onResponse = (res: IncomingMessage) => {
      const respond = (data: unknown) =>
        resolve({ data, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers as AxiosResponseHeaders, config, request: req });
      if (config.responseType === 'stream') {
        clearTimeout(deadline);
        if (timeoutMs > 0) guardStall(req, res, timeoutMs);
        respond(res);
        return;
      }
      const status = res.statusCode ?? 0;
      const keep = status >= 200 && status < 300 ? MAX_JSON_RESPONSE_BYTES : MAX_ERROR_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= keep) {
          if (keep === MAX_JSON_RESPONSE_BYTES) req.destroy(tooLargeError());
          return;
        }
        chunks.push(size + chunk.length > keep ? chunk.subarray(0, keep - size) : chunk);
        size += chunk.length;
      });
      res.on('end', () => respond(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
      // Closed before the whole body arrived (after 'end' this is a no-op: the promise is settled).
      res.on('close', () => {
        clearTimeout(deadline);
        if (!res.complete) reject(abortedError());
      });
    };
    const req = secure ? https.request(url, options, onResponse) : http.request(url, options, onResponse);
    const deadline = timeoutMs > 0 ? setTimeout(() => req.destroy(timeoutError(timeoutMs)), timeoutMs) : undefined;
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(body);
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
