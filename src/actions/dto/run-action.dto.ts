import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsUUID } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { ToLowerCase } from '../../common/http/to-lower-case.decorator.js';

/** Body of `POST /v1/actions/{key}/run`. */
export class RunActionRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The connected account (a Connect server and token) to run the action through', example: '3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74' })
  @ToLowerCase() @IsUUID()
  connectedAccountId: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The action's input, as its `inputSchema` in GET /v1/actions describes it (default `{}`); validated like the REST route's path, query and body",
    example: { vaultId: 'ytrfte14kw1uex5txaore1emkz', itemId: 'wepiqdxdzncjtnvmv5fegud4qy' },
  })
  @IsOptional() @IsObject()
  input?: Record<string, unknown>;
}

/** Answer of `POST /v1/actions/{key}/run`. */
export class RunActionResponseDto {
  @ApiProperty({ description: "What the action returned, as its `outputSchema` describes it (null for actions without output, e.g. delete)", example: { id: 'ytrfte14kw1uex5txaore1emkz', name: 'Engineering' } })
  output: unknown;
}
