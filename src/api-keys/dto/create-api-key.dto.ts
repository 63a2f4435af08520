import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { IsDisplayName } from '../../common/http/is-display-name.decorator.js';
import { Role } from '../../common/auth/role.enum.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'workflow-runner', minLength: 1, maxLength: 200 })
  @IsDisplayName()
  name: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Operator, description: 'admin: everything; operator: vault/item/file actions; auditor: audit log only' })
  @IsEnum(Role)
  role: Role;
}
