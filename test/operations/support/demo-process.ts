import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledBuild } from './compiled-build.js';

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export interface DemoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `npm run demo` as a newcomer runs it (the compiled demo.main.js), with what its banner printed. */
export interface DemoProcess {
  child: ChildProcess;
  dataDir: string;
  swaggerUrl: string;
  baseUrl: string;
  apiKey: string;
  accountId: string;
  tenantId: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<DemoExit>;
}

/** A folder the embedded Postgres (run as the postgres user when we are root) can reach. */
export function demoDataDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wrk-demo-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

function match(output: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(output)?.[1];
  if (!found) throw new Error(`the demo did not print ${what}:\n${output}`);
  return found;
}

/** Starts the demo on free ports (service and simulator) and waits for its banner. */
export async function startDemoProcess(dataDir: string, extraArgs: string[] = []): Promise<DemoProcess> {
  const build = await compiledBuild();
  const child = spawn(process.execPath, [join(build, 'src', 'demo', 'demo.main.js'), '--port', '0', '--simulator-port', '0', '--data-dir', dataDir, ...extraArgs], {
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<DemoExit>((done) => child.once('exit', (code, signal) => done({ code, signal })));

  const started = Date.now();
  while (!output.includes('Ctrl+C stops')) {
    const early = await Promise.race([exited, new Promise<undefined>((wake) => setTimeout(() => wake(undefined), 100))]);
    if (early) throw new Error(`the demo exited (${JSON.stringify(early)}) before it was ready:\n${output}`);
    if (Date.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`the demo was not ready after ${START_TIMEOUT_MS} ms:\n${output}`);
    }
  }
  const swaggerUrl = match(output, /Swagger UI\s+(http:\/\/\S+\/docs)/, 'the Swagger URL');
  let stopped: Promise<DemoExit> | undefined;
  return {
    child,
    dataDir,
    swaggerUrl,
    baseUrl: swaggerUrl.replace(/\/docs$/, ''),
    apiKey: match(output, /Admin API key\s+(wrk_\S+)/, 'the admin key'),
    accountId: match(output, /Connected account\s+([0-9a-f-]{36})/, 'the connected account id'),
    tenantId: match(output, /Tenant\s+([0-9a-f-]{36})/, 'the tenant id'),
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      (stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const timer = setTimeout(() => {
          // Last resort, for a demo that hangs: end it and the Postgres it started (both by pid).
          child.kill('SIGKILL');
          const pid = postgresPid(dataDir);
          if (pid) process.kill(pid, 'SIGKILL');
        }, STOP_TIMEOUT_MS);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })()),
  };
}

/** The pid of the embedded Postgres running on `dataDir`, if any (first line of postmaster.pid). */
export function postgresPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
