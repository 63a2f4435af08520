/** JSON shapes of the Connect API (connect-api.md §4). */
export type VaultType = 'USER_CREATED' | 'PERSONAL' | 'EVERYONE' | 'TRANSFER';

export interface VaultJson {
  id: string;
  name: string;
  description?: string;
  attributeVersion: number;
  contentVersion: number;
  items: number;
  type: VaultType;
  createdAt: string;
  updatedAt: string;
}

export interface ItemUrl {
  href: string;
  label?: string;
  primary?: boolean;
}

export interface ItemSection {
  id: string;
  label?: string;
}

export interface GeneratorRecipe {
  length?: number;
  characterSets?: string[];
  excludeCharacters?: string;
}

export interface ItemField {
  id: string;
  section?: { id: string };
  type: string;
  purpose?: string;
  label?: string;
  value?: string;
  generate?: boolean;
  recipe?: GeneratorRecipe;
  entropy?: number;
  totp?: string;
}

export interface ItemFileJson {
  id: string;
  name: string;
  size: number;
  content_path: string;
  section?: { id: string };
  content?: string;
}

export type ItemState = 'ARCHIVED' | 'DELETED';

export interface ItemSummaryJson {
  id: string;
  title: string;
  vault: { id: string };
  category: string;
  urls?: ItemUrl[];
  favorite: boolean;
  tags?: string[];
  version: number;
  state?: ItemState;
  createdAt: string;
  updatedAt: string;
  lastEditedBy: string;
}

export interface FullItemJson extends ItemSummaryJson {
  sections?: ItemSection[];
  fields?: ItemField[];
  files?: ItemFileJson[];
}

export type ApiAction = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE';

export interface ApiResourceJson {
  type: 'ITEM' | 'VAULT';
  vault?: { id: string };
  item?: { id: string };
  itemVersion?: number;
}

export interface ApiRequestJson {
  requestId: string;
  timestamp: string;
  action: ApiAction;
  result: 'SUCCESS' | 'DENY';
  actor: { id: string; account: string; jti: string; userAgent: string; requestIp: string };
  resource: ApiResourceJson;
}
