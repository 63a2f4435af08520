import { ApiProperty } from '@nestjs/swagger';
import { CONNECTED_ACCOUNT_STATUSES, ConnectedAccount, type ConnectedAccountStatus } from '../connected-account.entity.js';

export class TokenFingerprintDto {
  @ApiProperty({ description: 'Last 4 characters of the token (**** for very short tokens)', example: 'x9Qk' })
  last4: string;

  @ApiProperty({ description: 'First 12 hex characters of the SHA-256 of the token', example: '3f2a9c01be47' })
  sha256Prefix: string;
}

export class TokenVaultDto {
  @ApiProperty({ example: 'ytrfte14kw1uex5txaore1emkz' })
  id: string;

  @ApiProperty({ nullable: true, description: 'Vault name as the Connect server listed it at the last verification', example: 'Production' })
  name: string | null;

  @ApiProperty({ nullable: true, description: "From the token's claims; null when they cannot be decoded", example: true })
  read: boolean | null;

  @ApiProperty({ nullable: true, description: "From the token's claims; null when they cannot be decoded", example: false })
  write: boolean | null;
}

/** A connected account as the API shows it. The token itself is never part of any response. */
export class ConnectedAccountDto {
  @ApiProperty({ format: 'uuid', example: '7d3c2a10-5b6e-4f7a-8c9d-0e1f2a3b4c5d' })
  id: string;

  @ApiProperty({ example: 'acme-production' })
  name: string;

  @ApiProperty({ example: 'https://connect.acme.internal:8443' })
  connectServerUrl: string;

  @ApiProperty({ type: TokenFingerprintDto })
  tokenFingerprint: TokenFingerprintDto;

  @ApiProperty({
    enum: CONNECTED_ACCOUNT_STATUSES,
    description: 'verified: the last check passed; failing: the last check (POST …/verify) failed; unverified: not checked since stored',
    example: 'verified',
  })
  status: ConnectedAccountStatus;

  @ApiProperty({ nullable: true, example: '2026-11-27T15:00:00.000Z' })
  lastVerifiedAt: string | null;

  @ApiProperty({ nullable: true, description: 'Reason code of the last failed verification', example: null })
  lastVerificationErrorCode: string | null;

  @ApiProperty({ nullable: true, description: '1Password-Connect-Version of the server at the last verification', example: '1.7.3' })
  serverVersion: string | null;

  @ApiProperty({ type: [TokenVaultDto], description: 'Vaults the token can see, with read/write from its claims' })
  vaults: TokenVaultDto[];

  @ApiProperty({ description: 'Incremented by every change of name, URL or token', example: 1 })
  configVersion: number;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  updatedAt: string;

  static from(account: ConnectedAccount): ConnectedAccountDto {
    return {
      id: account.id,
      name: account.name,
      connectServerUrl: account.connectServerUrl,
      tokenFingerprint: { last4: account.tokenLast4, sha256Prefix: account.tokenSha256Prefix },
      status: account.status,
      lastVerifiedAt: account.lastVerifiedAt?.toISOString() ?? null,
      lastVerificationErrorCode: account.lastVerificationErrorCode,
      serverVersion: account.serverVersion,
      vaults: (account.tokenVaults ?? []).map((v) => ({ id: v.id, name: v.name, read: v.read, write: v.write })),
      configVersion: account.configVersion,
      createdAt: account.createdAt.toISOString(),
      updatedAt: account.updatedAt.toISOString(),
    };
  }
}
