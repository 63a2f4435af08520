import { ApiProperty } from '@nestjs/swagger';
import { IsDisplayName } from '../../common/http/is-display-name.decorator.js';
import { IsConnectServerUrl, IsConnectToken, MAX_CONNECT_TOKEN_LENGTH, MAX_CONNECT_URL_LENGTH } from './connect-input.validators.js';

export const EXAMPLE_CONNECT_TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6Im…(a 1Password Connect access token)';

export class CreateConnectedAccountDto {
  @ApiProperty({ description: 'Unique within the tenant', example: 'acme-production', minLength: 1, maxLength: 200 })
  @IsDisplayName()
  name: string;

  @ApiProperty({
    description:
      'Base URL of the 1Password Connect Server: http or https, no credentials, query or fragment. Stored without a trailing slash; ' +
      `at most ${MAX_CONNECT_URL_LENGTH} characters in that form (percent-encoded).`,
    example: 'https://connect.acme.internal:8443',
    maxLength: MAX_CONNECT_URL_LENGTH,
  })
  @IsConnectServerUrl()
  connectServerUrl: string;

  @ApiProperty({
    description: 'The Connect access token. Write-only: it is stored encrypted and never returned; responses show a fingerprint.',
    example: EXAMPLE_CONNECT_TOKEN,
    maxLength: MAX_CONNECT_TOKEN_LENGTH,
    writeOnly: true,
  })
  @IsConnectToken()
  connectToken: string;
}
