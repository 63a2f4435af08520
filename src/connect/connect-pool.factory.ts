import { Pool } from 'undici';
import { FREE_SOCKET_TIMEOUT_MS } from './connect-agent.factory.js';

export interface ConnectPoolSettings {
  connectTimeoutMs: number;
  maxSockets: number;
}

/**
 * One bounded keep-alive pool for one Connect server's calls answered in JSON (file content goes through the
 * account's agent, connect-agent.factory.ts); only the origin of `baseUrl` is used. undici rather than node:http:
 * for a 3 KB item at c=32 its client costs 55–60 µs of CPU a call against 145–180 µs (`bench/HISTORY.md`).
 * The connect timeout covers TCP and, for https, the TLS handshake (undici's coarse timers: up to about a second
 * late), and stops once the socket is usable: a slow *response* is left to the request timeout.
 */
export function createConnectPool(baseUrl: URL, settings: ConnectPoolSettings): Pool {
  return new Pool(baseUrl.origin, {
    connections: settings.maxSockets,
    connect: { timeout: settings.connectTimeoutMs },
    keepAliveTimeout: FREE_SOCKET_TIMEOUT_MS,
    // A server's longer `Keep-Alive: timeout=` hint does not stretch it.
    keepAliveMaxTimeout: FREE_SOCKET_TIMEOUT_MS,
    // Time limits are per request (connect-http.adapter.ts).
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}
