import type { Type } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import { ConnectedAccountsController } from '../connected-accounts/connected-accounts.controller.js';
import type { ConnectedAccountsService } from '../connected-accounts/connected-accounts.service.js';
import { VerificationResultDto } from '../connected-accounts/dto/verification-result.dto.js';
import { FileDto } from '../files/dto/file.dto.js';
import { FileRefDto, GetFileInputDto, ListFilesInputDto } from '../files/dto/file-ref.dto.js';
import { FilesController } from '../files/files.controller.js';
import type { FilesService } from '../files/files.service.js';
import { CreateItemInputDto, DeleteItemInputDto, PatchItemInputDto, ReplaceItemInputDto } from '../items/dto/item-actions.dto.js';
import { ItemRefDto } from '../items/dto/item-ref.dto.js';
import { ItemDto, ItemSummaryDto, OtpDto } from '../items/dto/item.dto.js';
import { ListItemsInputDto } from '../items/dto/list-items-query.dto.js';
import { ItemsController } from '../items/items.controller.js';
import type { ItemsService } from '../items/items.service.js';
import { VaultRefDto } from '../vaults/dto/connect-ref.dto.js';
import { ListVaultsQueryDto } from '../vaults/dto/list-vaults-query.dto.js';
import { VaultDto } from '../vaults/dto/vault.dto.js';
import { VaultsController } from '../vaults/vaults.controller.js';
import type { VaultsService } from '../vaults/vaults.service.js';
import { FileContentDto } from './dto/file-content.dto.js';
import { PageOf } from './dto/page-of.dto.js';
import { VerifyConnectionInputDto } from './dto/verify-connection-input.dto.js';
import { readFileContent } from './file-content.reader.js';

/** The services the actions call: the very ones behind the REST routes. */
export interface ActionServices {
  vaults: VaultsService;
  items: ItemsService;
  files: FilesService;
  accounts: ConnectedAccountsService;
}

/** Adds details to the run's audit outcome record, as annotateAudit does for a REST handler. */
export type AnnotateRun = (details: Record<string, unknown>) => void;

interface TypedAction<I extends object> {
  /** Stable key: the audit action key of the REST route doing the same (checked at start-up). */
  key: string;
  /** The name the Wrk actions list shows (the nine actions keep their exact Wrk names). */
  name: string;
  description: string;
  /** The REST route doing the same: its roles and audit settings are the action's. */
  rest: { controller: Type<unknown>; handler: string };
  /** The DTO class `input` is validated with (the one the service method takes). */
  input: Type<I>;
  /** The DTO class of the output; null when the action returns nothing (`output: null`). */
  output: Type<unknown> | null;
  /** A list action: every page unless the input names `limit`, `cursor` or `all`. */
  paginated?: boolean;
  exampleInput: Record<string, unknown>;
  run(services: ActionServices, principal: Principal, accountId: string, input: I, annotate: AnnotateRun): Promise<unknown>;
}

export type ActionDefinition = Omit<TypedAction<object>, 'run' | 'input'> & {
  input: Type<object>;
  run(services: ActionServices, principal: Principal, accountId: string, input: object, annotate: AnnotateRun): Promise<unknown>;
};

/** Keeps each definition's input type checked against its service call, then erases it for the catalog. */
function action<I extends object>(definition: TypedAction<I>): ActionDefinition {
  return { ...definition, run: (services, principal, accountId, input, annotate) => definition.run(services, principal, accountId, input as I, annotate) };
}

const VAULT = 'ytrfte14kw1uex5txaore1emkz';
const ITEM = 'wepiqdxdzncjtnvmv5fegud4qy';
const FILE = '6r65pjq33banznomn7q22sj44e';
const LOOKUP = ' Ids may be replaced by names and titles with `by: "title"` (404 when nothing matches, 409 AMBIGUOUS_TITLE when several do).';
const PAGES =
  ' Returns every page by default ({ data, nextCursor: null }); give `limit` (at most 500) and then `cursor` (the previous nextCursor) to page yourself.';

