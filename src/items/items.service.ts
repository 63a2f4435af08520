import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import type { Page } from '../common/pagination/page.js';
import type { FullItem, ItemSummary, PatchOperation } from '../connect/connect-api.types.js';
import type { ConnectClient, ItemDeletion, ItemFilter } from '../connect/connect-client.js';
import { ConnectClientRegistry } from '../connected-accounts/connect-client.registry.js';
import { validationFailed } from '../vaults/connect-ref.util.js';
import { pageOfSorted, pageSorted, toPageRequest } from '../vaults/sorted-page.util.js';
import { canFilterOnServer, resolveVaultId } from '../vaults/vault-lookup.js';
import type { CreateItemInputDto, DeleteItemInputDto, PatchItemInputDto, ReplaceItemInputDto } from './dto/item-actions.dto.js';
import type { ItemRefDto } from './dto/item-ref.dto.js';
import type { ItemDto, ItemSummaryDto, OtpDto } from './dto/item.dto.js';
import type { ListItemsInputDto } from './dto/list-items-query.dto.js';
import { IdempotencyStore } from './idempotency/idempotency.store.js';
import { ItemListingCache } from './item-listing.cache.js';
import { assertItemBodyOrThrow, toConnectItem, toConnectReplacement } from './item-body.util.js';
import { resolveItem } from './item-lookup.js';
import { isOtpField, presentItem } from './item-presenter.js';
import { otpPeriodOf, parseOtpValue, secondsRemaining, totpCode } from './otp/totp.util.js';
import { FriendlyPatchCompiler, hasFriendlyChanges, normalizeRawOperations } from './patch/patch-compiler.js';

const itemKey = (item: ItemSummary) => ({ title: item.title, id: item.id });

/** Errors after which Connect certainly did not create the item: the Idempotency-Key is released. */
const NOT_APPLIED = new Set<ErrorCode>([
  ErrorCode.VALIDATION_FAILED, ErrorCode.CONNECT_BAD_REQUEST, ErrorCode.CONNECT_TOKEN_REJECTED, ErrorCode.CONNECT_FORBIDDEN,
  ErrorCode.VAULT_NOT_FOUND, ErrorCode.ITEM_NOT_FOUND, ErrorCode.AMBIGUOUS_TITLE, ErrorCode.CONNECTED_ACCOUNT_NOT_FOUND,
  ErrorCode.CONNECT_UNREACHABLE, ErrorCode.CONNECT_TLS_ERROR, ErrorCode.CONNECT_CIRCUIT_OPEN, ErrorCode.CONNECT_SYNC_NOT_READY,
  ErrorCode.AUDIT_UNAVAILABLE, ErrorCode.DECRYPTION_FAILED, ErrorCode.ENCRYPTION_KEY_UNKNOWN,
]);
/** An earlier create of unknown outcome is adopted when an item of its title appeared at most this long before the key was first used. */
const RECOVERY_CLOCK_SKEW_MS = 60_000;

function certainlyNotApplied(error: unknown): boolean {
  if (!(error instanceof AppException)) return false;
  if (NOT_APPLIED.has(error.code)) return true;
  // 408 (sync timeout) and 429 (rate limited) are answered before the write is attempted.
  const status = error.details?.connectStatus;
  return error.code === ErrorCode.CONNECT_UNAVAILABLE && (status === 408 || status === 429);
}

/**
 * The item actions: list, details, create, replace, patch, delete and the OTP convenience. Each public method
 * is one Wrk action: (principal, connected account id, validated input) → plain output, so the actions
 * catalog calls the same code as the REST routes. Field values never reach a log line or an error.
 */
@Injectable()
export class ItemsService {
  private readonly logger = new Logger(ItemsService.name);

  constructor(
    private readonly registry: ConnectClientRegistry,
    private readonly idempotency: IdempotencyStore,
    private readonly listings: ItemListingCache,
  ) {}

  /**
   * The vault's items (summaries), ordered by title (case-insensitive) then id, paginated. One filter is sent
   * to Connect (which accepts a single expression); all of them are then applied here, `category` included.
   * Large vaults are paged from a list kept while the vault's content version stands (ItemListingCache).
   */
  async list(principal: Principal, accountId: string, input: ListItemsInputDto): Promise<Page<ItemSummaryDto>> {
    const page = toPageRequest(input);
    const client = await this.client(principal, accountId);
    const vaultId = await resolveVaultId(client, input);
    const listing = await this.listings.list(client, accountId, vaultId, serverFilter(input));
    const keep = itemFilter(input);
    if (listing.kind === 'sorted') return pageOfSorted(listing.rows, page, keep) as Page<ItemSummaryDto>;
    return pageSorted(keep ? listing.rows.filter(keep) : listing.rows, itemKey, page) as Page<ItemSummaryDto>;
  }

