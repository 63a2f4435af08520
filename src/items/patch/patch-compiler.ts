import { randomBytes } from 'node:crypto';
import { AppException } from '../../common/errors/app-exception.js';
import { ErrorCode } from '../../common/errors/error-code.enum.js';
import type { Field, FullItem, PatchOperation, Section } from '../../connect/connect-api.types.js';
import { validationFailed } from '../../vaults/connect-ref.util.js';
import type { FieldChangeDto, PatchItemDto } from '../dto/patch-item.dto.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Properties Connect computes; never sent back. */
const READ_ONLY_FIELD_PROPERTIES = ['entropy', 'totp'] as const;

/** RFC 6901: `~` and `/` inside a reference token. */
export function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `TOTP` → `OTP`: the wire type Connect accepts (connect-sdk-js#40). */
export function normalizeFieldType(type: string | undefined): string | undefined {
  return type === 'TOTP' ? 'OTP' : type;
}

function newFieldId(): string {
  return Array.from(randomBytes(26), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** Whether the friendly form names any change. */
export function hasFriendlyChanges(patch: PatchItemDto): boolean {
  return patch.title !== undefined || patch.tags !== undefined || patch.urls !== undefined || patch.favorite !== undefined || patch.fields !== undefined;
}

/** Raw operations are sent as given, except that an OTP field written as `TOTP` is sent as `OTP`. */
export function normalizeRawOperations(operations: readonly { op: PatchOperation['op']; path: string; value?: unknown }[]): PatchOperation[] {
  return operations.map(({ op, path, value }) => {
    const out: PatchOperation = { op, path };
    if (value === undefined) return out;
    if (/\/fields\/[^/]+\/type$/.test(path) && value === 'TOTP') out.value = 'OTP';
    else out.value = normalizeFieldTypesIn(path, value);
    return out;
  });
}

function normalizeField(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const field = value as Record<string, unknown>;
  return field.type === 'TOTP' ? { ...field, type: 'OTP' } : field;
}

function normalizeFieldTypesIn(path: string, value: unknown): unknown {
  if (path === '/' && typeof value === 'object' && value !== null && Array.isArray((value as FullItem).fields)) {
    return { ...(value as FullItem), fields: (value as FullItem).fields!.map((f) => normalizeField(f)) };
  }
  if (path === '/fields' && Array.isArray(value)) return value.map((f) => normalizeField(f));
  if (/^\/fields(\/[^/]+)?$/.test(path)) return normalizeField(value);
  return value;
}

interface WorkingField {
  id: string;
  label?: string;
  sectionId?: string;
  /** Attributes the field currently has: decides `add` (absent) or `replace` (present). */
  present: Set<string>;
  source: Field;
}

/**
 * Compiles the friendly PATCH form into RFC 6902 operations on field ids, against the item's current state.
 * Changes apply in order, each seeing the effect of the earlier ones (a rename, a removal, an added field).
 * Errors name the change (`fields.<i>`) and the label, never a value.
 */
export class FriendlyPatchCompiler {
  private readonly fields: WorkingField[];
  private readonly sections: Section[];
  private readonly operations: PatchOperation[] = [];

  constructor(private readonly item: FullItem) {
    this.sections = item.sections ?? [];
    this.fields = (item.fields ?? []).map((field) => ({
      id: field.id,
      label: field.label,
      sectionId: field.section?.id,
      present: new Set(Object.keys(field).filter((key) => (field as unknown as Record<string, unknown>)[key] !== undefined)),
      source: field,
    }));
  }

  compile(patch: PatchItemDto): PatchOperation[] {
    this.attribute('title', patch.title);
    this.attribute('tags', patch.tags);
    this.attribute('urls', patch.urls?.map((url) => ({ ...url })));
    this.attribute('favorite', patch.favorite);
    (patch.fields ?? []).forEach((change, index) => this.field(change, `fields.${index}`));
    return this.operations;
  }

  private attribute(name: 'title' | 'tags' | 'urls' | 'favorite', value: unknown): void {
    if (value === undefined) return;
    const present = (this.item as unknown as Record<string, unknown>)[name] !== undefined;
    this.operations.push({ op: present ? 'replace' : 'add', path: `/${name}`, value });
  }

  private field(change: FieldChangeDto, where: string): void {
    this.checkShape(change, where);
    const sectionId = change.section === undefined ? undefined : this.sectionIdOrThrow(change.section, where);
    const matches = this.fields.filter((field) =>
      (change.id !== undefined ? field.id === change.id : field.label === change.label) && (sectionId === undefined || field.sectionId === sectionId),
    );
    const name = change.id !== undefined ? `id "${change.id}"` : `label "${change.label}"`;
    if (matches.length > 1) {
      throw new AppException(ErrorCode.FIELD_AMBIGUOUS, `${matches.length} fields have the ${name}; add "section" or use "id"`, {
        property: where,
        ...(change.label !== undefined ? { label: change.label } : { id: change.id }),
        candidates: matches.map((field) => ({ id: field.id, label: field.label ?? null, section: this.sectionLabel(field.sectionId) })),
      });
    }
    if (matches.length === 0) {
      if (change.createIfMissing && !change.remove) return this.addField(change, sectionId);
      const inSection = change.section === undefined ? '' : ` in section "${change.section}"`;
      throw new AppException(ErrorCode.FIELD_NOT_FOUND, `No field with the ${name}${inSection} in the item`, {
        property: where,
        ...(change.label !== undefined ? { label: change.label } : { id: change.id }),
        ...(change.section !== undefined ? { section: change.section } : {}),
      });
    }
    this.changeField(matches[0], change);
  }

  private checkShape(change: FieldChangeDto, where: string): void {
    if ((change.id === undefined) === (change.label === undefined)) throw validationFailed(where, `${where} must name the field by exactly one of "id" or "label"`);
    const edits = [change.value, change.generate, change.type, change.purpose, change.newLabel].some((v) => v !== undefined);
    if (change.remove && edits) throw validationFailed(where, `${where} cannot both remove the field and change it`);
    if (!change.remove && !edits) throw validationFailed(where, `${where} names no change: give value, generate, type, purpose, newLabel or remove`);
    if (change.generate && change.value !== undefined) throw validationFailed(where, `${where} cannot both give a value and generate one`);
    if (change.recipe !== undefined && !change.generate) throw validationFailed(`${where}.recipe`, `${where}.recipe needs "generate": true`);
  }

  private sectionIdOrThrow(section: string, where: string): string {
    const byLabel = this.sections.filter((s) => s.label === section);
    if (byLabel.length > 1) {
      throw new AppException(ErrorCode.FIELD_AMBIGUOUS, `${byLabel.length} sections are labelled "${section}"; name the section by its id`, {
        property: `${where}.section`,
        section,
        candidates: byLabel.map((s) => ({ id: s.id, label: s.label ?? null })),
      });
    }
    const found = byLabel[0] ?? this.sections.find((s) => s.id === section);
    if (!found) throw new AppException(ErrorCode.FIELD_NOT_FOUND, `No section labelled "${section}" in the item`, { property: `${where}.section`, section });
    return found.id;
  }

  private sectionLabel(sectionId: string | undefined): string | null {
    if (sectionId === undefined) return null;
    return this.sections.find((s) => s.id === sectionId)?.label ?? sectionId;
  }

  private changeField(field: WorkingField, change: FieldChangeDto): void {
    const path = `/fields/${pointerToken(field.id)}`;
    if (change.remove) {
      this.operations.push({ op: 'remove', path });
      this.fields.splice(this.fields.indexOf(field), 1);
      return;
    }
    if (change.generate) {
      // A value is generated only for a field written whole with `generate` and no value.
      const whole: Record<string, unknown> = { ...(field.source as unknown as Record<string, unknown>) };
      for (const key of [...READ_ONLY_FIELD_PROPERTIES, 'value']) delete whole[key];
      if (field.label !== undefined) whole.label = field.label;
      if (change.newLabel !== undefined) whole.label = change.newLabel;
      if (change.type !== undefined) whole.type = normalizeFieldType(change.type);
      if (change.purpose !== undefined) whole.purpose = change.purpose;
      whole.generate = true;
      if (change.recipe !== undefined) whole.recipe = { ...change.recipe };
      this.operations.push({ op: 'replace', path, value: whole });
      field.label = whole.label as string | undefined;
      for (const key of ['value', 'label', 'type', 'purpose']) if (whole[key] !== undefined || key === 'value') field.present.add(key);
      return;
    }
    const set = (attribute: string, value: unknown) => {
      if (value === undefined) return;
      this.operations.push({ op: field.present.has(attribute) ? 'replace' : 'add', path: `${path}/${attribute}`, value });
      field.present.add(attribute);
    };
    set('value', change.value);
    set('type', normalizeFieldType(change.type));
    set('purpose', change.purpose);
    set('label', change.newLabel);
    if (change.newLabel !== undefined) field.label = change.newLabel;
  }

  private addField(change: FieldChangeDto, sectionId: string | undefined): void {
    const id = newFieldId();
    const field: Record<string, unknown> = {
      id,
      type: normalizeFieldType(change.type) ?? 'STRING',
      label: change.newLabel ?? change.label ?? change.id,
      ...(change.purpose !== undefined ? { purpose: change.purpose } : {}),
      ...(sectionId !== undefined ? { section: { id: sectionId } } : {}),
      ...(change.value !== undefined ? { value: change.value } : {}),
      ...(change.generate ? { generate: true } : {}),
      ...(change.recipe !== undefined ? { recipe: { ...change.recipe } } : {}),
    };
    if (change.id !== undefined) field.id = change.id;
    this.operations.push({ op: 'add', path: '/fields', value: field });
    this.fields.push({
      id: field.id as string,
      label: field.label as string | undefined,
      sectionId,
      present: new Set(Object.keys(field)),
      source: field as unknown as Field,
    });
  }
}
