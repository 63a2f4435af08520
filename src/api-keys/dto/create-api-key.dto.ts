import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role } from '../../common/auth/role.enum.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'workflow-runner', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200) @Matches(/\S/, { message: '$property must not be blank' })
  name: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Operator, description: 'admin: everything; operator: vault/item/file actions; auditor: audit log only' })
  @IsEnum(Role)
  role: Role;
}
