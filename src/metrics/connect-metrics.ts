import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app-exception.js';
import type { ConnectClient } from '../connect/connect-client.js';
import { ConnectClientFactory } from '../connect/connect-client.factory.js';
import { MetricsService } from './metrics.service.js';

/** The ConnectClient operations that call Connect; each is timed and its failures counted. */
export const CONNECT_OPERATIONS = [
  'listVaults', 'getVault', 'listItems', 'getItem', 'createItem', 'replaceItem', 'patchItem', 'deleteItem',
  'listFiles', 'getFile', 'getFileContent', 'listActivity', 'heartbeat', 'health',
] as const satisfies readonly (keyof ConnectClient)[];

type Operation = (typeof CONNECT_OPERATIONS)[number];
type AnyCall = (...args: unknown[]) => Promise<unknown>;

/**
 * Instruments every Connect call at one place: ConnectClientFactory passes each new client here, and each of
 * its operations is replaced (on that instance) by a timed wrapper. The label children of the account's
 * histogram are resolved once per client; a call costs two clock reads and one `then`.
 * `getFileContent` is timed until the stream is handed over, not until it is read.
 * A read that started while its audit record was committing (ConnectClient.after) counts the rest of that wait too.
 */
@Injectable()
export class ConnectMetrics {
  constructor(
    private readonly metrics: MetricsService,
    factory: ConnectClientFactory,
  ) {
    factory.setClientDecorator((client) => this.instrument(client));
  }

  instrument(client: ConnectClient): ConnectClient {
    const accountId = client.accountId ?? 'unknown';
    const target = client as unknown as Record<Operation, AnyCall>;
    for (const operation of CONNECT_OPERATIONS) {
      const original = target[operation];
      if (typeof original !== 'function') continue;
      const timer = this.metrics.connectDuration.labels(accountId, operation);
      const errors = this.metrics.connectErrors;
      // `this`, not `client`: a per-request view (ConnectClient.after) calls through here with its own gate.
      target[operation] = function (this: ConnectClient, ...args: unknown[]) {
        const start = performance.now();
        return original.apply(this, args).then(
          (value) => {
            timer.observe((performance.now() - start) / 1000);
            return value;
          },
          (error: unknown) => {
            timer.observe((performance.now() - start) / 1000);
            errors.labels(accountId, operation, error instanceof AppException ? error.code : 'INTERNAL_ERROR').inc();
            throw error;
          },
        );
      };
    }
    return client;
  }
}
