import { FieldPurpose, FieldType, GeneratorRecipe, ItemBuilder, ItemCategory, OnePasswordConnect, type OPConnect } from '@1password/connect';

import { ConnectSimulator } from '../../src/connect-simulator/connect-simulator.js';
import type { SimulatorSeed } from '../../src/connect-simulator/simulator-seed.types.js';

// The official JS SDK (@1password/connect 1.4.2, CommonJS) against the simulator, as against a real server.
const ENG = 'sdkengvault000000000000001';
const DB = 'sdkdbitem00000000000000001';
const CERT_FILE = 'sdkcertfile000000000000001';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const NOW = Date.parse('2025-03-01T12:00:00Z');

const seed: SimulatorSeed = {
  vaults: [
    {
      id: ENG,
      name: 'Engineering',
      items: [
        {
          id: DB,
          title: 'db',
          category: 'LOGIN',
          fields: [
            { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'admin' },
            { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'pw' },
            { id: 'otp', type: 'OTP', label: 'one-time password', value: 'otpauth://totp/db?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8' },
          ],
          files: [{ id: CERT_FILE, name: 'cert.pem', content: Buffer.from(CERT).toString('base64') }],
        },
        { title: 'db replica', category: 'LOGIN' },
        { title: 'twin', category: 'SECURE_NOTE' },
        { title: 'twin', category: 'SECURE_NOTE' },
        { title: 'no otp', category: 'SECURE_NOTE' },
      ],
    },
    { name: 'Marketing' },
    { name: 'Same name' },
    { name: 'Same name' },
  ],
};

