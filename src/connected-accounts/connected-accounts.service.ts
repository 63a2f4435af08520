import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { newestFirstPage } from '../common/pagination/newest-first-page.js';
import { PageQueryDto } from '../common/pagination/page-query.dto.js';
import type { Page } from '../common/pagination/page.js';
import { EnvelopeCipher } from '../crypto/envelope-cipher.js';
import { PlaintextSecret } from '../crypto/plaintext-secret.js';
import { fingerprint } from '../crypto/secret-fingerprint.util.js';
import { TenantTransaction } from '../database/tenant-transaction.js';
import { ConnectClientRegistry } from './connect-client.registry.js';
import { ConnectVerifier, type VerificationOutcome } from './connect-verifier.js';
import { ConnectedAccount } from './connected-account.entity.js';
import { normalizeConnectUrl } from './dto/connect-input.validators.js';
import { ConnectedAccountDto } from './dto/connected-account.dto.js';
import type { CreateConnectedAccountDto } from './dto/create-connected-account.dto.js';
import type { UpdateConnectedAccountDto } from './dto/update-connected-account.dto.js';
import type { VerificationResultDto } from './dto/verification-result.dto.js';
import { sealedTokenColumns, sealedTokenOf, tokenSealContext, type SealedTokenColumns } from './sealed-token.columns.js';

const NAME_CONSTRAINT = 'connected_accounts_tenant_name_key';

/** Columns an update may set, the token ones only as a whole SealedSecret. */
type AccountChanges = Partial<Pick<ConnectedAccount,
  'name' | 'connectServerUrl' | 'tokenLast4' | 'tokenSha256Prefix' | 'status' | 'lastVerifiedAt' | 'lastVerificationErrorCode' | 'serverVersion' | 'tokenVaults'
>> & Partial<SealedTokenColumns>;

/**
 * Connected accounts: a URL and token verified against Connect before they are stored, the token sealed by
 * EnvelopeCipher and never returned. Network checks run outside database transactions; writes that follow a
 * check are conditional on `config_version`, so two concurrent updates can never combine a URL and a token
 * that were not verified together.
 */
@Injectable()
export class ConnectedAccountsService {
  constructor(
    private readonly tenantTransaction: TenantTransaction,
    private readonly cipher: EnvelopeCipher,
    private readonly verifier: ConnectVerifier,
    private readonly registry: ConnectClientRegistry,
  ) {}

  async create(principal: Principal, dto: CreateConnectedAccountDto): Promise<ConnectedAccountDto> {
    const { tenantId } = principal;
    const id = randomUUID();
    const connectServerUrl = normalizeConnectUrl(dto.connectServerUrl);
    const token = new PlaintextSecret(dto.connectToken);
    // Fail fast on a taken name before any network call; the unique constraint still decides races.
    await this.tenantTransaction.run(tenantId, (manager) => this.assertNameFree(manager, tenantId, dto.name));
    const outcome = await this.verifier.verify(connectServerUrl, token, id);
    if (!outcome.ok) throw ConnectVerifier.toException(outcome);
    const { last4, sha256Prefix } = fingerprint(token);
    const sealed = sealedTokenColumns(this.cipher.seal(token, tokenSealContext(tenantId, id)));
    return this.tenantTransaction.run(tenantId, async (manager) => {
      const account = manager.create(ConnectedAccount, {
        id,
        tenantId,
        name: dto.name,
        connectServerUrl,
        ...sealed,
        tokenLast4: last4,
        tokenSha256Prefix: sha256Prefix,
        ...verifiedState(outcome),
        configVersion: 1,
      });
      await this.write(() => manager.insert(ConnectedAccount, account));
      return ConnectedAccountDto.from(await manager.findOneByOrFail(ConnectedAccount, { id, tenantId }));
    });
  }

  list(principal: Principal, query: PageQueryDto): Promise<Page<ConnectedAccountDto>> {
    return this.tenantTransaction.run(principal.tenantId, (manager) =>
      newestFirstPage(manager, ConnectedAccount, principal.tenantId, query, (row) => ConnectedAccountDto.from(row)),
    );
  }


  get(principal: Principal, accountId: string): Promise<ConnectedAccountDto> {
    return this.tenantTransaction.run(principal.tenantId, async (manager) =>
      ConnectedAccountDto.from(await this.findOrThrow(manager, principal.tenantId, accountId)),
    );
  }

