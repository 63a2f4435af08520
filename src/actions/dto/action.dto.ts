import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../../common/auth/role.enum.js';

export class ActionRouteDto {
  @ApiProperty({ example: 'GET' })
  method: string;

  @ApiProperty({ example: '/v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}' })
  path: string;
}

/** One action of the Wrk Actions catalog. */
export class ActionDto {
  @ApiProperty({ description: 'Stable key; also the action key of its audit records', example: 'items.get' })
  key: string;

  @ApiProperty({ description: 'Name as the Wrk actions list shows it', example: 'Retrieve vault item details from 1Password' })
  name: string;

  @ApiProperty({ example: 'The full item: fields with their values (OTP fields with their current code), sections and file metadata.' })
  description: string;

  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true, description: 'API key roles allowed to run it (others get 403 FORBIDDEN)', example: ['admin', 'operator'] })
  requiredRoles: Role[];

  @ApiProperty({ description: 'The action only reads (from 1Password or this service)', example: true })
  readOnly: boolean;

  @ApiProperty({ description: 'List action: returns every page unless the input names `limit`, `cursor` or `all`', example: false })
  paginated: boolean;

  @ApiProperty({ type: ActionRouteDto, description: 'How to run it', example: { method: 'POST', path: '/v1/actions/items.get/run' } })
  run: ActionRouteDto;

  @ApiProperty({ type: ActionRouteDto, description: 'The REST route doing the same', example: { method: 'GET', path: '/v1/connected-accounts/{accountId}/vaults/{vaultId}/items/{itemId}' } })
  restRoute: ActionRouteDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft 2020-12) of `input`, generated from the DTO the REST route validates with; unknown properties are refused',
    example: { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'ItemRefDto', type: 'object', properties: { vaultId: { type: 'string' } }, required: ['vaultId', 'itemId'], additionalProperties: false },
  })
  inputSchema: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft 2020-12) of `output`, generated from the DTO the REST route answers with',
    example: { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'ItemDto', type: 'object', properties: { id: { type: 'string' } }, required: ['id', 'vault', 'category'] },
  })
  outputSchema: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'An input to start from', example: { vaultId: 'ytrfte14kw1uex5txaore1emkz', itemId: 'wepiqdxdzncjtnvmv5fegud4qy' } })
  exampleInput: Record<string, unknown>;
}

/** GET /v1/actions: the whole catalog in one page (it is small). */
export class ActionCatalogDto {
  @ApiProperty({ description: 'The dialect of every inputSchema and outputSchema', example: 'https://json-schema.org/draft/2020-12/schema' })
  schemaDialect: string;

  @ApiProperty({ type: [ActionDto] })
  data: ActionDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Always null: the catalog is one page', example: null })
  nextCursor: string | null;
}
