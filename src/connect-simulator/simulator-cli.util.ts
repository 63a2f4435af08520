import type { ConnectSimulatorOptions, FaultSettings } from './simulator-options.types.js';

export const SIMULATOR_USAGE = `Usage: node dist/src/connect-simulator/main.js [options]

  --port N                 port to listen on, 0 picks a free one (env SIMULATOR_PORT, default 8080)
  --host HOST              interface to bind (default 127.0.0.1)
  --seed FILE              JSON seed file (env SIMULATOR_SEED); the built-in demo data set when absent
  --generate N             fill a vault with N generated LOGIN items
  --vault NAME             vault for --generate (default "Generated", created when missing)
  --latency MS             added latency on every /v1 request
  --error-rate R           share (0..1) of /v1 requests answered with an error status
  --error-statuses LIST    statuses used in turn by --error-rate (default 500,503,429)
  --retry-after S          Retry-After seconds on injected 429/503 (default 1)
  --sync-timeout-rate R    share of /v1 requests answered 408 after --sync-timeout-ms
  --sync-timeout-ms MS     hold before a sync-timeout 408 (default 10000, like OP_SYNC_TIMEOUT)
  --reset-rate R           share of /v1 requests whose connection is reset mid-response
  --sync-not-ready         start with sync not ready: /health reports it, /v1 answers 500
  --admin-secret S         secret for the X-Simulator-Admin header of /__admin (generated when absent)
  --inline-limit-kb N      largest file inlined by inline_files=true, like OP_MAX_INLINE_FILE_SIZE_KB (default 1024)
  --connect-version V      version reported in 1Password-Connect-Version (default 1.7.3)
  --help                   show this help
`;

export interface SimulatorCliConfig {
  help: boolean;
  options: ConnectSimulatorOptions;
}

const BOOLEAN_FLAGS = new Set(['--sync-not-ready', '--help']);

function number(flag: string, raw: string, check: (n: number) => boolean, expected: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !check(value)) throw new Error(`${flag} expects ${expected}, got "${raw}"`);
  return value;
}

const integer = (flag: string, raw: string) => number(flag, raw, (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer');
const rate = (flag: string, raw: string) => number(flag, raw, (n) => n >= 0 && n <= 1, 'a number between 0 and 1');

/** Reads the CLI flags (and the SIMULATOR_PORT / SIMULATOR_SEED fallbacks) into simulator options. */
export function parseSimulatorArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SimulatorCliConfig {
  const options: ConnectSimulatorOptions = {};
  const faults: Partial<FaultSettings> = {};
  let vault: string | undefined;
  let help = false;
  const handlers: Record<string, (raw: string) => void> = {
    '--port': (raw) => (options.port = integer('--port', raw)),
    '--host': (raw) => (options.host = raw),
    '--seed': (raw) => (options.seed = raw),
    '--generate': (raw) => (options.generate = { items: integer('--generate', raw) }),
    '--vault': (raw) => (vault = raw),
    '--latency': (raw) => (faults.latencyMs = integer('--latency', raw)),
    '--error-rate': (raw) => (faults.errorRate = rate('--error-rate', raw)),
    '--error-statuses': (raw) => (faults.errorStatuses = raw.split(',').map((s) => integer('--error-statuses', s))),
    '--retry-after': (raw) => (faults.retryAfterSeconds = integer('--retry-after', raw)),
    '--sync-timeout-rate': (raw) => (faults.syncTimeoutRate = rate('--sync-timeout-rate', raw)),
    '--sync-timeout-ms': (raw) => (options.syncTimeoutMs = integer('--sync-timeout-ms', raw)),
    '--reset-rate': (raw) => (faults.resetRate = rate('--reset-rate', raw)),
    '--sync-not-ready': () => (faults.syncReady = false),
    '--admin-secret': (raw) => (options.adminSecret = raw),
    '--inline-limit-kb': (raw) => (options.inlineFileLimitBytes = integer('--inline-limit-kb', raw) * 1024),
    '--connect-version': (raw) => (options.version = raw),
    '--help': () => (help = true),
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const flag = name === '-h' ? '--help' : name;
    const handler = handlers[flag];
    if (!handler) throw new Error(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${argv[i]}"`);
    if (BOOLEAN_FLAGS.has(flag)) handler('');
    else if (inline !== undefined) handler(inline);
    else if (i + 1 < argv.length) handler(argv[++i]);
    else throw new Error(`${flag} needs a value`);
  }
  options.port ??= integer('SIMULATOR_PORT', env.SIMULATOR_PORT ?? '8080');
  if (!options.seed && env.SIMULATOR_SEED) options.seed = env.SIMULATOR_SEED;
  if (vault !== undefined) {
    if (!options.generate) throw new Error('--vault only applies with --generate');
    options.generate.vault = vault;
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  return { help, options };
}
