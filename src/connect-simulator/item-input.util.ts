import {
  BUILT_IN_FIELD_IDS,
  CONNECT_MESSAGES,
  FIELD_PURPOSES,
  ITEM_CATEGORIES,
  NON_CREATABLE_CATEGORIES,
  SINGLE_PASSWORD_CATEGORIES,
} from './connect-api.constants.js';
import { ConnectError } from './connect-error.js';
import type { GeneratorRecipe, ItemSection, ItemUrl } from './connect-api.types.js';
import { generateId } from './id.util.js';
import { estimateEntropy, generatePassword } from './password-generator.util.js';
import type { ItemDraft, StoredField } from './simulator-store.types.js';

export interface DraftRules {
  mode: 'create' | 'replace' | 'seed';
  /** Ids from the request path; a body naming other ids is rejected [inferred, connect-api.md §11]. */
  vaultId?: string;
  itemId?: string;
  /** A replaced CUSTOM or DOCUMENT item may keep its category (CL 1.7.2). */
  currentCategory?: string;
  /** The stored fields of a replaced item: an unchanged value keeps its read-only entropy (§4, §11). */
  currentFields?: readonly StoredField[];
}

type Json = Record<string, unknown>;

const invalid = (detail: string) => ConnectError.badRequest(`Validation: (${detail})`);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(source: Json, key: string, where: string): string | undefined {
  const value = source[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${where}${key} must be a string`);
  return value;
}

function optionalArray(source: Json, key: string): unknown[] {
  const value = source[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${key} must be an array`);
  return value;
}

function sectionRef(value: unknown, where: string): { id: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.id !== 'string') throw invalid(`${where}section must be an object with an id`);
  return { id: value.id };
}

function parseCategory(body: Json, rules: DraftRules): string {
  const category = body.category;
  if (typeof category !== 'string' || !ITEM_CATEGORIES.has(category)) throw ConnectError.badRequest(CONNECT_MESSAGES.invalidCategory);
  const kept = rules.mode === 'seed' || category === rules.currentCategory;
  // The same message as an unknown category: clients compare Connect's messages exactly.
  if (NON_CREATABLE_CATEGORIES.has(category) && !kept) throw ConnectError.badRequest(CONNECT_MESSAGES.invalidCategory);
  return category;
}

function parseUrls(body: Json): ItemUrl[] {
  return optionalArray(body, 'urls').map((raw, i) => {
    const where = `urls[${i}].`;
    if (!isObject(raw) || typeof raw.href !== 'string') throw invalid(`${where}href is required`);
    const url: ItemUrl = { href: raw.href };
    const label = optionalString(raw, 'label', where);
    if (label !== undefined) url.label = label;
    if (raw.primary !== undefined && raw.primary !== null) {
      if (typeof raw.primary !== 'boolean') throw invalid(`${where}primary must be a boolean`);
      url.primary = raw.primary;
    }
    return url;
  });
}

function parseTags(body: Json): string[] {
  return optionalArray(body, 'tags').map((tag) => {
    if (typeof tag !== 'string') throw invalid('tags must be strings');
    return tag;
  });
}

function parseSections(body: Json): ItemSection[] {
  const seen = new Set<string>();
  return optionalArray(body, 'sections').map((raw, i) => {
    if (!isObject(raw)) throw invalid(`sections[${i}] must be an object`);
    const id = optionalString(raw, 'id', `sections[${i}].`) || generateId();
    if (seen.has(id)) throw invalid(`duplicate section id "${id}"`);
    seen.add(id);
    const label = optionalString(raw, 'label', `sections[${i}].`);
    return label === undefined ? { id } : { id, label };
  });
}

function validateFieldValue(type: string, value: string | undefined, where: string): void {
  if (!value) return;
  if (type === 'DATE') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match && new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
    if (!match || !date || date.getUTCMonth() !== +match[2] - 1 || date.getUTCDate() !== +match[3]) {
      throw invalid(`${where}value "${value}" is not a DATE, expected YYYY-MM-DD`);
    }
  }
  if (type === 'MONTH_YEAR' && !/^\d{4}(0[1-9]|1[0-2])$/.test(value)) {
    throw invalid(`${where}value "${value}" is not a MONTH_YEAR, expected YYYYMM`);
  }
}

