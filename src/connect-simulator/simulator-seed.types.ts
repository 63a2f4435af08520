import type { GeneratorRecipe, ItemSection, ItemState, ItemUrl, VaultType } from './connect-api.types.js';
import type { VaultPermission } from './simulator-options.types.js';

/** The seed file format: ids are optional and generated when absent. */
export interface SimulatorSeed {
  tokens?: SeedToken[];
  vaults?: SeedVault[];
}

/** A plain token accepted as-is; `vaults` keys are vault ids, vault names or `*`. */
export interface SeedToken {
  token: string;
  vaults: Record<string, VaultPermission[]>;
}

export interface SeedVault {
  id?: string;
  name: string;
  description?: string;
  type?: VaultType;
  createdAt?: string;
  items?: SeedItem[];
}

export interface SeedField {
  id?: string;
  section?: { id: string };
  type?: string;
  purpose?: string;
  label?: string;
  value?: string;
  generate?: boolean;
  recipe?: GeneratorRecipe;
}

export interface SeedItem {
  id?: string;
  title?: string;
  category: string;
  tags?: string[];
  urls?: ItemUrl[];
  favorite?: boolean;
  state?: ItemState;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
  sections?: ItemSection[];
  fields?: SeedField[];
  files?: SeedFile[];
}

interface SeedFileBase {
  id?: string;
  name: string;
  section?: { id: string };
}

/** File bytes as base64 (JSON seeds), raw bytes (library use), or generated on the fly while streaming. */
export type SeedFile =
  | (SeedFileBase & { content: string })
  | (SeedFileBase & { bytes: Uint8Array })
  | (SeedFileBase & { generated: true; size: number });
