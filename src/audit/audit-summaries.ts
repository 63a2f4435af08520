import type { AuditRequestView, AuditSummarizer } from './audit-action.decorator.js';

/**
 * Ready-made summarisers for @AuditAction({ summary }). They copy names, ids, types and counts, never values:
 * no field value, no token, no file byte, no key. Inputs are unvalidated, so every access is defensive.
 */

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const scalar = (value: unknown): string | number | boolean | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
const countOf = (value: unknown): number | undefined => (Array.isArray(value) ? value.length : undefined);

function pick(source: unknown, keys: readonly string[]): Plain | undefined {
  if (!isPlain(source)) return undefined;
  const out: Plain = {};
  let any = false;
  for (const key of keys) {
    const value = Array.isArray(source[key]) ? (source[key] as unknown[]).map(scalar).filter((v) => v !== undefined) : scalar(source[key]);
    if (value === undefined) continue;
    out[key] = value;
    any = true;
  }
  return any ? out : undefined;
}

/** Only the host of a URL (a Connect Server's address may carry credentials or paths). */
export function urlHost(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value).host || undefined;
  } catch {
    return undefined;
  }
}

/** A field named without its value: id, label, type, purpose, section; whether a value or recipe was sent. */
function fieldRef(field: unknown): Plain | undefined {
  if (!isPlain(field)) return undefined;
  const section = isPlain(field.section) ? scalar(field.section.id) ?? scalar(field.section.label) : scalar(field.section);
  return {
    id: scalar(field.id),
    label: scalar(field.label),
    type: scalar(field.type),
    purpose: scalar(field.purpose),
    section,
    generated: field.generate === true || isPlain(field.recipe) ? true : undefined,
  };
}

function fieldRefs(fields: unknown): Plain[] | undefined {
  if (!Array.isArray(fields)) return undefined;
  return fields.slice(0, 50).map(fieldRef).filter((f): f is Plain => f !== undefined);
}

/** JSON Patch ops as `{op, path, from}` (paths name field ids, e.g. `/fields/abc/value`), never `value`. */
function patchOps(ops: unknown): Plain[] | undefined {
  if (!Array.isArray(ops)) return undefined;
  return ops.slice(0, 50).filter(isPlain).map((op) => ({ op: scalar(op.op), path: scalar(op.path), from: scalar(op.from) }));
}

export const AuditSummaries = {
  /** Top-level body properties that are not secrets, e.g. `body(['name', 'role'])`. */
  body: (keys: readonly string[]): AuditSummarizer => (request) => pick(request.body, keys),

  /** Query parameters (filters) by name; values are kept, so list only parameters that hold no secret. */
  query: (keys: readonly string[]): AuditSummarizer => (request) => {
    const picked = pick(request.query, keys);
    return picked ? { query: picked } : undefined;
  },

  /** Item create / full replace: title, category, counts and the fields touched (ids, labels, types). */
  itemWrite: ((request: AuditRequestView) => {
    const body = request.body;
    if (!isPlain(body)) return undefined;
    const fields = fieldRefs(body.fields);
    return {
      title: scalar(body.title),
      category: scalar(body.category),
      fieldCount: countOf(body.fields),
      sectionCount: countOf(body.sections),
      tagCount: countOf(body.tags),
      urlCount: countOf(body.urls),
      fields,
    };
  }) as AuditSummarizer,

  /** Item PATCH: RFC 6902 ops as {op, path}, or the friendly form's fields by label/section. */
  itemPatch: ((request: AuditRequestView) => {
    const body = request.body;
    if (Array.isArray(body)) return { opCount: body.length, ops: patchOps(body) };
    if (!isPlain(body)) return undefined;
    const ops = body.ops ?? body.operations;
    const changes = body.fields ?? body.changes ?? body.set;
    return {
      opCount: countOf(ops),
      ops: patchOps(ops),
      fieldCount: countOf(changes),
      fields: fieldRefs(changes),
      properties: Object.keys(body).slice(0, 20),
    };
  }) as AuditSummarizer,

  /** Connected account create/update: its name and the Connect Server's host; whether a token was sent. */
  connectedAccount: ((request: AuditRequestView) => {
    const body = request.body;
    if (!isPlain(body)) return undefined;
    const url = body.connectServerUrl ?? body.url ?? body.serverUrl ?? body.connectUrl;
    return {
      name: scalar(body.name),
      connectServerHost: urlHost(url),
      tokenProvided: body.token !== undefined || body.connectToken !== undefined ? true : undefined,
    };
  }) as AuditSummarizer,

  /** Several summaries merged. */
  combine: (...summarizers: AuditSummarizer[]): AuditSummarizer => (request) => {
    let out: Plain | undefined;
    for (const summarize of summarizers) {
      const part = summarize(request);
      if (part) out = { ...out, ...part };
    }
    return out;
  },
};
