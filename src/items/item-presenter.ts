import type { Field, FullItem } from '../connect/connect-api.types.js';
import { presentFile, type WireFile } from '../files/file-presenter.js';
import type { ItemDto } from './dto/item.dto.js';

/** The one-time-password type is `OTP` on the wire; some documents and servers say `TOTP`. */
export function isOtpField(field: Field): boolean {
  const type = typeof field.type === 'string' ? field.type.toUpperCase() : '';
  return type === 'OTP' || type === 'TOTP';
}

/**
 * An item as this service returns it: Connect's object with every property kept (unknown categories, field
 * types and properties included); OTP field types read `OTP`, and file content paths become `contentUrl`.
 */
export function presentItem(accountId: string, item: FullItem): ItemDto {
  const out: FullItem = { ...item };
  if (Array.isArray(item.fields)) out.fields = item.fields.map((field) => (field.type === 'TOTP' ? { ...field, type: 'OTP' } : field));
  if (Array.isArray(item.files)) {
    const vaultId = item.vault?.id ?? '';
    out.files = item.files.map((file) => presentFile(accountId, vaultId, item.id, file as WireFile));
  }
  return out as ItemDto;
}
