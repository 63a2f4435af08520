/** Values fixed by the Connect API contract (see connect-api.md). */
export const CONNECT_VERSION_HEADER = '1Password-Connect-Version';

export const DEFAULT_CONNECT_VERSION = '1.7.3';

/** Vault, item and file ids; both SDKs use the same pattern to tell ids from titles. */
export const CONNECT_ID_PATTERN = /^[a-z0-9]{26}$/;

export const ITEM_CATEGORIES: ReadonlySet<string> = new Set([
  'LOGIN', 'PASSWORD', 'API_CREDENTIAL', 'SERVER', 'DATABASE', 'CREDIT_CARD', 'MEMBERSHIP', 'PASSPORT',
  'SOFTWARE_LICENSE', 'OUTDOOR_LICENSE', 'SECURE_NOTE', 'WIRELESS_ROUTER', 'BANK_ACCOUNT', 'DRIVER_LICENSE',
  'IDENTITY', 'REWARD_PROGRAM', 'DOCUMENT', 'EMAIL_ACCOUNT', 'SOCIAL_SECURITY_NUMBER', 'MEDICAL_RECORD',
  'SSH_KEY', 'CUSTOM',
]);

/** Categories that exist in vaults but cannot be created through Connect (CL 1.2.0 and 1.7.0). */
export const NON_CREATABLE_CATEGORIES: ReadonlySet<string> = new Set(['CUSTOM', 'DOCUMENT']);

/** Categories whose autofill allows a single PASSWORD-purpose field (python#71). */
export const SINGLE_PASSWORD_CATEGORIES: ReadonlySet<string> = new Set(['LOGIN', 'PASSWORD']);

export const FIELD_PURPOSES: ReadonlySet<string> = new Set(['', 'USERNAME', 'PASSWORD', 'NOTES']);

export const VAULT_TYPES: ReadonlySet<string> = new Set(['USER_CREATED', 'PERSONAL', 'EVERYONE', 'TRANSFER']);

/** Fixed ids the server gives built-in fields [inferred from python#34 and connect#58]. */
export const BUILT_IN_FIELD_IDS: Readonly<Record<string, string>> = {
  USERNAME: 'username',
  PASSWORD: 'password',
  NOTES: 'notesPlain',
};

export const CONNECT_MESSAGES = {
  invalidBearer: 'invalid bearer token',
  invalidSignature: 'Invalid token signature',
  vaultNotInScope: (vaultId: string) => `vault ${vaultId} is not in scope`,
  // Seen from a live server when a read-only token writes (terraform-provider#24); we answer it with 403 like the spec.
  noWriteAccess: 'Unauthorized Request, token does not have write access to the Vault',
  noReadAccess: 'Unauthorized Request, token does not have read access to the Vault',
  vaultNotFound: (vaultId: string) => `vault ${vaultId} not found`,
  itemNotFound: (itemId: string) => `item ${itemId} not found`,
  fileNotFound: (fileId: string) => `file ${fileId} not found`,
  invalidVaultId: 'Invalid Vault UUID',
  invalidItemId: 'Invalid Item UUID',
  invalidFileId: 'Invalid File UUID',
  invalidCategory: 'Invalid item category',
  missingField: (fieldId: string) => `The item doesn't have a ${fieldId} field.`,
  tooManyPasswords: 'Validation: (too many "password" fields in Apply())',
  syncTimeout: 'sync did not complete within timeout, please retry the request',
  fileTooLargeToInline:
    'File is too large to inline in request. Use the /v1/vaults/{vaultUUID}/items/{itemUUID}/files/{fileUUID}/content endpoint instead.',
  syncNotReady: 'failed to initiate, review service logs for details',
} as const;