  /** Full item: fields (OTP fields with their current `totp`), sections and file metadata. */
  async get(principal: Principal, accountId: string, input: ItemRefDto): Promise<ItemDto> {
    const client = await this.client(principal, accountId);
    const { vaultId, itemId } = await resolveItem(client, input);
    return presentItem(accountId, await client.getItem(vaultId, itemId));
  }

  /**
   * Creates an item (Connect answers 200; the REST route 201). With an idempotency key, a retry of the same
   * request returns the item the first one created, re-read from Connect, without a second create.
   */
  async create(principal: Principal, accountId: string, input: CreateItemInputDto): Promise<ItemDto> {
    assertItemBodyOrThrow(input.item);
    const body = toConnectItem(input.item);
    const client = await this.client(principal, accountId);
    const key = input.idempotencyKey;
    if (key === undefined) {
      const vaultId = await resolveVaultId(client, input);
      return presentItem(accountId, await client.createItem(vaultId, body));
    }

    const { tenantId } = principal;
    const claim = await this.idempotency.claim(tenantId, accountId, key, { accountId, vaultId: input.vaultId, by: input.by ?? 'id', item: input.item });
    if (claim.kind === 'replay') return presentItem(accountId, await client.getItem(claim.vaultId, claim.itemId));
    let created: FullItem;
    let vaultId: string;
    try {
      vaultId = await resolveVaultId(client, input);
      const recovered = claim.kind === 'recover' ? await this.findEarlierCreate(client, vaultId, body.title ?? '', claim.since) : undefined;
      created = recovered ?? (await client.createItem(vaultId, body));
    } catch (error) {
      await this.settleFailedCreate(tenantId, key, error);
      throw error;
    }
    try {
      await this.idempotency.complete(tenantId, key, vaultId, created.id, created.version);
    } catch (error) {
      // The item exists, so the caller gets it; the key stays in progress until its lease lapses, after which
      // a retry finds this item by recovery instead of creating another.
      this.logger.warn(`could not record the result of an idempotent create (item ${created.id}): ${(error as Error).message}`);
    }
    return presentItem(accountId, created);
  }

  /**
   * Full replace (PUT). The current item is read first: for If-Match (412 VERSION_MISMATCH when its version
   * differs) and to keep its files. Read-compare-write is not atomic: a change landing between the read and
   * the PUT (milliseconds) is overwritten; Connect offers no conditional write to close that gap.
   */
  async replace(principal: Principal, accountId: string, input: ReplaceItemInputDto): Promise<ItemDto> {
    assertItemBodyOrThrow(input.item);
    const client = await this.client(principal, accountId);
    const target = await resolveItem(client, input);
    if (input.item.id !== undefined && input.item.id !== target.itemId) throw validationFailed('id', 'id must match the item of the path (or be left out)');
    if (input.item.vault !== undefined && input.item.vault.id !== target.vaultId) throw validationFailed('vault.id', 'vault.id must match the vault of the path (or be left out)');
    const current = await client.getItem(target.vaultId, target.itemId);
    assertVersion(current, input.ifMatch);
    return presentItem(accountId, await client.replaceItem(target.vaultId, target.itemId, toConnectReplacement(input.item, current)));
  }

  /**
   * Partial update (PATCH): raw RFC 6902 `operations`, sent as given, or the friendly form compiled to
   * operations on field ids against the current item. The friendly form and If-Match read the item first.
   */
  async patch(principal: Principal, accountId: string, input: PatchItemInputDto): Promise<ItemDto> {
    const { patch } = input;
    const friendly = hasFriendlyChanges(patch);
    if (friendly && patch.operations !== undefined) {
      throw validationFailed('operations', 'send either raw "operations" or the friendly form (title, tags, urls, favorite, fields), not both');
    }
    if (!friendly && patch.operations === undefined) {
      throw validationFailed('operations', 'the patch names no change: send "operations" or at least one of title, tags, urls, favorite, fields');
    }
    const client = await this.client(principal, accountId);
    const target = await resolveItem(client, input);
    let operations: PatchOperation[];
    if (friendly || input.ifMatch !== undefined) {
      const current = await client.getItem(target.vaultId, target.itemId);
      assertVersion(current, input.ifMatch);
      operations = friendly ? new FriendlyPatchCompiler(current).compile(patch) : normalizeRawOperations(patch.operations!);
    } else {
      operations = normalizeRawOperations(patch.operations!);
    }
    return presentItem(accountId, await client.patchItem(target.vaultId, target.itemId, operations));
  }

