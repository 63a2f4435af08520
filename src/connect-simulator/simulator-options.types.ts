import type { SimulatorSeed } from './simulator-seed.types.js';

export type VaultPermission = 'read' | 'write';

/** A bearer token the simulator accepts; `vaults` is keyed by vault id, or `*` for every vault. */
export interface SimulatorToken {
  token: string;
  vaults: Record<string, VaultPermission[]>;
}

/** One scripted fault, consumed by the first later /v1 request it matches. */
export interface FaultStep {
  status?: number;
  retryAfterSeconds?: number;
  /** Process the request, then reset the connection halfway through the response body. */
  reset?: boolean;
  delayMs?: number;
  method?: string;
  pathIncludes?: string;
}

export interface FaultSettings {
  latencyMs: number;
  /** Share (0..1) of /v1 requests answered with one of `errorStatuses`, taken in turn. */
  errorRate: number;
  errorStatuses: number[];
  /** Sent as `Retry-After` on injected 429 and 503 answers. */
  retryAfterSeconds: number;
  /** Share of /v1 requests held for `syncTimeoutMs`, then answered 408. */
  syncTimeoutRate: number;
  /** Share of /v1 requests whose connection is reset mid-response. */
  resetRate: number;
  syncReady: boolean;
  script: FaultStep[];
}

export type FaultKind = 'error' | 'sync-timeout' | 'reset' | 'sync-not-ready';

export interface RecordedRequest {
  method: string;
  /** Without the query string and without a trailing slash. */
  path: string;
  query: string;
  /** 0 until the answer is sent. */
  status: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  durationMs: number;
  fault?: FaultKind;
}

export interface ConnectSimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A seed object or the path of a JSON seed file; the built-in demo data set when absent. */
  seed?: SimulatorSeed | string;
  generate?: { vault?: string; items: number };
  adminSecret?: string;
  faults?: Partial<FaultSettings>;
  /** Like OP_MAX_INLINE_FILE_SIZE_KB, in bytes; default 1 MiB. */
  inlineFileLimitBytes?: number;
  version?: string;
  /** How long a sync-timeout fault holds the request before the 408, like OP_SYNC_TIMEOUT; default 10 s. */
  syncTimeoutMs?: number;
  /** Epoch-milliseconds clock for timestamps and TOTP codes; tests pin it to check RFC 6238 vectors. */
  clock?: () => number;
}
