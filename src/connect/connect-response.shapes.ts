import type { ApiRequestActivity, ConnectHealth, FullItem, ItemFile, ItemSummary, Vault } from './connect-api.types.js';

/**
 * What a 2xx JSON body must look like before the service reads it: a server that answers otherwise is not a
 * Connect server (502), never a crash deeper down. Only what the service itself reads is checked (ids and titles
 * are strings, lists are arrays, their entries objects); every other property passes through as Connect sent it.
 * A few typeof checks per entry, no schema validator: get item is on the hot path.
 */
export interface ConnectShape<T> {
  /** Completes "expected …" in the 502's message. */
  readonly expected: string;
  fits(value: unknown): value is T;
}

type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';
const optionalListOf = (value: unknown, entry: Check) => value === undefined || (Array.isArray(value) && value.every(entry));
const listOf = (entry: Check): Check => (value) => Array.isArray(value) && value.every(entry);

const isSummary: Check = (value) => isObject(value) && typeof value.id === 'string' && optionalString(value.title);
const isFile: Check = (value) => isObject(value) && typeof value.id === 'string' && optionalString(value.name);
/** OTP lookup, presentation and the patch compiler read a field's id, type, label and value. */
const isField: Check = (value) =>
  isObject(value) && optionalString(value.id) && optionalString(value.type) && optionalString(value.label) && optionalString(value.value);
const isFullItem: Check = (value) =>
  isSummary(value) && optionalListOf((value as FullItem).fields, isField) && optionalListOf((value as FullItem).files, isFile) &&
  optionalListOf((value as FullItem).sections, isObject);

const shape = <T>(expected: string, fits: Check): ConnectShape<T> => ({ expected, fits: fits as (value: unknown) => value is T });

// Vaults, activity and /health are read defensively where they are used; only their JSON kind is checked here.
export const VAULT = shape<Vault>('a JSON object', isObject);
export const VAULTS = shape<Vault[]>('a JSON array', Array.isArray);
export const ACTIVITY = shape<ApiRequestActivity[]>('a JSON array', Array.isArray);
export const HEALTH = shape<ConnectHealth>('a JSON object', isObject);

export const FULL_ITEM = shape<FullItem>('an item (string id and title; fields, sections and files as lists of objects)', isFullItem);
export const ITEM_SUMMARIES = shape<ItemSummary[]>('a list of items (each an object with a string id and title)', listOf(isSummary));
export const ITEM_FILE = shape<ItemFile>('a file (string id and name)', isFile);
export const ITEM_FILES = shape<ItemFile[]>('a list of files (each an object with a string id and name)', listOf(isFile));
