import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../app.factory.js';
import { AppConfig } from '../config/app-config.js';
import { ConnectSimulator } from '../connect-simulator/connect-simulator.js';
import { DemoSetupService, type DemoSetupResult } from './demo-setup.service.js';
import { freePort, isPortFree } from '../common/net/ports.util.js';

/** Where the simulator listens when the port is free: the Connect Server's usual port. */
export const DEMO_SIMULATOR_PORT = 8080;

export interface DemoOptions {
  /** The demo's DATA_DIR (embedded database, development encryption key). */
  dataDir: string;
  /** The service's port; 0 = any free port. A busy port is replaced by a free one (see `notices`). */
  port: number;
  /** The simulator's preferred port; a free one is used when it is busy. Default 8080. */
  simulatorPort?: number;
  /** More variables for the service (tests); DATABASE_URL, DATA_DIR and PORT are the demo's own. */
  env?: Record<string, string | undefined>;
  /** Where the service's JSON logs go instead of stdout. */
  logStream?: Writable;
}

export interface RunningDemo extends DemoSetupResult {
  app: NestFastifyApplication;
  simulator: ConnectSimulator;
  dataDir: string;
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  swaggerUrl: string;
  /** Things the person starting the demo should know (a port that was taken, ...). */
  notices: string[];
  /** Stops the service (and its embedded database), then the simulator. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Demo mode: the Connect simulator with its demo vaults, the service on its embedded Postgres, and the demo
 * state (DemoSetupService). Used by `npm run demo` (demo.main.ts) and by the browser test, in-process.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const notices: string[] = [];
  const dataDir = resolve(options.dataDir);
  // Created here, traversable: the embedded Postgres runs as the postgres user when we are root.
  await mkdir(dataDir, { recursive: true, mode: 0o755 });

  const simulator = await startSimulator(options.simulatorPort ?? DEMO_SIMULATOR_PORT, notices);
  let app: NestFastifyApplication | undefined;
  try {
    const port = await choosePort(options.port, notices);
    app = await createApp({
      // Always the embedded database under dataDir; PORT so that every message the service prints names the real port.
      env: { ...options.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port) },
      logStream: options.logStream,
    });
    const config = app.get(AppConfig);
    await app.listen(config.port, config.host);
    const setup = await DemoSetupService.fromApp(app).prepare({ url: simulator.url, token: simulator.defaultToken() });
    const baseUrl = `http://localhost:${config.port}`;
    const running = app;
    let stopping: Promise<void> | undefined;
    return {
      ...setup,
      app: running,
      simulator,
      dataDir,
      baseUrl,
      swaggerUrl: `${baseUrl}/docs`,
      notices,
      stop: () => (stopping ??= stopAll(running, simulator)),
    };
  } catch (error) {
    await stopAll(app, simulator).catch(() => undefined);
    throw error;
  }
}

async function stopAll(app: NestFastifyApplication | undefined, simulator: ConnectSimulator): Promise<void> {
  try {
    await app?.close();
  } finally {
    await simulator.stop();
  }
}

async function startSimulator(preferredPort: number, notices: string[]): Promise<ConnectSimulator> {
  if (preferredPort !== 0) {
    try {
      return await ConnectSimulator.start({ port: preferredPort });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      notices.push(`Port ${preferredPort} is taken: the Connect simulator uses a free port instead.`);
    }
  }
  return ConnectSimulator.start({ port: 0 });
}

async function choosePort(port: number, notices: string[]): Promise<number> {
  if (port === 0) return freePort();
  if (await isPortFree(port, '0.0.0.0')) return port;
  const other = await freePort();
  notices.push(`Port ${port} is taken: the service listens on ${other} instead (set PORT or --port to choose).`);
  return other;
}
