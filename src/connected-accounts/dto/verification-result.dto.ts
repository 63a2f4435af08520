import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from '../../common/errors/error-code.enum.js';
import { VERIFICATION_FAILURE_REASONS } from '../connect-verifier.js';
import { ConnectedAccountDto } from './connected-account.dto.js';

export class VerificationResultDto {
  @ApiProperty({ description: 'All three checks passed', example: true })
  ok: boolean;

  @ApiProperty({ example: '2026-11-27T15:00:00.000Z' })
  checkedAt: string;

  @ApiProperty({ nullable: true, enum: ['heartbeat', 'health', 'vaults'], description: 'The check that failed', example: null })
  failedStep: 'heartbeat' | 'health' | 'vaults' | null;

  @ApiProperty({ type: 'string', nullable: true, enum: VERIFICATION_FAILURE_REASONS, description: 'Why it failed', example: null })
  reason: ErrorCode | null;

  @ApiProperty({ nullable: true, example: null })
  message: string | null;

  @ApiProperty({ type: ConnectedAccountDto, description: 'The account with its updated status' })
  account: ConnectedAccountDto;
}