describe('Connect simulator: official JS SDK', () => {
  let sim: ConnectSimulator;
  let op: OPConnect;

  beforeAll(async () => {
    sim = await ConnectSimulator.start({ seed, clock: () => NOW });
    op = OnePasswordConnect({ serverURL: sim.url, token: sim.defaultToken(), keepAlive: true });
  });
  afterAll(() => sim.stop());

  it('listVaults returns every vault in scope', async () => {
    const vaults = await op.listVaults();
    expect(vaults.map((v) => v.name)).toEqual(['Engineering', 'Marketing', 'Same name', 'Same name']);
    expect(vaults[0]).toMatchObject({ id: ENG, items: 5, type: 'USER_CREATED', attributeVersion: 1 });
    expect(vaults[0].createdAt).toEqual(new Date(NOW));
  });

  it('getVaultByTitle finds one vault, 404s on none and 400s on several', async () => {
    expect((await op.getVaultByTitle('Engineering')).id).toBe(ENG);
    expect((await op.getVault('Engineering')).id).toBe(ENG);
    expect((await op.getVault(ENG)).name).toBe('Engineering');
    await expect(op.getVaultByTitle('Nope')).rejects.toEqual({ status: 404, message: 'No Vaults found with title' });
    await expect(op.getVaultByTitle('Same name')).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^Found multiple Vaults/) });
  });

  it('listItems returns summaries', async () => {
    const items = await op.listItems(ENG);
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({ id: DB, title: 'db', category: 'LOGIN', version: 1 });
    expect((items[0] as { fields?: unknown }).fields).toBeUndefined();
  });

  it('listItemsByTitleContains returns the full matching items', async () => {
    const items = await op.listItemsByTitleContains(ENG, 'db');
    expect(items.map((i) => i.title).sort()).toEqual(['db', 'db replica']);
    expect(items.find((i) => i.id === DB)!.fields!.map((f) => f.id)).toEqual(['username', 'password', 'otp']);
  });

  it('getItemByTitle returns the full item, 404s on none and 400s on several', async () => {
    const item = await op.getItemByTitle(ENG, 'db');
    expect(item.id).toBe(DB);
    expect(item.fields!.find((f) => f.purpose === FieldPurpose.Password)!.value).toBe('pw');
    expect((await op.getItem(ENG, 'db')).id).toBe(DB);
    await expect(op.getItemByTitle(ENG, 'nope')).rejects.toEqual({ status: 404, message: 'No Items found with title' });
    await expect(op.getItemByTitle(ENG, 'twin')).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^Found multiple Items/) });
  });

  it('getItemOTP returns the current TOTP code', async () => {
    // RFC 6238: T = 1740830400 s with SHA1 and 8 digits; the server and the SDK agree.
    const rest = await fetch(`${sim.url}/v1/vaults/${ENG}/items/${DB}`, { headers: { Authorization: `Bearer ${sim.defaultToken()}` } });
    const expected = ((await rest.json()) as { fields: { id: string; totp?: string }[] }).fields.find((f) => f.id === 'otp')!.totp;
    expect(await op.getItemOTP(ENG, DB)).toBe(expected);
    expect(expected).toMatch(/^\d{8}$/);
    await expect(op.getItemOTP(ENG, 'no otp')).rejects.toThrow(/^No OTP found for the Item/);
  });

  it('createItem with ItemBuilder generates the password server-side', async () => {
    const built = new ItemBuilder()
      .setCategory(ItemCategory.Login)
      .setTitle('SDK login')
      .addTag('sdk')
      .addUrl({ href: 'https://sdk.example.com', primary: true })
      .toggleFavorite()
      .addField({ label: 'username', value: 'sdk-user', purpose: FieldPurpose.Username })
      .addField({
        label: 'password',
        type: FieldType.Concealed,
        purpose: FieldPurpose.Password,
        generate: true,
        recipe: { length: 24, characterSets: [GeneratorRecipe.CharacterSetsEnum.Letters, GeneratorRecipe.CharacterSetsEnum.Digits], excludeCharacters: 'abcABC' },
      })
      .addField({ label: 'region', value: 'eu-west-1', sectionName: 'Deployment' })
      .build();
    const created = await op.createItem(ENG, built);
    expect(created.id).toMatch(/^[a-z0-9]{26}$/);
    expect(created).toMatchObject({ title: 'SDK login', category: 'LOGIN', favorite: true, tags: ['sdk'], version: 1, vault: { id: ENG } });
    const password = created.fields!.find((f) => f.purpose === FieldPurpose.Password)!;
    expect(password.id).toBe('password');
    expect(password.value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(password.value).not.toMatch(/[abcABC]/);
    expect(password.entropy).toBeGreaterThan(100);
    const section = created.sections![0];
    expect(section.label).toBe('Deployment');
    expect(created.fields!.find((f) => f.label === 'region')!.section).toEqual({ id: section.id });
    expect(created.createdAt).toEqual(created.updatedAt);
  });

  it('updateItem replaces the item and bumps its version', async () => {
    const item = await op.getItemByTitle(ENG, 'SDK login');
    item.title = 'SDK login (renamed)';
    item.fields!.find((f) => f.label === 'username')!.value = 'renamed-user';
    const updated = await op.updateItem(ENG, item);
    expect(updated).toMatchObject({ id: item.id, title: 'SDK login (renamed)', version: 2 });
    expect(updated.fields!.find((f) => f.label === 'username')!.value).toBe('renamed-user');
    expect(updated.createdAt).toEqual(item.createdAt);
    await expect(op.updateItem(ENG, { ...item, id: undefined } as typeof item)).rejects.toThrow('Item ID must be defined.');
  });

  it('listFiles, getFileById, getFileContent and getFileContentStream read files', async () => {
    const files = await op.listFiles(ENG, DB);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ id: CERT_FILE, name: 'cert.pem', size: CERT.length });
    expect((files[0] as { content_path?: string }).content_path).toBe(`/v1/vaults/${ENG}/items/${DB}/files/${CERT_FILE}/content`);
    expect((await op.getFileById('Engineering', 'db', CERT_FILE)).name).toBe('cert.pem');
    expect(await op.getFileContent(ENG, DB, CERT_FILE)).toBe(CERT);
    const stream = await op.getFileContentStream(ENG, 'db', CERT_FILE);
    const chunks: Buffer[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe(CERT);
  });

  it('deleteItem removes items by id and by title; server errors reject with the {status, message} body', async () => {
    const item = await op.getItemByTitle(ENG, 'SDK login (renamed)');
    await op.deleteItem(ENG, item.id!);
    await expect(op.getItemById(ENG, item.id!)).rejects.toEqual({ status: 404, message: `item ${item.id} not found` });
    await op.deleteItem(ENG, 'db replica');
    expect((await op.listItems(ENG)).map((i) => i.title)).not.toContain('db replica');
    await expect(op.getVaultById('z'.repeat(26))).rejects.toEqual({ status: 404, message: `vault ${'z'.repeat(26)} not found` });
  });

  it('reports 401 for a bad token', async () => {
    const intruder = OnePasswordConnect({ serverURL: sim.url, token: 'not-a-token' });
    await expect(intruder.listVaults()).rejects.toEqual({ status: 401, message: 'invalid bearer token' });
  });
});
