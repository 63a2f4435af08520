import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { AppConfig } from './config/app-config.js';
import { InvalidEnvironmentError, loadEnvironment } from './config/load-environment.js';

async function main(): Promise<void> {
  try {
    loadEnvironment();
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      process.stderr.write(`${error.message}\nThe service did not start. See README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  process.stdout.write(`wrk-onepassword listening on ${url.replace('[::1]', 'localhost')} (Swagger UI: ${url}/docs)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
