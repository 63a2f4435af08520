import type { FieldInput, FullItem, ItemInput } from '../connect/connect-api.types.js';
import { validationFailed } from '../vaults/connect-ref.util.js';
import type { FieldInputDto, ItemBodyDto, ReplaceItemDto } from './dto/item-input.dto.js';
import { normalizeFieldType } from './patch/patch-compiler.js';

/**
 * Checks across properties that class-validator cannot express, before any Connect call: a field joins a
 * declared section, generates or carries a value (not both), ids are unique.
 */
export function assertItemBodyOrThrow(body: ItemBodyDto & { fields?: FieldInputDto[] }): void {
  const sectionIds = new Set<string>();
  (body.sections ?? []).forEach((section, i) => {
    if (sectionIds.has(section.id)) throw validationFailed(`sections.${i}.id`, `section id "${section.id}" is used twice`);
    sectionIds.add(section.id);
  });
  const fieldIds = new Set<string>();
  (body.fields ?? []).forEach((field, i) => {
    const where = `fields.${i}`;
    if (field.id !== undefined) {
      if (fieldIds.has(field.id)) throw validationFailed(`${where}.id`, `field id "${field.id}" is used twice`);
      fieldIds.add(field.id);
    }
    if (field.generate && field.value !== undefined) throw validationFailed(where, `${where} cannot both give a value and generate one`);
    if (field.recipe !== undefined && !field.generate) throw validationFailed(`${where}.recipe`, `${where}.recipe needs "generate": true`);
    if (field.section !== undefined && !sectionIds.has(field.section.id)) {
      throw validationFailed(`${where}.section.id`, `${where}.section.id "${field.section.id}" is not one of the item's sections`);
    }
  });
}

function toFieldInput(field: FieldInputDto): FieldInput {
  const out: FieldInput = { type: normalizeFieldType(field.type) ?? 'STRING' };
  if (field.id !== undefined) out.id = field.id;
  if (field.section !== undefined) out.section = { id: field.section.id };
  if (field.purpose !== undefined) out.purpose = field.purpose;
  if (field.label !== undefined) out.label = field.label;
  if (field.value !== undefined) out.value = field.value;
  if (field.generate !== undefined) out.generate = field.generate;
  if (field.recipe !== undefined) {
    out.recipe = {
      ...(field.recipe.length !== undefined ? { length: field.recipe.length } : {}),
      ...(field.recipe.characterSets !== undefined ? { characterSets: [...field.recipe.characterSets] } : {}),
      ...(field.recipe.excludeCharacters !== undefined ? { excludeCharacters: field.recipe.excludeCharacters } : {}),
    };
  }
  return out;
}

/** The Connect body of a create or replace: only writable properties, `TOTP` sent as `OTP`, read-only ones dropped. */
export function toConnectItem(body: ItemBodyDto & { category: string; fields?: FieldInputDto[] }): ItemInput {
  const out: ItemInput = { title: body.title, category: body.category };
  if (body.tags !== undefined) out.tags = [...body.tags];
  if (body.urls !== undefined) out.urls = body.urls.map((url) => ({ href: url.href, ...(url.label !== undefined ? { label: url.label } : {}), ...(url.primary !== undefined ? { primary: url.primary } : {}) }));
  if (body.favorite !== undefined) out.favorite = body.favorite;
  if (body.sections !== undefined) out.sections = body.sections.map((s) => ({ id: s.id, ...(s.label !== undefined ? { label: s.label } : {}) }));
  if (body.fields !== undefined) out.fields = body.fields.map(toFieldInput);
  return out;
}

/** PUT body: the item without read-only parts, keeping the files the item has (Connect cannot change them). */
export function toConnectReplacement(body: ReplaceItemDto, current: FullItem): ItemInput {
  const out = toConnectItem(body);
  if (current.files !== undefined && current.files.length > 0) out.files = current.files.map((file) => ({ ...file }));
  return out;
}
