import { ConnectSimulator } from './connect-simulator.js';
import { parseSimulatorArgs, SIMULATOR_USAGE } from './simulator-cli.util.js';

/** CLI entry point: the only simulator module that reads process.argv and process.env. */
async function main(): Promise<void> {
  const config = parseSimulatorArgs(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(SIMULATOR_USAGE);
    return;
  }
  const simulator = await ConnectSimulator.start(config.options);
  const seededTokens = simulator.tokens.length;
  console.log(`Connect simulator listening on ${simulator.url}`);
  if (seededTokens === 0) console.log(`Token: ${simulator.defaultToken()}`);
  if (!config.options.adminSecret) console.log(`Admin secret: ${simulator.adminSecret}`);

  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`Connect simulator failed to start: ${(error as Error).message}`);
  process.exit(1);
});
