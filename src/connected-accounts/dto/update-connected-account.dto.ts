import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { IsDisplayName } from '../../common/http/is-display-name.decorator.js';
import { IsConnectServerUrl, IsConnectToken, MAX_CONNECT_TOKEN_LENGTH, MAX_CONNECT_URL_LENGTH } from './connect-input.validators.js';
import { EXAMPLE_CONNECT_TOKEN } from './create-connected-account.dto.js';

/** Every field optional; a new token is verified against Connect before it is stored, and a new URL needs one. */
export class UpdateConnectedAccountDto {
  @ApiPropertyOptional({ example: 'acme-production', minLength: 1, maxLength: 200 })
  @IsOptional() @IsDisplayName()
  name?: string;

  @ApiPropertyOptional({
    description:
      'Moves the account to another Connect server. Needs `connectToken` in the same request (400 VALIDATION_FAILED without it): ' +
      'the stored token is never sent to another server. The same URL (once normalized) counts as no change.',
    example: 'https://connect.acme.internal:8443',
    maxLength: MAX_CONNECT_URL_LENGTH,
  })
  @IsOptional() @IsConnectServerUrl()
  connectServerUrl?: string;

  @ApiPropertyOptional({
    description: 'Token rotation: the new token is verified first (at the new URL if one is sent); on failure the old one stays in place.',
    example: EXAMPLE_CONNECT_TOKEN,
    maxLength: MAX_CONNECT_TOKEN_LENGTH,
    writeOnly: true,
  })
  @IsOptional() @IsConnectToken()
  connectToken?: string;
}
