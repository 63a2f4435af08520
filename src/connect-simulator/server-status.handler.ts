import type { FaultInjector } from './fault-injector.js';
import type { RequestMetrics } from './request-metrics.js';
import { SimResponses, type SimResponse } from './sim-response.js';
import type { SimulatorStore } from './simulator-store.js';
import type { TokenRegistry } from './token-registry.js';

export interface ServerStatusDeps {
  version: string;
  faults: FaultInjector;
  metrics: RequestMetrics;
  store: SimulatorStore;
  tokens: TokenRegistry;
}

/** `/heartbeat`, `/health` and `/metrics`: outside `/v1`, no token needed. */
export class ServerStatusHandler {
  constructor(private readonly deps: ServerStatusDeps) {}

  /** The response for a status path, or undefined when `path` is not one. */
  handle(method: string, path: string, authorization: string | undefined): SimResponse | undefined {
    const route = { '/heartbeat': () => this.heartbeat(), '/health': () => this.health(authorization), '/metrics': () => this.metrics() }[path];
    if (!route) return undefined;
    return method === 'GET' ? route() : SimResponses.error(405, 'Method Not Allowed', { Allow: 'GET' });
  }

  private heartbeat(): SimResponse {
    return SimResponses.text(200, '.');
  }

  /**
   * A valid token sent to `/health` unlocks a server waiting for one (v1.1.0). The sync it starts is not done
   * when this answer is made, so this answer still reports TOKEN_NEEDED and later requests find the server ready
   * [inferred]. `account_data`, the state of the local data (v1.1.0), follows the sync's [inferred].
   */
  private health(authorization: string | undefined): SimResponse {
    const syncReady = this.deps.faults.syncReady;
    const status = syncReady ? 'ACTIVE' : 'TOKEN_NEEDED';
    if (!syncReady && authorization !== undefined && this.deps.tokens.accepts(authorization)) this.deps.faults.unlockSync();
    return SimResponses.json(200, {
      name: '1Password Connect API',
      version: this.deps.version,
      dependencies: [
        { service: 'sync', status },
        { service: 'sqlite', status: 'ACTIVE', message: 'Connected to ~/1password.sqlite' },
        { service: 'account_data', status },
      ],
    });
  }

  private metrics(): SimResponse {
    const vaults = this.deps.store.vaults();
    return SimResponses.text(
      200,
      this.deps.metrics.exposition({
        connect_simulator_vaults: { help: 'Vaults held by the simulator.', value: vaults.length },
        connect_simulator_items: { help: 'Items held by the simulator.', value: this.deps.store.totalItems() },
      }),
      'text/plain; version=0.0.4; charset=utf-8',
    );
  }
}
