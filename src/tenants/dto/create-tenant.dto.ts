import { ApiProperty } from '@nestjs/swagger';
import { IsDisplayName } from '../../common/http/is-display-name.decorator.js';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 200 })
  @IsDisplayName()
  name: string;
}