/** A field without its id: ids are assigned once every explicit id of the item is known. */
function parseField(raw: unknown, i: number): Omit<StoredField, 'id'> & { id?: string } {
  const where = `fields[${i}].`;
  if (!isObject(raw)) throw invalid(`fields[${i}] must be an object`);
  const type = optionalString(raw, 'type', where) || 'STRING';
  // The spec says TOTP, but the wire type is OTP and the server rejects TOTP (connect-sdk-js#40).
  if (type === 'TOTP') throw invalid(`${where}type "TOTP" is not a valid field type, use "OTP"`);
  const purpose = optionalString(raw, 'purpose', where);
  if (purpose !== undefined && !FIELD_PURPOSES.has(purpose)) throw invalid(`${where}purpose "${purpose}" is not valid`);
  const field: Omit<StoredField, 'id'> & { id?: string } = { type };
  const id = optionalString(raw, 'id', where);
  if (id) field.id = id;
  const section = sectionRef(raw.section, where);
  if (section) field.section = section;
  if (purpose) field.purpose = purpose;
  const label = optionalString(raw, 'label', where);
  if (label !== undefined) field.label = label;
  let value = optionalString(raw, 'value', where);
  if (raw.recipe !== undefined && raw.recipe !== null && !isObject(raw.recipe)) throw invalid(`${where}recipe must be an object`);
  if (raw.generate === true && !value) {
    // generate and recipe only shape this write; they are not stored.
    const generated = generatePassword((raw.recipe ?? {}) as GeneratorRecipe);
    value = generated.value;
    field.entropy = generated.entropy;
  } else if (purpose === 'PASSWORD' && value) {
    field.entropy = estimateEntropy(value);
  }
  validateFieldValue(type, value, where);
  if (value !== undefined) field.value = value;
  return field;
}

/**
 * Entropy is read-only and belongs to the value (§4, §11) [inferred]: a field whose value a PUT or PATCH leaves
 * unchanged keeps the stored figure (the generator's, which an estimate cannot recover); a new or changed value keeps
 * the fresh one.
 */
function keepStoredEntropy(field: StoredField, currentFields: readonly StoredField[]): StoredField {
  const current = currentFields.find((candidate) => candidate.id === field.id);
  if (current?.entropy === undefined || current.value !== field.value) return field;
  return { ...field, entropy: current.entropy };
}

function parseFields(body: Json, currentFields: readonly StoredField[] = []): StoredField[] {
  const parsed = optionalArray(body, 'fields').map(parseField);
  const taken = new Set<string>();
  for (const field of parsed) {
    if (!field.id) continue;
    if (taken.has(field.id)) throw invalid(`duplicate field id "${field.id}"`);
    taken.add(field.id);
  }
  return parsed.map((field) => {
    if (field.id) return keepStoredEntropy(field as StoredField, currentFields);
    const builtIn = field.purpose ? BUILT_IN_FIELD_IDS[field.purpose] : undefined;
    const id = builtIn && !taken.has(builtIn) ? builtIn : generateId();
    taken.add(id);
    return keepStoredEntropy({ id, ...field }, currentFields);
  });
}

/** Validates an item body (create, PUT, PATCH result or seed) the way Connect does and returns its writable part. */
export function parseItemDraft(body: unknown, rules: DraftRules): ItemDraft {
  if (!isObject(body)) throw ConnectError.badRequest('Invalid request body: the item must be a JSON object');
  if (rules.itemId && body.id !== undefined && body.id !== null && body.id !== '' && body.id !== rules.itemId) {
    throw ConnectError.badRequest(`Item UUID ${String(body.id)} in the body does not match ${rules.itemId} in the request path`);
  }
  const vaultRef = body.vault;
  if (rules.vaultId && isObject(vaultRef) && vaultRef.id !== undefined && vaultRef.id !== '' && vaultRef.id !== rules.vaultId) {
    throw ConnectError.badRequest(`Vault UUID ${String(vaultRef.id)} in the body does not match ${rules.vaultId} in the request path`);
  }
  const category = parseCategory(body, rules);
  const fields = parseFields(body, rules.currentFields);
  if (SINGLE_PASSWORD_CATEGORIES.has(category) && fields.filter((f) => f.purpose === 'PASSWORD').length > 1) {
    throw ConnectError.badRequest(CONNECT_MESSAGES.tooManyPasswords);
  }
  if (body.favorite !== undefined && body.favorite !== null && typeof body.favorite !== 'boolean') throw invalid('favorite must be a boolean');
  const draft: ItemDraft = {
    title: optionalString(body, 'title', '') ?? '',
    category,
    urls: parseUrls(body),
    favorite: body.favorite === true,
    tags: parseTags(body),
    sections: parseSections(body),
    fields,
  };
  // state is read-only over the API; only seeds may archive an item.
  if (rules.mode === 'seed' && body.state === 'ARCHIVED') draft.state = 'ARCHIVED';
  return draft;
}
