import { Pool } from 'undici';

/**
 * Idle keep-alive sockets are closed after this long, below the usual 5 s server keep-alive, so a POST
 * (never retried) is not written to a socket the server is about to close.
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

export interface ConnectPoolSettings {
  connectTimeoutMs: number;
  maxSockets: number;
}

/**
 * One bounded keep-alive pool for one Connect server (only the origin of `baseUrl` is used). undici rather than
 * node:http: for a 3 KB item at c=32 its client costs 55–60 µs of CPU a call against 145–180 µs for node:http with
 * a keep-alive agent, and relays a 100 MB download for about the same CPU (`bench/HISTORY.md`, 2026-11-30 03:43).
 * The connect timeout covers TCP and, for https, the TLS handshake, and stops once the socket is usable: a slow
 * *response* is left to the request timeout, which is what tells "cannot connect" from "slow".
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
