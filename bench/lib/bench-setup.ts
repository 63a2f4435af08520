import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Child } from './processes.js';

/** What the bench and the A/B tool set up alike: the simulator's data, the service's settings, the bench tenant. */

// Fixed ids (26 × [a-z0-9], as Connect's) so that every request is known before the simulator starts.
export const VAULT_BENCH = 'benchlist0000000000000000a';
export const VAULT_FILES = 'benchfiles000000000000000a';
export const VAULT_WRITES = 'benchwrites00000000000000a';
export const ITEM_RICH = 'benchrichitem000000000000a';
export const ITEM_BIG = 'benchbigfile0000000000000a';
export const FILE_BIG = 'benchbigfilecontent00000a0';
export const ITEM_PATCH = 'benchpatchtarget000000000a';
export const GENERATED_ITEMS = 10_000;
export const FILE_SIZE = 100 * 1024 * 1024;

export const svcHeaders = (key: string, json = false): Record<string, string> => ({
  authorization: `Bearer ${key}`,
  ...(json ? { 'content-type': 'application/json' } : {}),
});

/** Simulator data: 10,000 generated items in "Bench", a rich item, a 100 MB generated file, a PATCH target. */
export function seed(): unknown {
  const otpSecret = 'JBSWY3DPEHPK3PXP';
  return {
    vaults: [
      { id: VAULT_BENCH, name: 'Bench', description: `${GENERATED_ITEMS} generated login items` },
      {
        id: VAULT_FILES,
        name: 'Bench files',
        items: [
          {
            // About 2.5 KB of JSON, like the calibration's upstream item: fields, sections, a file, an OTP.
            id: ITEM_RICH, title: 'Production database', category: 'LOGIN', tags: ['prod', 'db', 'bench'],
            urls: [{ href: 'https://db.prod.example.com', primary: true }, { href: 'https://console.example.com/db', label: 'console' }],
            sections: [{ id: 'conn', label: 'Connection details' }, { id: 'ops', label: 'Operations' }],
            fields: [
              { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'svc-orders-writer@example.com' },
              { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'n7#Qv9!pLw2@Zr5$Xk8^Mt3&' },
              { id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: 'Rotated by the quarterly workflow. Owner: platform team.' },
              { id: 'host', type: 'STRING', label: 'host', value: 'orders-db.prod.internal', section: { id: 'conn' } },
              { id: 'port', type: 'STRING', label: 'port', value: '5432', section: { id: 'conn' } },
              { id: 'database', type: 'STRING', label: 'database', value: 'orders', section: { id: 'conn' } },
              { id: 'sslmode', type: 'STRING', label: 'sslmode', value: 'verify-full', section: { id: 'conn' } },
              { id: 'oncall', type: 'EMAIL', label: 'on-call', value: 'dba-oncall@example.com', section: { id: 'ops' } },
              { id: 'runbook', type: 'URL', label: 'runbook', value: 'https://wiki.example.com/runbooks/orders-db', section: { id: 'ops' } },
              { id: 'apikey', type: 'CONCEALED', label: 'monitoring api key', value: 'mon_3f9a8c7d6e5b4a3f2e1d0c9b8a7f6e5d', section: { id: 'ops' } },
              { id: 'otp', type: 'OTP', label: 'one-time password', value: `otpauth://totp/orders-db?secret=${otpSecret}&issuer=Example`, section: { id: 'ops' } },
            ],
            files: [{ name: 'ca-chain.pem', content: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB...bench...\n-----END CERTIFICATE-----\n').toString('base64'), section: { id: 'conn' } }],
          },
          { id: ITEM_BIG, title: 'Database backup', category: 'SECURE_NOTE', files: [{ id: FILE_BIG, name: 'backup.bin', generated: true, size: FILE_SIZE }] },
        ],
      },
      {
        id: VAULT_WRITES,
        name: 'Bench writes',
        items: [
          {
            id: ITEM_PATCH, title: 'Rotation target', category: 'LOGIN',
            fields: [
              { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'rotation-user' },
              { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'initial-Passw0rd!' },
            ],
          },
        ],
      },
    ],
  };
}

/** The simulator in its own process, from the build under `root`, with the bench data. */
export async function startSimulator(root: string, work: string): Promise<{ child: Child; url: string; token: string }> {
  const seedFile = join(work, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed()));
  const child = Child.start('simulator', process.execPath, [
    join(root, 'dist/src/connect-simulator/main.js'), '--port', '0', '--seed', seedFile, '--generate', String(GENERATED_ITEMS), '--vault', 'Bench',
    '--admin-secret', randomBytes(16).toString('hex'),
  ], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const url = (await child.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1];
  const token = (await child.waitFor(/^Token: (\S+)/, 10_000))[1];
  return { child, url, token };
}

/** The service's environment under load: production settings, fresh keys, rate limits that never refuse. */
export function serviceEnv(port: number, platformKey: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PLATFORM_API_KEY: platformKey,
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    // The per-tenant and per-account limits (6,000 and 3,000 a minute by default) would answer the load with 429:
    // raised to their maximum, the limiter still counts every request but never refuses one.
    RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
    RATE_LIMIT_ACCOUNT_PER_MINUTE: '10000000',
  };
}

export async function api<T>(url: string, key: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const res = await fetch(url, { method, headers: svcHeaders(key, body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export type CreatedTenant = { tenant: { id: string }; apiKey: { key: string } };

/** The bench tenant, an operator key of it and its connected account (the simulator), through the API. */
export async function createBenchAccount(serviceUrl: string, platformKey: string, sim: { url: string; token: string }) {
  const bench = await api<CreatedTenant>(`${serviceUrl}/v1/tenants`, platformKey, { name: 'bench' });
  const operatorKey = (await api<{ key: string }>(`${serviceUrl}/v1/api-keys`, bench.apiKey.key, { name: 'bench operator', role: 'operator' })).key;
  const account = await api<{ id: string }>(`${serviceUrl}/v1/connected-accounts`, bench.apiKey.key, { name: 'bench simulator', connectServerUrl: sim.url, connectToken: sim.token });
  return { tenantId: bench.tenant.id, operatorKey, accountId: account.id };
}
