import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { DatabaseServer } from './database-server.js';

const CHANNEL = 'wrk_events';
const RECONNECT_MS = 1000;

type Listener = (payload: string) => void;

/**
 * Cross-instance cache invalidation over Postgres LISTEN/NOTIFY: every instance sharing the database
 * hears `publish(topic, payload)` within milliseconds, including the one that sent it.
 */
@Injectable()
export class DatabaseNotifier implements OnModuleInit {
  private readonly logger = new Logger(DatabaseNotifier.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private client?: pg.Client;
  private closing = false;

  constructor(
    private readonly server: DatabaseServer,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  subscribe(topic: string, listener: Listener): void {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ topic, payload })]);
  }

  /** Called by the database shutdown sequence, before the pool and the server stop. */
  async close(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.server.url });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => {
      this.logger.warn(`notification connection lost: ${error.message}`);
      this.reconnectLater();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnectLater(): void {
    if (this.closing) return;
    this.client?.end().catch(() => undefined);
    setTimeout(() => this.connect().catch(() => this.reconnectLater()), RECONNECT_MS).unref();
  }

  private dispatch(raw: string | undefined): void {
    if (!raw) return;
    const { topic, payload } = JSON.parse(raw) as { topic: string; payload: string };
    for (const listener of this.listeners.get(topic) ?? []) listener(payload);
  }
}
