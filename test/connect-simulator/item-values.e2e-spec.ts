import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import { connectClient } from './connect-client.helper.js';

// Generated values (GeneratorRecipe, connect-api.md §4 and §11) and TOTP codes checked against RFC 6238 Appendix B.
const VAULT = 'valuesvault000000000000001';
const LETTERS = /[A-Za-z]/;
const DIGITS = /[0-9]/;
const SYMBOLS = /[^A-Za-z0-9]/;

function base32(ascii: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of Buffer.from(ascii)) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

describe('Connect simulator: generated passwords and TOTP', () => {
  let sim: ConnectSimulator;
  let api: ReturnType<typeof connectClient>;
  let now = Date.now();

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ seed: { vaults: [{ id: VAULT, name: 'Values' }] }, clock: () => now });
    api = connectClient(sim);
  });
  afterAll(() => sim.stop());

  async function generate(recipe?: unknown, extra: Record<string, unknown> = {}) {
    const res = await api.post(`/v1/vaults/${VAULT}/items`, {
      title: 'generated',
      category: 'LOGIN',
      fields: [{ type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', generate: true, recipe, ...extra }],
    });
    return { status: res.status, body: res.body, field: res.body.fields?.[0] };
  }

  describe('generated passwords', () => {
    it('defaults to 32 characters from letters, digits and symbols, with entropy and no stored recipe', async () => {
      const { status, field } = await generate();
      expect(status).toBe(200);
      expect(field.value).toHaveLength(32);
      for (const set of [LETTERS, DIGITS, SYMBOLS]) expect(field.value).toMatch(set);
      expect(field.entropy).toBeGreaterThan(150);
      expect(field.generate).toBeUndefined();
      expect(field.recipe).toBeUndefined();
    });

    it('honours the length bounds 1..64 and rejects others', async () => {
      for (const length of [1, 2, 17, 64]) expect((await generate({ length })).field.value).toHaveLength(length);
      for (const length of [0, 65, 12.5, -1, 'ten']) expect((await generate({ length })).status).toBe(400);
    });

    it('draws only from the chosen character sets, covering each of them', async () => {
      for (let i = 0; i < 10; i++) {
        expect((await generate({ length: 64, characterSets: ['DIGITS'] })).field.value).toMatch(/^\d{64}$/);
        expect((await generate({ length: 64, characterSets: ['LETTERS'] })).field.value).toMatch(/^[A-Za-z]{64}$/);
        const mixed = (await generate({ length: 3, characterSets: ['LETTERS', 'SYMBOLS'] })).field.value;
        expect(mixed).toMatch(LETTERS);
        expect(mixed).toMatch(SYMBOLS);
        expect(mixed).not.toMatch(DIGITS);
      }
      expect((await generate({ characterSets: [] })).field.value).toHaveLength(32);
    });

    it('leaves out excluded characters', async () => {
      for (let i = 0; i < 10; i++) {
        const value = (await generate({ length: 64, characterSets: ['DIGITS'], excludeCharacters: '0123456' })).field.value;
        expect(value).toMatch(/^[789]{64}$/);
        expect((await generate({ length: 64, excludeCharacters: 'aeiouAEIOU!#$' })).field.value).not.toMatch(/[aeiouAEIOU!#$]/);
      }
    });

    it('rejects unknown or repeated character sets and recipes that exclude every character', async () => {
      for (const characterSets of [['EMOJI'], ['toString'], ['DIGITS', 'DIGITS'], ['LETTERS', 'DIGITS', 'SYMBOLS', 'DIGITS']]) {
        expect([characterSets, (await generate({ characterSets })).status]).toEqual([characterSets, 400]);
      }
      expect((await generate({ characterSets: ['DIGITS'], excludeCharacters: '0123456789' })).status).toBe(400);
      expect((await generate('not a recipe')).status).toBe(400);
    });

    it('produces distinct crypto-random values', async () => {
      const values = new Set<string>();
      for (let i = 0; i < 20; i++) values.add((await generate({ length: 20 })).field.value);
      expect(values.size).toBe(20);
    });

    it('keeps a supplied value even with generate: true', async () => {
      expect((await generate(undefined, { value: 'given-Value-1' })).field.value).toBe('given-Value-1');
    });
  });

  describe('entropy (read-only, kept while the value is unchanged)', () => {
    const itemPath = (id: string) => `/v1/vaults/${VAULT}/items/${id}`;
    const byId = (body: { fields: { id: string }[] }, id: string) => body.fields.find((f) => f.id === id) as Record<string, unknown>;

    async function create(category: string, field: Record<string, unknown>) {
      const res = await api.post(`/v1/vaults/${VAULT}/items`, { title: 'entropy', category, fields: [field] });
      expect(res.status).toBe(200);
      return res.body;
    }

    it('keeps a generated non-password field\'s entropy across an unrelated PATCH', async () => {
      const item = await create('SERVER', { id: 'secret', type: 'CONCEALED', label: 'secret', generate: true });
      const entropy = byId(item, 'secret').entropy;
      expect(entropy).toEqual(expect.any(Number));
      const patched = await api.patch(itemPath(item.id), [{ op: 'replace', path: '/title', value: 'gen2' }]);
      expect(byId(patched.body, 'secret')).toMatchObject({ value: byId(item, 'secret').value, entropy });
      const relabelled = await api.patch(itemPath(item.id), [{ op: 'replace', path: '/fields/secret/label', value: 'key' }]);
      expect(byId(relabelled.body, 'secret').entropy).toBe(entropy);
    });

    it('keeps the generator\'s figure on a PASSWORD field, not an estimate from its characters', async () => {
      // DIGITS+SYMBOLS draws from 38 characters; an estimate from the value's character classes assumes 43.
      const item = await create('LOGIN', { type: 'CONCEALED', purpose: 'PASSWORD', generate: true, recipe: { characterSets: ['DIGITS', 'SYMBOLS'] } });
      const entropy = byId(item, 'password').entropy;
      const patched = await api.patch(itemPath(item.id), [{ op: 'replace', path: '/favorite', value: true }]);
      expect(byId(patched.body, 'password').entropy).toBe(entropy);
    });

    it('keeps it on a PUT of the item as read, ignores a client-sent figure and recomputes it for a new value', async () => {
      const item = await create('LOGIN', { type: 'CONCEALED', purpose: 'PASSWORD', generate: true, recipe: { characterSets: ['DIGITS', 'SYMBOLS'] } });
      const entropy = byId(item, 'password').entropy;
      const put = await api.put(itemPath(item.id), { ...item, title: 'renamed' });
      expect(byId(put.body, 'password').entropy).toBe(entropy);
      const forged = structuredClone(put.body);
      byId(forged, 'password').entropy = 1;
      expect(byId((await api.put(itemPath(item.id), forged)).body, 'password').entropy).toBe(entropy);
      const changed = await api.patch(itemPath(item.id), [{ op: 'replace', path: '/fields/password/value', value: 'abc' }]);
      // A changed value gets a fresh figure: 3 × log2(26).
      expect(byId(changed.body, 'password').entropy).toBe(14.1);
    });
  });

  describe('TOTP (RFC 6238 Appendix B)', () => {
    const vectors: [number, string, string, string][] = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    const secrets = {
      SHA1: base32('12345678901234567890'),
      SHA256: base32('12345678901234567890123456789012'),
      SHA512: base32('1234567890123456789012345678901234567890123456789012345678901234'),
    };

    async function codeAt(seconds: number, value: string): Promise<string> {
      now = seconds * 1000;
      const created = await api.post(`/v1/vaults/${VAULT}/items`, { title: 'otp', category: 'LOGIN', fields: [{ type: 'OTP', value }] });
      const fetched = await api.get(`/v1/vaults/${VAULT}/items/${created.body.id}`);
      expect(fetched.body.fields[0].totp).toBe(created.body.fields[0].totp);
      return fetched.body.fields[0].totp;
    }

    it('uses the RFC SHA1 secret "12345678901234567890" (base32 GEZDGNBVGY3TQOJQ..., not the GY3DQOJQ typo)', () => {
      expect(secrets.SHA1).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    });

    it.each(vectors)('at T=%i computes the 8-digit SHA1, SHA256 and SHA512 codes', async (seconds, sha1, sha256, sha512) => {
      const uri = (algorithm: keyof typeof secrets) => `otpauth://totp/RFC6238?secret=${secrets[algorithm]}&digits=8&algorithm=${algorithm}`;
      expect(await codeAt(seconds, uri('SHA1'))).toBe(sha1);
      expect(await codeAt(seconds, uri('SHA256'))).toBe(sha256);
      expect(await codeAt(seconds, uri('SHA512'))).toBe(sha512);
    });

    it('defaults to SHA1, 6 digits and a 30 s period', async () => {
      expect(await codeAt(59, `otpauth://totp/Example:me?secret=${secrets.SHA1}&issuer=Example`)).toBe('287082');
      expect(await codeAt(1111111109, `otpauth://totp/x?secret=${secrets.SHA1.toLowerCase()}`)).toBe('081804');
      // A bare base32 secret counts as the otpauth default.
      expect(await codeAt(1234567890, secrets.SHA1)).toBe('005924');
    });

    it('honours the period parameter', async () => {
      // With a 60 s period, T=119 s falls in counter 1, like T=59 s with 30 s.
      expect(await codeAt(119, `otpauth://totp/x?secret=${secrets.SHA1}&period=60&digits=8`)).toBe('94287082');
    });

    it('omits totp when the OTP value is not a TOTP secret', async () => {
      now = Date.now();
      const created = await api.post(`/v1/vaults/${VAULT}/items`, {
        title: 'bad otp',
        category: 'LOGIN',
        fields: [{ type: 'OTP', value: 'otpauth://hotp/x?secret=GEZDGNBV&counter=1' }, { type: 'OTP', value: 'not base32!' }],
      });
      expect(created.status).toBe(200);
      expect(created.body.fields.map((f: { totp?: string }) => f.totp)).toEqual([undefined, undefined]);
    });
  });
});
