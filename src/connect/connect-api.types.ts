/*
 * Our own model of what a 1Password Connect server sends and accepts, written from
 * /work/shared/reference/connect-api.md. Enumerations list the values we know about and still accept any
 * other string (`KnownX | (string & {})`), because newer servers add categories and field types and we pass
 * them through untouched. Timestamps are RFC 3339 strings.
 */
import type { Readable } from 'node:stream';

/** Keeps editor completion for the known values while accepting any string. */
type OpenString<Known extends string> = Known | (string & {});

export type KnownVaultType = 'USER_CREATED' | 'PERSONAL' | 'EVERYONE' | 'TRANSFER';
export type VaultType = OpenString<KnownVaultType>;

export interface Vault {
  id: string;
  name: string;
  description?: string;
  /** Bumped when the vault's own name or description changes. */
  attributeVersion?: number;
  /** Bumped when anything inside the vault changes. */
  contentVersion?: number;
  /** Number of active items. */
  items?: number;
  type?: VaultType;
  createdAt?: string;
  updatedAt?: string;
}

export type KnownItemCategory =
  | 'LOGIN' | 'PASSWORD' | 'API_CREDENTIAL' | 'SERVER' | 'DATABASE' | 'CREDIT_CARD' | 'MEMBERSHIP' | 'PASSPORT'
  | 'SOFTWARE_LICENSE' | 'OUTDOOR_LICENSE' | 'SECURE_NOTE' | 'WIRELESS_ROUTER' | 'BANK_ACCOUNT' | 'DRIVER_LICENSE'
  | 'IDENTITY' | 'REWARD_PROGRAM' | 'DOCUMENT' | 'EMAIL_ACCOUNT' | 'SOCIAL_SECURITY_NUMBER' | 'MEDICAL_RECORD'
  | 'SSH_KEY' | 'CUSTOM';
export type ItemCategory = OpenString<KnownItemCategory>;

export type KnownItemState = 'ARCHIVED' | 'DELETED';
/** Absent on active items. */
export type ItemState = OpenString<KnownItemState>;

export interface ItemUrl {
  href: string;
  label?: string;
  primary?: boolean;
}

export interface ResourceRef {
  id: string;
}

/** An item as the list endpoint returns it: no fields, sections or files. */
export interface ItemSummary {
  id: string;
  title?: string;
  vault: ResourceRef;
  category: ItemCategory;
  urls?: ItemUrl[];
  favorite?: boolean;
  tags?: string[];
  version?: number;
  state?: ItemState;
  createdAt?: string;
  updatedAt?: string;
  /** User id of the last editor. */
  lastEditedBy?: string;
  /** Legacy flag some servers still send. */
  trashed?: boolean;
}

export interface Section {
  /** Unique within its item only. */
  id: string;
  label?: string;
}

/** On the wire the one-time-password type is `OTP`; servers reject `TOTP`. */
export type KnownFieldType =
  | 'STRING' | 'EMAIL' | 'CONCEALED' | 'URL' | 'OTP' | 'DATE' | 'MONTH_YEAR' | 'MENU' | 'ADDRESS' | 'PHONE'
  | 'REFERENCE' | 'CREDIT_CARD_NUMBER' | 'CREDIT_CARD_TYPE' | 'GENDER' | 'FILE' | 'SSHKEY' | 'UNKNOWN';
export type FieldType = OpenString<KnownFieldType>;

export type KnownFieldPurpose = '' | 'USERNAME' | 'PASSWORD' | 'NOTES';
export type FieldPurpose = OpenString<KnownFieldPurpose>;

export type CharacterSet = OpenString<'LETTERS' | 'DIGITS' | 'SYMBOLS'>;

/** How the server generates a value when a field asks for `generate: true`. */
export interface GeneratorRecipe {
  /** 1..64, server default 32. */
  length?: number;
  characterSets?: CharacterSet[];
  excludeCharacters?: string;
}

export interface Field {
  /** Fixed for built-in fields (`username`, `password`, `notesPlain`, ...); PATCH paths address fields by it. */
  id: string;
  section?: ResourceRef;
  type: FieldType;
  purpose?: FieldPurpose;
  label?: string;
  value?: string;
  generate?: boolean;
  recipe?: GeneratorRecipe;
  /** Read-only: strength of generated and PASSWORD-purpose values. */
  entropy?: number;
  /** Read-only: the current code of an OTP field. */
  totp?: string;
}

/** File metadata; `content` (base64) is only present when inline content was asked for. */
export interface ItemFile {
  id: string;
  name: string;
  size: number;
  /** snake_case on the wire; follow it rather than rebuilding the path from ids. */
  content_path?: string;
  section?: ResourceRef;
  content?: string;
}

export interface FullItem extends ItemSummary {
  sections?: Section[];
  fields?: Field[];
  files?: ItemFile[];
}

/** A field as a client sends it: the server assigns missing ids and computes the read-only parts. */
export interface FieldInput extends Omit<Field, 'id' | 'entropy' | 'totp'> {
  id?: string;
}

/**
 * An item as a client sends it to create (POST) or replace (PUT). The client fills `vault.id` (and `id` on
 * replace) from the path, as both official SDKs do.
 */
export interface ItemInput extends Omit<FullItem, 'id' | 'vault' | 'fields' | 'version' | 'createdAt' | 'updatedAt' | 'lastEditedBy'> {
  id?: string;
  vault?: ResourceRef;
  fields?: FieldInput[];
}

/** The RFC 6902 subset Connect implements; paths are JSON pointers, fields addressed by id (`/fields/password/value`). */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export type ActivityAction = OpenString<'READ' | 'CREATE' | 'UPDATE' | 'DELETE'>;
export type ActivityResult = OpenString<'SUCCESS' | 'DENY'>;

/** One request recorded by the Connect server (`/v1/activity`). */
export interface ApiRequestActivity {
  requestId: string;
  timestamp: string;
  action: ActivityAction;
  result: ActivityResult;
  actor: {
    id: string;
    account: string;
    /** Id of the token that made the request (not the token itself). */
    jti: string;
    userAgent?: string;
    requestIp?: string;
  };
  resource: {
    type: OpenString<'ITEM' | 'VAULT'>;
    vault: ResourceRef;
    item?: ResourceRef;
    itemVersion?: number;
  };
}

export interface ActivityPage {
  data: ApiRequestActivity[];
  /** As sent, e.g. `1-50/1134`. */
  contentRange?: string;
  /** The total after the slash in `contentRange`, when present. */
  total?: number;
}

export interface ConnectDependencyHealth {
  service: string;
  /** e.g. `ACTIVE`, `TOKEN_NEEDED`. */
  status: string;
  message?: string;
}

export interface ConnectHealth {
  name: string;
  version: string;
  dependencies?: ConnectDependencyHealth[];
}

/** `/health` plus the `1Password-Connect-Version` header it came with. */
export interface ConnectHealthReport {
  health: ConnectHealth;
  serverVersion: string;
}

export interface FileContent {
  /** The raw bytes, straight from the socket: never buffered. */
  stream: Readable;
  contentType: string;
  contentLength?: number;
  contentDisposition?: string;
}