  /**
   * Deletes the item permanently (Connect has no trash). If-Match reads the item first, as for replace, with
   * the same gap between the check and the DELETE.
   */
  async delete(principal: Principal, accountId: string, input: DeleteItemInputDto): Promise<ItemDeletion> {
    const client = await this.client(principal, accountId);
    const { vaultId, itemId } = await resolveItem(client, input);
    if (input.ifMatch !== undefined) assertVersion(await client.getItem(vaultId, itemId), input.ifMatch);
    const deletion = await client.deleteItem(vaultId, itemId);
    if (deletion.confirmedByRetry) this.logger.log(`item ${itemId} in vault ${vaultId}: the delete's answer was lost and its retry found the item gone, so it counts as deleted`);
    return deletion;
  }

  /**
   * The current one-time password of the item's first OTP field: Connect's `totp`, or computed from the
   * field's otpauth URI when Connect sent none. `secondsRemaining` comes from the URI's period (default 30).
   */
  async otp(principal: Principal, accountId: string, input: ItemRefDto): Promise<OtpDto> {
    const client = await this.client(principal, accountId);
    const { vaultId, itemId } = await resolveItem(client, input);
    const item = await client.getItem(vaultId, itemId);
    const now = Date.now();
    const field = (item.fields ?? []).find(isOtpField);
    if (!field) throw new AppException(ErrorCode.OTP_NOT_FOUND, 'The item has no one-time password (OTP) field', { vaultId, itemId });
    const params = parseOtpValue(field.value);
    const code = typeof field.totp === 'string' && field.totp !== '' ? field.totp : params && totpCode(params, now);
    if (!code) throw new AppException(ErrorCode.OTP_NOT_FOUND, 'The OTP field of the item holds no usable one-time password secret', { vaultId, itemId, fieldId: field.id });
    const period = otpPeriodOf(field.value);
    return { code, secondsRemaining: secondsRemaining(period, now), fieldId: field.id, ...(field.label !== undefined ? { label: field.label } : {}), period };
  }

  /** Frees the key when Connect certainly did not create the item, else leaves it to recovery; never hides `error`. */
  private async settleFailedCreate(tenantId: string, key: string, error: unknown): Promise<void> {
    try {
      if (certainlyNotApplied(error)) await this.idempotency.release(tenantId, key);
      else await this.idempotency.markUnknown(tenantId, key);
    } catch (settleError) {
      this.logger.warn(`could not settle Idempotency-Key after a failed create: ${(settleError as Error).message}`);
    }
  }

  private client(principal: Principal, accountId: string): Promise<ConnectClient> {
    return this.registry.forPrincipal(principal, accountId);
  }

  /**
   * Recovery of an Idempotency-Key whose first create has no known outcome: the item it would have created
   * is the one of that title created since the key was first used. Several such items cannot be told apart.
   */
  private async findEarlierCreate(client: ConnectClient, vaultId: string, title: string, since: Date): Promise<FullItem | undefined> {
    const listed = await client.listItems(vaultId, canFilterOnServer(title) ? { title } : undefined);
    const after = since.getTime() - RECOVERY_CLOCK_SKEW_MS;
    const candidates = listed.filter((item) => item.title === title && Date.parse(item.createdAt ?? '') >= after);
    if (candidates.length === 0) return undefined;
    if (candidates.length > 1) {
      throw new AppException(
        ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS,
        'The first create with this Idempotency-Key has no known outcome and several items of its title were created since; check the vault',
        { candidates: candidates.map((item) => ({ id: item.id, vaultId, title, createdAt: item.createdAt })) },
      );
    }
    this.logger.log(`Idempotency-Key recovery adopted item ${candidates[0].id} in vault ${vaultId}`);
    return client.getItem(vaultId, candidates[0].id);
  }
}

/** Every filter of the input as one predicate, or undefined when there is none. */
function itemFilter(input: ListItemsInputDto): ((item: ItemSummary) => boolean) | undefined {
  const { title, titleContains, tag, category } = input;
  if (title === undefined && titleContains === undefined && tag === undefined && category === undefined) return undefined;
  return (item) =>
    (title === undefined || item.title === title) &&
    (titleContains === undefined || (item.title ?? '').includes(titleContains)) &&
    (tag === undefined || (item.tags ?? []).includes(tag)) &&
    (category === undefined || item.category === category);
}

function serverFilter(input: ListItemsInputDto): ItemFilter | undefined {
  if (input.title !== undefined && canFilterOnServer(input.title)) return { title: input.title };
  if (input.tag !== undefined && canFilterOnServer(input.tag)) return { tag: input.tag };
  if (input.titleContains !== undefined && canFilterOnServer(input.titleContains)) return { titleContains: input.titleContains };
  return undefined;
}

function assertVersion(current: FullItem, ifMatch: number | undefined): void {
  if (ifMatch === undefined || current.version === ifMatch) return;
  throw new AppException(
    ErrorCode.VERSION_MISMATCH,
    `The item is at version ${current.version ?? 'unknown'}, not ${ifMatch}; read it again and retry`,
    { expectedVersion: ifMatch, currentVersion: current.version ?? null },
  );
}

