import './common/memory/start-up-memory.preload.js';
import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { InvalidEnvironmentError } from './config/load-environment.js';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  process.stdout.write(`wrk-onepassword listening on ${url} (Swagger UI: ${url}/docs)\n`);
}

main().catch((error: unknown) => {
  const hint = error instanceof InvalidEnvironmentError ? '\nThe service did not start. See README.md, "Configuration".' : '';
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exit(1);
});
