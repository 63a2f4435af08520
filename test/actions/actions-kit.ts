import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { Response } from 'supertest';
import type { ActionsFixture } from '../actions-rest/actions-fixture.js';

/** The 13 actions: key → name (the nine Wrk actions by their exact Wrk names). */
export const EXPECTED_ACTIONS: Record<string, string> = {
  'vaults.list': 'Retrieve vaults from 1Password',
  'vaults.get': 'Retrieve a vault from 1Password',
  'items.list': 'Retrieve vault items from 1Password',
  'items.get': 'Retrieve vault item details from 1Password',
  'items.create': 'Create a vault item in 1Password',
  'items.replace': 'Update vault item in 1Password',
  'items.delete': 'Delete vault item in 1Password',
  'files.list': 'Retrieve vault item files from 1Password',
  'files.get': 'Retrieve vault item file details from 1Password',
  'items.patch': 'Patch vault item in 1Password',
  'files.content': 'Download vault item file from 1Password',
  'items.otp': 'Retrieve vault item one-time password from 1Password',
  'connected-accounts.verify': 'Verify 1Password connection',
};

export interface CatalogAction {
  key: string;
  name: string;
  description: string;
  requiredRoles: string[];
  readOnly: boolean;
  paginated: boolean;
  run: { method: string; path: string };
  restRoute: { method: string; path: string };
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  exampleInput: Record<string, unknown>;
}

// ajv-formats is CommonJS with `exports.default`; under Jest (CommonJS) and Node ESM alike one of these is the plugin.
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as unknown as FormatsPlugin;

/** Compiles the catalog's schemas once each with ajv (draft 2020-12, strict) and checks values against them. */
export class SchemaChecker {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly actions: Map<string, CatalogAction>) {
    addFormats(this.ajv);
  }

  static async load(f: ActionsFixture): Promise<SchemaChecker> {
    const res = await f.get('/v1/actions').expect(200);
    return new SchemaChecker(new Map((res.body.data as CatalogAction[]).map((action) => [action.key, action])));
  }

  validator(key: string, side: 'input' | 'output'): ValidateFunction {
    const id = `${key}:${side}`;
    let validate = this.compiled.get(id);
    if (!validate) {
      const action = this.actions.get(key);
      if (!action) throw new Error(`no action ${key} in the catalog`);
      validate = this.ajv.compile(side === 'input' ? action.inputSchema : action.outputSchema);
      this.compiled.set(id, validate);
    }
    return validate;
  }

  /** Jest-friendly: the ajv errors (empty when valid). */
  errors(key: string, side: 'input' | 'output', value: unknown): unknown[] {
    const validate = this.validator(key, side);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

/** POST /v1/actions/{key}/run as the fixture's operator (or `apiKey`), on the fixture's account (or `accountId`). */
export function run(f: ActionsFixture, key: string, input: unknown, options: { apiKey?: string; accountId?: string; requestId?: string } = {}) {
  const body = input === undefined ? { connectedAccountId: options.accountId ?? f.accountId } : { connectedAccountId: options.accountId ?? f.accountId, input };
  const test = f.post(`/v1/actions/${key}/run`, body, options.apiKey);
  return options.requestId ? test.set('X-Request-Id', options.requestId) : test;
}

/**
 * Runs an action that must succeed: the input sent and the output received are both checked against the
 * catalog's JSON Schemas.
 */
export async function runChecked(f: ActionsFixture, schemas: SchemaChecker, key: string, input: Record<string, unknown>, options: { apiKey?: string; accountId?: string; requestId?: string } = {}): Promise<unknown> {
  expect(schemas.errors(key, 'input', input)).toEqual([]);
  const res: Response = await run(f, key, input, options);
  if (res.status !== 200) throw new Error(`${key} answered ${res.status}: ${res.text}`);
  expect(Object.keys(res.body)).toEqual(['output']);
  expect(schemas.errors(key, 'output', res.body.output)).toEqual([]);
  return res.body.output;
}