/** The Wrk Actions catalog, in the order Wrk lists them. */
export const ACTION_DEFINITIONS: readonly ActionDefinition[] = [
  action({
    key: 'vaults.list',
    name: 'Retrieve vaults from 1Password',
    description: `The vaults the connected account's token can see, ordered by name (case-insensitive, then id); \`name\` keeps the vaults with exactly that name.${PAGES}`,
    rest: { controller: VaultsController, handler: 'list' },
    input: ListVaultsQueryDto,
    output: PageOf(VaultDto),
    paginated: true,
    exampleInput: {},
    run: (s, principal, accountId, input) => s.vaults.list(principal, accountId, input),
  }),
  action({
    key: 'vaults.get',
    name: 'Retrieve a vault from 1Password',
    description: `One vault by id, or by exact name with \`by: "title"\`.${LOOKUP}`,
    rest: { controller: VaultsController, handler: 'get' },
    input: VaultRefDto,
    output: VaultDto,
    exampleInput: { vaultId: VAULT },
    run: (s, principal, accountId, input) => s.vaults.get(principal, accountId, input),
  }),
  action({
    key: 'items.list',
    name: 'Retrieve vault items from 1Password',
    description:
      'Item summaries (no field values) of a vault, ordered by title (case-insensitive, then id). Filters `title` (exact), `titleContains`, ' +
      `\`tag\` and \`category\` combine (and).${PAGES}${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'list' },
    input: ListItemsInputDto,
    output: PageOf(ItemSummaryDto),
    paginated: true,
    exampleInput: { vaultId: VAULT, tag: 'prod' },
    run: (s, principal, accountId, input) => s.items.list(principal, accountId, input),
  }),
  action({
    key: 'items.get',
    name: 'Retrieve vault item details from 1Password',
    description: `The full item: fields with their values (OTP fields with their current \`totp\` code), sections and file metadata.${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'get' },
    input: ItemRefDto,
    output: ItemDto,
    exampleInput: { vaultId: VAULT, itemId: ITEM },
    run: (s, principal, accountId, input) => s.items.get(principal, accountId, input),
  }),
  action({
    key: 'items.create',
    name: 'Create a vault item in 1Password',
    description:
      'Creates an item from `item` (category, title, tags, urls, sections, fields; values given or generated from a recipe). CUSTOM and DOCUMENT ' +
      'items cannot be created. With `idempotencyKey`, a retried run returns the item the first run created instead of creating another ' +
      '(the same key with another input answers 422).',
    rest: { controller: ItemsController, handler: 'create' },
    input: CreateItemInputDto,
    output: ItemDto,
    exampleInput: {
      vaultId: VAULT,
      idempotencyKey: 'wf-run-8842-step-3',
      item: {
        category: 'LOGIN',
        title: 'Production database',
        tags: ['prod'],
        fields: [
          { purpose: 'USERNAME', label: 'username', value: 'app' },
          { purpose: 'PASSWORD', label: 'password', generate: true, recipe: { length: 32, characterSets: ['LETTERS', 'DIGITS'] } },
        ],
      },
    },
    run: (s, principal, accountId, input) => s.items.create(principal, accountId, input),
  }),
  action({
    key: 'items.replace',
    name: 'Update vault item in 1Password',
    description:
      'Replaces the whole item with `item`: whatever it leaves out (fields, sections, tags, urls) is dropped; files are kept. An item as read ' +
      'by "Retrieve vault item details" can be sent back as is. With `ifMatch` (the version last read) the item is replaced only if it is ' +
      `still at that version (412 VERSION_MISMATCH otherwise).${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'replace' },
    input: ReplaceItemInputDto,
    output: ItemDto,
    exampleInput: {
      vaultId: VAULT,
      itemId: ITEM,
      ifMatch: 3,
      item: { category: 'LOGIN', title: 'Production database', fields: [{ id: 'password', purpose: 'PASSWORD', label: 'password', value: 'n3w-s3cret' }] },
    },
    run: (s, principal, accountId, input) => s.items.replace(principal, accountId, input),
  }),
  action({
    key: 'items.patch',
    name: 'Patch vault item in 1Password',
    description:
      'Changes part of an item: `patch.operations` (RFC 6902 add, remove, replace on field ids, sent as they are) or the friendly form ' +
      '(`title`, `tags`, `urls`, `favorite`, `fields: [{ label | id, section?, value? | generate, ... }]`), which names fields by label ' +
      `(400 FIELD_NOT_FOUND for an unknown label). \`ifMatch\` works as for the full update.${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'patch' },
    input: PatchItemInputDto,
    output: ItemDto,
    exampleInput: { vaultId: VAULT, itemId: ITEM, patch: { fields: [{ label: 'password', value: 'n3w-s3cret' }] } },
    run: (s, principal, accountId, input) => s.items.patch(principal, accountId, input),
  }),
  action({
    key: 'items.delete',
    name: 'Delete vault item in 1Password',
    description:
      'Deletes the item permanently (Connect has no trash); the output is null. `ifMatch` works as for the full update: the item is deleted ' +
      `only if it is still at that version (412 VERSION_MISMATCH otherwise).${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'delete' },
    input: DeleteItemInputDto,
    output: null,
    exampleInput: { vaultId: VAULT, itemId: ITEM },
    run: async (s, principal, accountId, input, annotate) => {
      const deletion = await s.items.delete(principal, accountId, input);
      // As the REST route does: a 204 after Connect's 404 says why.
      if (deletion.confirmedByRetry) annotate({ confirmedByRetry: true });
    },
  }),
  action({
    key: 'files.list',
    name: 'Retrieve vault item files from 1Password',
    description:
      "Metadata of the files attached to an item, ordered by name; `inline: true` adds each file's content in base64 (413 " +
      `CONNECT_FILE_TOO_LARGE_TO_INLINE above the Connect server's inline limit).${PAGES}${LOOKUP}`,
    rest: { controller: FilesController, handler: 'list' },
    input: ListFilesInputDto,
    output: PageOf(FileDto),
    paginated: true,
    exampleInput: { vaultId: VAULT, itemId: ITEM },
    run: (s, principal, accountId, input) => s.files.list(principal, accountId, input),
  }),
  action({
    key: 'files.get',
    name: 'Retrieve vault item file details from 1Password',
    description: `One file's metadata, by id or (with \`by: "title"\`) by exact name; \`inline: true\` adds its content in base64.${LOOKUP}`,
    rest: { controller: FilesController, handler: 'get' },
    input: GetFileInputDto,
    output: FileDto,
    exampleInput: { vaultId: VAULT, itemId: ITEM, fileId: FILE },
    run: (s, principal, accountId, input) => s.files.get(principal, accountId, input),
  }),
  action({
    key: 'files.content',
    name: 'Download vault item file from 1Password',
    description:
      "The file's bytes in base64, for files up to 10 MiB. Larger files answer 413 FILE_TOO_LARGE_FOR_ACTION with `details.contentUrl`, " +
      `the REST route that streams any size.${LOOKUP}`,
    rest: { controller: FilesController, handler: 'content' },
    input: FileRefDto,
    output: FileContentDto,
    exampleInput: { vaultId: VAULT, itemId: ITEM, fileId: FILE },
    run: async (s, principal, accountId, input) => readFileContent(await s.files.content(principal, accountId, input), accountId, input),
  }),
  action({
    key: 'items.otp',
    name: 'Retrieve vault item one-time password from 1Password',
    description: `The current code of the item's first one-time password (OTP) field and the seconds until it changes.${LOOKUP}`,
    rest: { controller: ItemsController, handler: 'otp' },
    input: ItemRefDto,
    output: OtpDto,
    exampleInput: { vaultId: VAULT, itemId: ITEM },
    run: (s, principal, accountId, input) => s.items.otp(principal, accountId, input),
  }),
  action({
    key: 'connected-accounts.verify',
    name: 'Verify 1Password connection',
    description:
      "Checks the connected account now (the Connect server answers, its sync is ready, the token is accepted) and records the account's " +
      'status. A failed check is a result, not an error: `ok: false` with the failed step and reason. Takes no input.',
    rest: { controller: ConnectedAccountsController, handler: 'verify' },
    input: VerifyConnectionInputDto,
    output: VerificationResultDto,
    exampleInput: {},
    run: (s, principal, accountId) => s.accounts.verify(principal, accountId),
  }),
];
