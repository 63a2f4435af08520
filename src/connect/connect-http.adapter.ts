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

/**
 * The transport under the Connect client's axios calls: node:http(s) with the account's agent and nothing else.
 * axios's Node adapter also handles what Connect calls never use (redirects, proxies, decompression, progress
 * events, form data, rate limits) and cost about 100 µs of CPU per call here (a 2.5 KB item, c=32: 190–230 µs
 * through it, 114–144 µs with this adapter, 80 µs for node:http alone).
 *
 * The contract ConnectClient relies on: every status resolves (its `validateStatus` accepts all); `text` bodies
 * arrive as one string, `stream` bodies as the IncomingMessage itself; failures below HTTP reject with Node's
 * own error and its `code` (ECONNREFUSED, ECONNRESET, the agent's connect timeout...); a server silent for
 * `timeout` ms fails the request with ETIMEDOUT, as axios does (an idle-socket timeout, so a long download that
 * keeps moving is never cut).
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
    const onResponse = (res: IncomingMessage) => {
      const respond = (data: unknown) =>
        resolve({ data, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers as AxiosResponseHeaders, config, request: req });
      if (config.responseType === 'stream') {
        respond(res);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => respond(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
      // Closed before the whole body arrived (after 'end' this is a no-op: the promise is settled).
      res.on('close', () => {
        if (!res.complete) reject(abortedError());
      });
    };
    const req = secure ? https.request(url, options, onResponse) : http.request(url, options, onResponse);
    req.on('error', reject);
    if (config.timeout) req.setTimeout(config.timeout, () => req.destroy(timeoutError(config.timeout!)));
    req.end(body);
  });
}