  /**
   * Renames, moves to another URL, or rotates the token. A new token is verified first (at the new URL, or the
   * stored one); on failure nothing changes, so the account never ends up without a working token. A new URL
   * needs a new token: the stored one is only ever sent to the server it was stored for.
   */
  async update(principal: Principal, accountId: string, dto: UpdateConnectedAccountDto): Promise<ConnectedAccountDto> {
    const { tenantId } = principal;
    const current = await this.tenantTransaction.run(tenantId, (manager) => this.findOrThrow(manager, tenantId, accountId));
    const connectServerUrl = dto.connectServerUrl === undefined ? current.connectServerUrl : normalizeConnectUrl(dto.connectServerUrl);
    const urlChanges = connectServerUrl !== normalizeConnectUrl(current.connectServerUrl);
    // Else an admin key could point the account at its own server and receive the customer's token.
    if (urlChanges && dto.connectToken === undefined) throw tokenRequiredForNewUrl();
    const changes: AccountChanges = {};
    if (dto.name !== undefined && dto.name !== current.name) {
      await this.tenantTransaction.run(tenantId, (manager) => this.assertNameFree(manager, tenantId, dto.name!));
      changes.name = dto.name;
    }
    if (urlChanges) changes.connectServerUrl = connectServerUrl;
    const newToken = dto.connectToken === undefined ? undefined : new PlaintextSecret(dto.connectToken);

    if (newToken !== undefined) {
      const outcome = await this.verifier.verify(connectServerUrl, newToken, current.id);
      if (!outcome.ok) throw ConnectVerifier.toException(outcome);
      const { last4, sha256Prefix } = fingerprint(newToken);
      // Sealed for the stored id, which the registry opens it with, not the id as the caller typed it.
      Object.assign(changes, verifiedState(outcome), sealedTokenColumns(this.cipher.seal(newToken, tokenSealContext(tenantId, current.id))), {
        tokenLast4: last4,
        tokenSha256Prefix: sha256Prefix,
      });
    }
    if (Object.keys(changes).length === 0) return ConnectedAccountDto.from(current);

    const updated = await this.tenantTransaction.run(tenantId, async (manager) => {
      const result = await this.write(() =>
        manager
          .createQueryBuilder()
          .update(ConnectedAccount)
          .set({ ...changes, configVersion: () => 'config_version + 1' })
          .where('id = :accountId AND tenant_id = :tenantId AND config_version = :version', { accountId, tenantId, version: current.configVersion })
          .execute(),
      );
      if (result.affected === 0) {
        await this.findOrThrow(manager, tenantId, accountId);
        throw new AppException(ErrorCode.CONNECTED_ACCOUNT_CONFLICT, 'The connected account was changed by another request meanwhile; read it again and retry');
      }
      return manager.findOneByOrFail(ConnectedAccount, { id: accountId, tenantId });
    });
    await this.registry.accountChanged({ tenantId, accountId, configVersion: updated.configVersion, deleted: false });
    return ConnectedAccountDto.from(updated);
  }

  async remove(principal: Principal, accountId: string): Promise<void> {
    const { tenantId } = principal;
    const result = await this.tenantTransaction.run(tenantId, (manager) => manager.delete(ConnectedAccount, { id: accountId, tenantId }));
    if (!result.affected) throw notFound(accountId);
    await this.registry.accountChanged({ tenantId, accountId, configVersion: 0, deleted: true });
  }

  /** Checks the stored URL and token now and records the outcome as the account's status. */
  async verify(principal: Principal, accountId: string): Promise<VerificationResultDto> {
    const { tenantId } = principal;
    const current = await this.tenantTransaction.run(tenantId, (manager) => this.findOrThrow(manager, tenantId, accountId));
    const token = this.cipher.open(sealedTokenOf(current), tokenSealContext(tenantId, current.id));
    const outcome = await this.verifier.verify(current.connectServerUrl, token, current.id);
    const state: AccountChanges = outcome.ok
      ? verifiedState(outcome)
      : { status: 'failing', lastVerificationErrorCode: outcome.reason, ...(outcome.serverVersion ? { serverVersion: outcome.serverVersion } : {}) };
    const account = await this.tenantTransaction.run(tenantId, async (manager) => {
      // Status only, no config change: written only if the URL and token checked are still the stored ones.
      await manager
        .createQueryBuilder()
        .update(ConnectedAccount)
        .set(state)
        .where('id = :accountId AND tenant_id = :tenantId AND config_version = :version', { accountId, tenantId, version: current.configVersion })
        .execute();
      return this.findOrThrow(manager, tenantId, accountId);
    });
    return {
      ok: outcome.ok,
      checkedAt: outcome.checkedAt.toISOString(),
      failedStep: outcome.ok ? null : outcome.step,
      reason: outcome.ok ? null : outcome.reason,
      message: outcome.ok ? null : outcome.message,
      account: ConnectedAccountDto.from(account),
    };
  }

  private async findOrThrow(manager: EntityManager, tenantId: string, accountId: string): Promise<ConnectedAccount> {
    const account = await manager.findOneBy(ConnectedAccount, { id: accountId, tenantId });
    if (!account) throw notFound(accountId);
    return account;
  }

  private async assertNameFree(manager: EntityManager, tenantId: string, name: string): Promise<void> {
    if (await manager.existsBy(ConnectedAccount, { tenantId, name })) throw nameTaken(name);
  }

  /** Runs a write, turning the name's unique violation into 409 CONNECTED_ACCOUNT_NAME_TAKEN. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
      if (driverError?.code === '23505' && driverError.constraint === NAME_CONSTRAINT) throw nameTaken();
      throw error;
    }
  }
}

function verifiedState(outcome: Extract<VerificationOutcome, { ok: true }>): AccountChanges {
  return {
    status: 'verified',
    lastVerifiedAt: outcome.checkedAt,
    lastVerificationErrorCode: null,
    serverVersion: outcome.serverVersion,
    tokenVaults: outcome.vaults,
  };
}

function notFound(accountId: string): AppException {
  return new AppException(ErrorCode.CONNECTED_ACCOUNT_NOT_FOUND, `Connected account ${accountId} not found`);
}

function tokenRequiredForNewUrl(): AppException {
  const message = 'connectToken is required when connectServerUrl changes: the stored token is never sent to another server';
  return new AppException(ErrorCode.VALIDATION_FAILED, message, { problems: [{ property: 'connectToken', constraints: [message] }] });
}

function nameTaken(name?: string): AppException {
  return new AppException(
    ErrorCode.CONNECTED_ACCOUNT_NAME_TAKEN,
    name === undefined ? 'A connected account with this name already exists' : `A connected account named "${name}" already exists`,
  );
}
