import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ActivityLog } from './activity-log.js';
import { AdminApiHandler } from './admin-api.handler.js';
import { DEFAULT_CONNECT_VERSION } from './connect-api.constants.js';
import { ConnectApiHandler } from './connect-api.handler.js';
import { demoSeed } from './demo-seed.data.js';
import { FaultInjector } from './fault-injector.js';
import { generateLoginItems } from './generated-items.util.js';
import { RequestDispatcher } from './request-dispatcher.js';
import { RequestMetrics } from './request-metrics.js';
import { RingBuffer } from './ring-buffer.js';
import { applySeed } from './seed-loader.util.js';
import { ServerStatusHandler } from './server-status.handler.js';
import type {
  ConnectSimulatorOptions,
  FaultSettings,
  RecordedRequest,
  SimulatorToken,
  VaultPermission,
} from './simulator-options.types.js';
import type { SimulatorSeed } from './simulator-seed.types.js';
import { SimulatorStore } from './simulator-store.js';
import { TokenRegistry } from './token-registry.js';
import { WireSerializer } from './wire-serializer.js';

const DEFAULT_INLINE_FILE_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_SYNC_TIMEOUT_MS = 10_000;

async function loadSeed(seed: ConnectSimulatorOptions['seed']): Promise<SimulatorSeed> {
  if (seed === undefined) return demoSeed();
  if (typeof seed !== 'string') return seed;
  try {
    return JSON.parse(await readFile(seed, 'utf8')) as SimulatorSeed;
  } catch (error) {
    throw new Error(`cannot read seed file ${seed}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A faithful in-process emulation of the 1Password Connect Server REST API over plain node:http, for tests,
 * benchmarks and demos. Start it with `ConnectSimulator.start()`, point a client at `url` with
 * `defaultToken()`, and stop it with `stop()`.
 */
export class ConnectSimulator {
  readonly store: SimulatorStore;
  readonly adminSecret: string;
  private readonly host: string;
  private boundPort: number;
  private readonly registry = new TokenRegistry();
  private readonly faultInjector: FaultInjector;
  private readonly requestLog = new RingBuffer<RecordedRequest>(10_000);
  private readonly server: Server;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;
  private minted?: { token: string; storeRevision: number };

  private constructor(options: ConnectSimulatorOptions, seed: SimulatorSeed) {
    const clock = options.clock ?? Date.now;
    const version = options.version ?? DEFAULT_CONNECT_VERSION;
    const serializer = new WireSerializer(clock);
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.adminSecret = options.adminSecret ?? randomBytes(16).toString('hex');
    this.store = new SimulatorStore(clock, serializer, this.registry.userId);
    this.faultInjector = new FaultInjector(options.faults ?? {}, options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS);
    applySeed(seed, this.store, this.registry);
    if (options.generate) generateLoginItems(this.store, options.generate.vault ?? 'Generated', options.generate.items);
    // Warm the list caches so the first benchmark request does not pay for serialisation.
    for (const vault of this.store.vaults()) this.store.itemListJson(vault);

    const metrics = new RequestMetrics();
    const dispatcher = new RequestDispatcher({
      version,
      faults: this.faultInjector,
      metrics,
      requests: this.requestLog,
      status: new ServerStatusHandler({ version, faults: this.faultInjector, metrics, store: this.store, tokens: this.registry }),
      api: new ConnectApiHandler({
        store: this.store,
        tokens: this.registry,
        serializer,
        activity: new ActivityLog(clock),
        inlineFileLimitBytes: options.inlineFileLimitBytes ?? DEFAULT_INLINE_FILE_LIMIT_BYTES,
      }),
      admin: new AdminApiHandler({
        secret: this.adminSecret,
        faults: this.faultInjector,
        requests: this.requestLog,
        stopListener: (restartAfterMs) => this.stopFromAdmin(restartAfterMs),
      }),
    });
    this.server = createServer(dispatcher.listener);
  }

  static async start(options: ConnectSimulatorOptions = {}): Promise<ConnectSimulator> {
    const simulator = new ConnectSimulator(options, await loadSeed(options.seed));
    await simulator.startListener();
    return simulator;
  }

  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Seed tokens and every token minted so far. */
  get tokens(): SimulatorToken[] {
    return [...this.registry.tokens];
  }

  /** A token with read and write on every vault; minted again if vaults were added since. */
  defaultToken(): string {
    if (this.minted?.storeRevision !== this.store.revision) {
      this.minted = { token: this.createToken({ '*': ['read', 'write'] }), storeRevision: this.store.revision };
    }
    return this.minted.token;
  }

  /** Mints a JWT-shaped token; `vaults` keys are vault ids, vault names, or `*` for every current vault. */
  createToken(vaults: Record<string, VaultPermission[]>): string {
    const scopes: Record<string, VaultPermission[]> = {};
    for (const [key, permissions] of Object.entries(vaults)) {
      const vaultIds = key === '*' ? this.store.vaults().map((vault) => vault.id) : [this.store.findVault(key)?.id];
      for (const vaultId of vaultIds) {
        if (!vaultId) throw new Error(`unknown vault "${key}"`);
        scopes[vaultId] = [...new Set([...(scopes[vaultId] ?? []), ...permissions])];
      }
    }
    return this.registry.mint(scopes);
  }

  setFaults(faults: Partial<FaultSettings>): void {
    this.faultInjector.update(faults);
  }

  resetFaults(): void {
    this.faultInjector.reset();
  }

  faults(): FaultSettings {
    return this.faultInjector.current();
  }

  /** Every non-admin request seen (newest 10,000) in arrival order; status is 0 while one is still being answered. */
  requests(): RecordedRequest[] {
    return this.requestLog.toArray().map((request) => ({ ...request }));
  }

  clearRequests(): void {
    this.requestLog.clear();
  }

  /** Listens again on the same port (the first start uses the configured one, 0 picking a free port). */
  async startListener(): Promise<void> {
    clearTimeout(this.restartTimer);
    if (this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.boundPort, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and drops the open ones, as a crashed server would. */
  async stopListener(): Promise<void> {
    clearTimeout(this.restartTimer);
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Stops for good: a pending admin-requested restart is cancelled. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopListener();
  }

  private stopFromAdmin(restartAfterMs: number | undefined): void {
    void this.stopListener().then(() => {
      if (restartAfterMs === undefined || this.stopped) return;
      this.restartTimer = setTimeout(() => {
        this.startListener().catch((error: unknown) => console.error(`Connect simulator could not restart: ${(error as Error).message}`));
      }, restartAfterMs);
    });
  }
}
