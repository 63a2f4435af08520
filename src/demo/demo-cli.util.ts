import { parseArgs } from 'node:util';
import type { RunningDemo } from './demo.js';

export interface DemoCliArgs {
  help: boolean;
  port?: number;
  simulatorPort?: number;
  dataDir?: string;
}

export const DEMO_USAGE = `Usage: npm run demo [-- options]

Starts the Connect simulator with demo vaults, the service on an embedded Postgres, a default tenant with a
fresh admin key, and the connected account "Demo Connect" pointing at the simulator. Ctrl+C stops everything.

Options:
  --port <n>            service port (default: PORT, else 3000; a free one when taken; 0 = any free port)
  --simulator-port <n>  Connect simulator port (default 8080; a free one when taken; 0 = any free port)
  --data-dir <dir>      demo data (default: <DATA_DIR>/demo, i.e. ./data/demo); delete it to start over
  -h, --help            this text
`;

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number (0-65535)`);
  return n;
}

export function parseDemoArgs(argv: string[]): DemoCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string' },
      'simulator-port': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') throw new Error('--data-dir must not be empty');
  return {
    help: values.help ?? false,
    port: port(values.port, '--port'),
    simulatorPort: port(values['simulator-port'], '--simulator-port'),
    dataDir,
  };
}

/** What `npm run demo` prints once everything runs. */
export function demoBanner(demo: RunningDemo, logFile?: string): string {
  const { account, apiKey, baseUrl } = demo;
  const vaults = account.vaults.map((vault) => vault.name ?? vault.id).join(', ');
  const curl = `curl -s -H "Authorization: Bearer ${apiKey.key}" ${baseUrl}/v1/connected-accounts/${account.id}/vaults`;
  return [
    '',
    '  ┌─ wrk-onepassword demo ─────────────────────────────────────────────────────',
    `  │ Swagger UI         ${demo.swaggerUrl}`,
    '  │                    Authorize -> api-key: paste the admin key below',
    `  │ Admin API key      ${apiKey.key}`,
    `  │                    ("${apiKey.name}", new each run${demo.revokedKeyIds.length ? `; ${demo.revokedKeyIds.length} earlier demo key(s) revoked` : ''})`,
    `  │ Connected account  ${account.id}  "${account.name}" (${demo.accountAction})`,
    `  │                    -> Connect simulator ${account.connectServerUrl}, vaults: ${vaults}`,
    `  │ Tenant             ${demo.tenantId}`,
    `  │ Data               ${demo.dataDir}  (delete it to start over)`,
    ...(logFile ? [`  │ Service log        ${logFile}  (tail -f it to watch requests)`] : []),
    '  │',
    '  │ Try it:',
    `  │   ${curl}`,
    '  │',
    '  │ Ctrl+C stops the service, its database and the simulator.',
    '  └────────────────────────────────────────────────────────────────────────────',
    ...demo.notices.map((notice) => `  Note: ${notice}`),
    '',
  ].join('\n') + '\n';
}
