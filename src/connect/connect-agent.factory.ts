import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** `code` of the error a socket is destroyed with when it cannot connect in time (ours, not Node's). */
export const CONNECT_TIMEOUT_CODE = 'ERR_CONNECT_SOCKET_TIMEOUT';

/**
 * Idle keep-alive sockets are closed after this long, below the usual 5 s server keep-alive, so a POST
 * (never retried) is not written to a socket the server is about to close.
 */
export const FREE_SOCKET_TIMEOUT_MS = 4_000;

/** TCP keep-alive probes after a minute idle, as undici's sockets (the agent's default, 1 s, is set on every release). */
const TCP_KEEPALIVE_MS = 60_000;

export interface ConnectAgentSettings {
  connectTimeoutMs: number;
  maxSockets: number;
}

/**
 * Destroys a socket that has not finished connecting (TCP, and the TLS handshake for https) within
 * `timeoutMs`. The timer runs per new socket, not per request, and stops once the socket is usable, so a
 * slow *response* is left to the request timeout: that is what tells "cannot connect" from "slow".
 */
function armConnectTimer(socket: Duplex | null | undefined, timeoutMs: number, readyEvent: 'connect' | 'secureConnect'): void {
  if (!socket) return;
  // The agent's free-socket idle timeout would otherwise also apply while connecting and surface as a request timeout.
  (socket as Socket).setTimeout(0);
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`could not connect within ${timeoutMs} ms`), { code: CONNECT_TIMEOUT_CODE }));
  }, timeoutMs);
  const clear = () => clearTimeout(timer);
  socket.once(readyEvent, clear);
  socket.once('close', clear);
}

/**
 * What a plain-http socket reads at most at a time. Node otherwise reads 64 KB into a fresh buffer on every read,
 * which a relayed download turns into 1,600 allocations, reads and parser calls per 100 MB. Below the 128 KB
 * `mmap_threshold` that `npm start` gives glibc, so the body chunks the HTTP parser copies out come from the heap.
 */
export const SOCKET_READ_BYTES = 120 * 1024;

class ConnectHttpAgent extends http.Agent {
  /**
   * Shared by this agent's sockets (one connected account's): Node's HTTP client hands each read to its parser
   * at once, and the parser copies out what it keeps (headers into strings, body chunks into buffers of their
   * own), so the next read may overwrite it. A 100 MB download through the service: 105–108 ms of its CPU with
   * Node's reads, 65–75 ms with these (three alternated rounds of eight; `bench/HISTORY.md`).
   */
  readonly #readBuffer = Buffer.allocUnsafe(SOCKET_READ_BYTES);

  constructor(private readonly connectTimeoutMs: number, options: http.AgentOptions) {
    super(options);
  }

  // The socket is returned, so the agent never uses `callback` (Node's own passes it on as a connect listener).
  override createConnection(options: http.ClientRequestArgs) {
    const buffer = this.#readBuffer;
    const onread = {
      buffer,
      callback: (bytes: number) => {
        socket.emit('data', buffer.subarray(0, bytes));
        return true; // keep reading; pausing is left to socket.pause(), as the HTTP client does
      },
    };
    const socket: Socket = net.createConnection({ ...(options as net.TcpNetConnectOpts), onread });
    armConnectTimer(socket, this.connectTimeoutMs, 'connect');
    return socket;
  }
}

class ConnectHttpsAgent extends https.Agent {
  constructor(private readonly connectTimeoutMs: number, options: https.AgentOptions) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    armConnectTimer(socket, this.connectTimeoutMs, 'secureConnect');
    return socket;
  }
}

/**
 * One bounded keep-alive agent for one Connect server's file content (its JSON calls use the account's undici pool,
 * connect-pool.factory.ts); only the scheme of `baseUrl` is ever used.
 */
export function createConnectAgent(baseUrl: URL, settings: ConnectAgentSettings): http.Agent {
  const options: http.AgentOptions = {
    keepAlive: true,
    keepAliveMsecs: TCP_KEEPALIVE_MS,
    maxSockets: settings.maxSockets,
    maxFreeSockets: settings.maxSockets,
    timeout: FREE_SOCKET_TIMEOUT_MS,
    scheduling: 'lifo',
  };
  return baseUrl.protocol === 'https:'
    ? new ConnectHttpsAgent(settings.connectTimeoutMs, options)
    : new ConnectHttpAgent(settings.connectTimeoutMs, options);
}
