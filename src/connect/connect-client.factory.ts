import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import type { AxiosInstance } from 'axios';
import { BodyBufferScavenger } from '../common/memory/body-buffer-scavenger.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { AppConfig } from '../config/app-config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createConnectAgent } from './connect-agent.factory.js';
import { emptyAxiosDefaults } from './empty-axios-defaults.util.js';
import { ConnectClient } from './connect-client.js';
import { createConnectPool } from './connect-pool.factory.js';
import { type ConnectAccountCredentials, ConnectTransport } from './connect-transport.js';
import { RetryPolicy } from './retry-policy.js';

export type ConnectSettings = AppConfig['connect'];

/** Per-client adjustments: any setting, plus clocks and sleep so tests need not wait for real. */
export interface ConnectClientOverrides extends Partial<ConnectSettings> {
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
  now?: () => number;
}

/**
 * Creates one ConnectClient per connected account. Each client gets its own keep-alive pool (API calls) and agent (file content), retry
 * policy and circuit breaker, and shares the HttpService's axios instance (used via `axiosRef`, its defaults
 * emptied: each call carries its whole config). Whoever keeps the clients (the account registry) must call
 * `destroy()` on one it drops.
 */
@Injectable()
export class ConnectClientFactory {
  private readonly settings: ConnectSettings;
  private readonly axios: AxiosInstance;
  /** Applied to every new client (src/metrics instruments its calls); set once at start-up. */
  private decorate?: (client: ConnectClient) => ConnectClient;

  constructor(
    httpService: HttpService,
    config: AppConfig,
    private readonly scavenger: BodyBufferScavenger,
  ) {
    this.settings = config.connect;
    this.axios = emptyAxiosDefaults(httpService.axiosRef);
  }

  /** Registers what every client created from now on passes through (one decorator: the metrics). */
  setClientDecorator(decorate: (client: ConnectClient) => ConnectClient): void {
    this.decorate = decorate;
  }

  create(credentials: ConnectAccountCredentials, overrides: ConnectClientOverrides = {}): ConnectClient {
    const settings = { ...this.settings, ...overrides };
    const url = ConnectClientFactory.parseBaseUrl(credentials.baseUrl);
    const client = new ConnectClient(new ConnectTransport(
      { ...credentials, baseUrl: `${url.origin}${url.pathname}` },
      {
        axios: this.axios,
        pool: createConnectPool(url, settings),
        agent: createConnectAgent(url, settings),
        retry: new RetryPolicy(settings),
        breaker: new CircuitBreaker(settings),
        requestTimeoutMs: settings.requestTimeoutMs,
        scavenger: this.scavenger,
      },
    ));
    return this.decorate ? this.decorate(client) : client;
  }

  /** Credentials in the URL would travel as Basic auth next to the token; a query or fragment would be dropped. */
  private static parseBaseUrl(baseUrl: string): URL {
    let url: URL | undefined;
    try {
      url = new URL(baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
      throw new AppException(ErrorCode.VALIDATION_FAILED, 'The Connect server URL must be an http(s) URL without credentials, query or fragment');
    }
    return url;
  }
}
