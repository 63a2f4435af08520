import { CONNECT_MESSAGES } from './connect-api.constants.js';
import { ConnectError } from './connect-error.js';

type Json = Record<string, unknown>;

interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

const OPERATIONS = new Set(['add', 'remove', 'replace']);

const invalidPath = (path: string) => ConnectError.badRequest(`Invalid patch path "${path}"`);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseOperation(raw: unknown): PatchOperation {
  if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
    throw ConnectError.badRequest('Invalid patch operation: each operation needs an "op" and a "path"');
  }
  if (!OPERATIONS.has(raw.op)) throw ConnectError.badRequest(`Invalid patch operation "${raw.op}": only add, remove and replace are supported`);
  if (raw.op !== 'remove' && raw.value === undefined) throw ConnectError.badRequest(`Invalid patch operation: "${raw.op}" needs a value`);
  return { op: raw.op as PatchOperation['op'], path: raw.path, value: raw.value };
}

/** RFC 6901 tokens; `/` alone means the whole item, as in the Connect spec's examples. */
function parsePointer(path: string): string[] {
  if (path === '' || path === '/') return [];
  if (!path.startsWith('/')) throw invalidPath(path);
  return path.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, bound: number, path: string): number {
  const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : NaN;
  if (!(index < bound)) throw invalidPath(path);
  return index;
}

/** Fields are addressed by field id, not index (connect#58): rewrite `/fields/{id}/...` to the field's index. */
function resolveFieldTokens(doc: Json, tokens: string[], op: PatchOperation): string[] {
  if (!Array.isArray(doc.fields)) doc.fields = [];
  const fields = doc.fields as unknown[];
  // `add /fields` (or RFC 6902's `/fields/-`) with one field appends it; the server then assigns its id.
  const appends = tokens.length === 1 || (tokens.length === 2 && tokens[1] === '-');
  if (appends && op.op === 'add' && isObject(op.value)) return ['fields', '-'];
  if (tokens.length === 1) return tokens;
  const fieldId = tokens[1];
  const index = fields.findIndex((field) => isObject(field) && field.id === fieldId);
  const wholeField = tokens.length === 2 && op.op !== 'remove' && isObject(op.value);
  if (index < 0) {
    if (op.op !== 'add' || !wholeField) throw ConnectError.badRequest(CONNECT_MESSAGES.missingField(fieldId));
    op.value = { ...(op.value as Json), id: fieldId };
    return ['fields', '-'];
  }
  if (wholeField) {
    op.value = { id: fieldId, ...(op.value as Json) };
    // A field id names an object member, and RFC 6902 §4.1 `add` on an existing member replaces it [inferred].
    if (op.op === 'add') op.op = 'replace';
  }
  return ['fields', String(index), ...tokens.slice(2)];
}

function applyAt(doc: Json, tokens: string[], op: PatchOperation): void {
  let container: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(container)) container = container[arrayIndex(token, container.length, op.path)];
    else if (isObject(container) && Object.hasOwn(container, token)) container = container[token];
    else throw invalidPath(op.path);
  }
  const key = tokens[tokens.length - 1];
  const value = structuredClone(op.value);
  if (Array.isArray(container)) {
    if (op.op === 'add') container.splice(key === '-' ? container.length : arrayIndex(key, container.length + 1, op.path), 0, value);
    else if (op.op === 'remove') container.splice(arrayIndex(key, container.length, op.path), 1);
    else container[arrayIndex(key, container.length, op.path)] = value;
  } else if (isObject(container)) {
    if (op.op !== 'remove') container[key] = value;
    else if (Object.hasOwn(container, key)) delete container[key];
    else throw invalidPath(op.path);
  } else {
    throw invalidPath(op.path);
  }
}

/**
 * Applies a Connect PATCH body (RFC 6902 subset: add, remove, replace) to an item document and returns the
 * patched copy; the caller validates the result like a PUT body.
 */
export function applyItemPatch(item: Json, body: unknown): Json {
  if (!Array.isArray(body)) throw ConnectError.badRequest('Invalid patch: the body must be a JSON array of operations');
  let doc = structuredClone(item);
  for (const raw of body) {
    const op = parseOperation(raw);
    const tokens = parsePointer(op.path);
    if (tokens.length === 0) {
      if (op.op === 'remove' || !isObject(op.value)) throw ConnectError.badRequest('Invalid patch: "/" can only be replaced with a whole item');
      doc = structuredClone(op.value);
      continue;
    }
    applyAt(doc, tokens[0] === 'fields' ? resolveFieldTokens(doc, tokens, op) : tokens, op);
  }
  return doc;
}
