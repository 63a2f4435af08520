import { AuditActionCatalog } from '../../src/audit/audit-action.catalog.js';
import { ActionsFixture, cid, connectCalls, startFixture } from '../actions-rest/actions-fixture.js';
import { CatalogAction, EXPECTED_ACTIONS, SchemaChecker } from './actions-kit.js';

const NINE = [
  'Retrieve vaults from 1Password',
  'Retrieve a vault from 1Password',
  'Retrieve vault items from 1Password',
  'Retrieve vault item details from 1Password',
  'Create a vault item in 1Password',
  'Update vault item in 1Password',
  'Delete vault item in 1Password',
  'Retrieve vault item files from 1Password',
  'Retrieve vault item file details from 1Password',
];

describe('Wrk Actions catalog (GET /v1/actions)', () => {
  let f: ActionsFixture;
  let actions: CatalogAction[];

  beforeAll(async () => {
    f = await startFixture({ seed: { vaults: [{ id: cid('vaulteng'), name: 'Engineering', items: [] }] } });
    actions = (await f.get('/v1/actions').expect(200)).body.data;
  });
  afterAll(() => f?.close());

  it('lists the 13 actions by key and name, the nine Wrk actions by their exact Wrk names', async () => {
    const res = await f.get('/v1/actions').expect(200);
    expect(res.body).toMatchObject({ schemaDialect: 'https://json-schema.org/draft/2020-12/schema', nextCursor: null });
    expect(Object.fromEntries(actions.map((a) => [a.key, a.name]))).toEqual(EXPECTED_ACTIONS);
    expect(actions).toHaveLength(13);
    for (const name of NINE) expect(actions.filter((a) => a.name === name)).toHaveLength(1);
    for (const action of actions) {
      expect(action.description.length).toBeGreaterThan(20);
      expect(action.run).toEqual({ method: 'POST', path: `/v1/actions/${action.key}/run` });
      expect(action.inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(action.outputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('states the roles of each action: those of its REST route (verify is admin only)', () => {
    const roles = Object.fromEntries(actions.map((a) => [a.key, a.requiredRoles]));
    for (const key of Object.keys(EXPECTED_ACTIONS).filter((k) => k !== 'connected-accounts.verify')) expect(roles[key]).toEqual(['admin', 'operator']);
    expect(roles['connected-accounts.verify']).toEqual(['admin']);
    const flags = Object.fromEntries(actions.map((a) => [a.key, [a.readOnly, a.paginated]]));
    expect(flags).toMatchObject({
      'vaults.list': [true, true], 'items.list': [true, true], 'files.list': [true, true], 'items.get': [true, false],
      'items.create': [false, false], 'items.delete': [false, false], 'connected-accounts.verify': [false, false],
    });
  });

  it('uses the audit action keys of the REST routes as keys', () => {
    const routes = f.t.app.get(AuditActionCatalog).routes();
    for (const action of actions) {
      const url = action.restRoute.path.replace(/\{(\w+)\}/g, ':$1');
      expect(routes).toContainEqual(expect.objectContaining({ method: action.restRoute.method, url, action: action.key, declared: true }));
      // The run route is audited under the same key.
      expect(routes).toContainEqual(expect.objectContaining({ method: 'POST', url: action.run.path, action: action.key, declared: true }));
    }
    expect(actions.find((a) => a.key === 'items.get')!.restRoute).toEqual({ method: 'GET', path: '/v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}' });
  });

  it('gives schemas that ajv compiles in strict mode and that accept the example inputs', async () => {
    const schemas = await SchemaChecker.load(f);
    for (const action of actions) {
      expect(() => schemas.validator(action.key, 'input')).not.toThrow();
      expect(() => schemas.validator(action.key, 'output')).not.toThrow();
      expect([action.key, schemas.errors(action.key, 'input', action.exampleInput)]).toEqual([action.key, []]);
    }
  });

  it('generates the schemas from the DTOs: required ids, limits, enums, unknown properties refused on input', async () => {
    const byKey = new Map(actions.map((a) => [a.key, a]));
    const itemGet = byKey.get('items.get')!.inputSchema as { required: string[]; additionalProperties: boolean; properties: Record<string, { maxLength?: number }> };
    expect(itemGet.required).toEqual(expect.arrayContaining(['vaultId', 'itemId']));
    expect(itemGet.additionalProperties).toBe(false);
    expect(itemGet.properties.vaultId.maxLength).toBe(500);
    const list = byKey.get('items.list')!.inputSchema as { properties: Record<string, { maximum?: number }> };
    expect(list.properties.limit.maximum).toBe(500);
    expect(Object.keys(list.properties)).toEqual(expect.arrayContaining(['vaultId', 'title', 'titleContains', 'tag', 'category', 'limit', 'cursor', 'all', 'by']));
    const create = byKey.get('items.create')!.inputSchema as { $defs: Record<string, { additionalProperties?: boolean; required?: string[] }> };
    expect(create.$defs.CreateItemDto).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['title', 'category']) });
    expect(create.$defs.FieldInputDto.additionalProperties).toBe(false);
    const output = byKey.get('items.list')!.outputSchema as { title: string; required: string[]; $defs: Record<string, unknown> };
    expect(output).toMatchObject({ title: 'ItemSummaryDtoPage', required: ['data', 'nextCursor'] });
    expect(Object.keys(output.$defs)).toContain('ItemSummaryDto');
    expect(byKey.get('items.delete')!.outputSchema).toMatchObject({ type: 'null' });

    const schemas = await SchemaChecker.load(f);
    expect(schemas.errors('items.get', 'input', { vaultId: 'v', itemId: 'i', color: 'red' })).not.toEqual([]);
    expect(schemas.errors('items.get', 'input', { vaultId: 'v' })).not.toEqual([]);
    expect(schemas.errors('items.create', 'input', { vaultId: 'v', item: { title: 't', category: 'LOGIN', fields: [{ label: 'x', colour: 1 }] } })).not.toEqual([]);
    // Properties the DTO leaves untyped (`value?: unknown`) take any JSON value.
    expect(schemas.errors('items.patch', 'input', { vaultId: 'v', itemId: 'i', patch: { operations: [{ op: 'replace', path: '/title', value: 'x' }, { op: 'add', path: '/tags', value: ['a'] }] } })).toEqual([]);
    expect(schemas.errors('connected-accounts.verify', 'input', {})).toEqual([]);
    expect(schemas.errors('connected-accounts.verify', 'input', { force: true })).not.toEqual([]);
  });

  it('is readable by every role, and one action by its key', async () => {
    f.sim.clearRequests();
    for (const key of [f.auditorKey, f.operatorKey, f.tenant.adminKey]) await f.get('/v1/actions', key).expect(200);
    await f.t.http().get('/v1/actions').expect(401);
    const one = await f.get('/v1/actions/items.get', f.auditorKey).expect(200);
    expect(one.body).toEqual(actions.find((a) => a.key === 'items.get'));
    const missing = await f.get('/v1/actions/items.fetch').expect(404);
    expect(missing.body.error).toMatchObject({ code: 'ACTION_NOT_FOUND', details: { keys: expect.arrayContaining(['items.get']) } });
    expect(connectCalls(f.sim)).toHaveLength(0);
  });

  it('documents the catalog and one typed run route per action in Swagger under the Actions tag, with examples', async () => {
    const doc = (await f.t.http().get('/docs-json').expect(200)).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, { tags: string[]; summary: string; requestBody?: { content: Record<string, { examples?: Record<string, unknown>; schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>)
      .filter(([path]) => path.startsWith('/v1/actions'));
    for (const [, methods] of ops) for (const op of Object.values(methods)) expect(op.tags).toEqual(['Actions']);
    for (const action of actions) {
      const op = doc.paths[action.run.path]?.post;
      expect(op).toBeDefined();
      expect(op.summary).toBe(`Run "${action.name}"`);
      const body = op.requestBody.content['application/json'];
      expect(body.schema.properties.input).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\//) });
      expect(Object.values(body.examples)[0]).toMatchObject({ value: { input: action.exampleInput } });
      expect(op.responses['200'].content['application/json'].schema.required).toEqual(['output']);
      expect(op.responses['403']).toBeDefined();
    }
    expect(doc.paths['/v1/actions/files.content/run'].post.responses['413'].description).toContain('FILE_TOO_LARGE_FOR_ACTION');
    expect(doc.paths['/v1/actions'].get.responses['200']).toBeDefined();
    expect(doc.paths['/v1/actions/{key}/run'].post.responses['404']).toBeDefined();
  });
});
