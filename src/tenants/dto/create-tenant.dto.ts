import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 200 })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;
}
