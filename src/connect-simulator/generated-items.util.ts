import type { SimulatorStore } from './simulator-store.js';
import type { StoredVault } from './simulator-store.types.js';

const SERVICES = ['GitHub', 'Postgres', 'Redis', 'Stripe', 'Slack', 'Jira', 'Datadog', 'Sentry', 'Twilio', 'SendGrid'];
const ENVIRONMENTS = ['prod', 'staging', 'dev'];
const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&*+-.:=?@_';
const PASSWORD_LENGTH = 24;
const PASSWORD_ENTROPY = Math.round(PASSWORD_LENGTH * Math.log2(PASSWORD_ALPHABET.length) * 100) / 100;

// Bound once: global lookups in hot loops are very slow inside Jest's vm sandbox.
const { floor, imul } = Math;

/** mulberry32: seeded, so benchmark data is identical from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = imul(state ^ (state >>> 15), 1 | state);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `vaultName` (created when missing) with `count` realistic LOGIN items for benchmarks. */
export function generateLoginItems(store: SimulatorStore, vaultName: string, count: number): StoredVault {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`cannot generate ${count} items`);
  const vault = store.findVault(vaultName) ?? store.addVault({ name: vaultName, description: 'Generated login items for benchmarks' });
  const random = seededRandom(0x5eed);
  for (let i = 1; i <= count; i++) {
    const service = SERVICES[i % SERVICES.length];
    const environment = ENVIRONMENTS[i % ENVIRONMENTS.length];
    const serial = String(i).padStart(5, '0');
    let password = '';
    for (let c = 0; c < PASSWORD_LENGTH; c++) password += PASSWORD_ALPHABET[floor(random() * PASSWORD_ALPHABET.length)];
    store.insertItem(vault, {
      title: `${service} ${environment} ${serial}`,
      category: 'LOGIN',
      urls: [{ href: `https://${environment}.${service.toLowerCase()}.example.com/login`, primary: true }],
      favorite: i % 50 === 0,
      tags: [environment, service.toLowerCase()],
      sections: [],
      fields: [
        { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: `svc-${service.toLowerCase()}-${serial}@example.com` },
        { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: password, entropy: PASSWORD_ENTROPY },
        { id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: `Generated ${environment} login ${serial}` },
      ],
    });
  }
  return vault;
}
