import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FileDto } from '../../files/dto/file.dto.js';

/*
 * Items are returned as the Connect server sends them: plain objects, so a property, category or field type
 * newer than this service passes through untouched. These classes document the known part.
 */

export class ResourceRefDto {
  @ApiProperty({ example: 'ytrfte14kw1uex5txaore1emkz' })
  id: string;
}

export class ItemUrlDto {
  @ApiProperty({ example: 'https://db.example.com' })
  href: string;

  @ApiPropertyOptional({ example: 'console' })
  label?: string;

  @ApiPropertyOptional({ example: true })
  primary?: boolean;
}

export class ItemSummaryDto {
  @ApiProperty({ example: 'wepiqdxdzncjtnvmv5fegud4qy' })
  id: string;

  @ApiPropertyOptional({ example: 'Production database' })
  title?: string;

  @ApiProperty({ type: ResourceRefDto })
  vault: ResourceRefDto;

  @ApiProperty({ description: 'LOGIN, PASSWORD, API_CREDENTIAL, ... or a newer category, passed through', example: 'LOGIN' })
  category: string;

  @ApiPropertyOptional({ type: [ItemUrlDto] })
  urls?: ItemUrlDto[];

  @ApiPropertyOptional({ example: false })
  favorite?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['prod', 'db'] })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Bumped by every change; send it as If-Match to update safely', example: 3 })
  version?: number;

  @ApiPropertyOptional({ description: 'ARCHIVED or DELETED; absent on active items', example: 'ARCHIVED' })
  state?: string;

  @ApiPropertyOptional({ example: '2026-11-20T09:12:45Z' })
  createdAt?: string;

  @ApiPropertyOptional({ example: '2026-11-27T15:00:00Z' })
  updatedAt?: string;

  @ApiPropertyOptional({ description: 'User id of the last editor', example: 'LQGK3VXNHBF5BJPW6DGA3S6OTE' })
  lastEditedBy?: string;
}

export class SectionDto {
  @ApiProperty({ example: 'connection' })
  id: string;

  @ApiPropertyOptional({ example: 'Connection details' })
  label?: string;
}

export class FieldDto {
  @ApiProperty({ example: 'password' })
  id: string;

  @ApiPropertyOptional({ type: ResourceRefDto })
  section?: ResourceRefDto;

  @ApiProperty({ description: 'STRING, CONCEALED, OTP, ... or a newer type, passed through', example: 'CONCEALED' })
  type: string;

  @ApiPropertyOptional({ example: 'PASSWORD' })
  purpose?: string;

  @ApiPropertyOptional({ example: 'password' })
  label?: string;

  @ApiPropertyOptional({ example: 'Jx2v9q-generated-secret' })
  value?: string;

  @ApiPropertyOptional({ description: 'Strength of generated and PASSWORD values', example: 115.6 })
  entropy?: number;

  @ApiPropertyOptional({ description: 'OTP fields only: the current code, as the Connect server computed it', example: '492039' })
  totp?: string;
}

export class ItemDto extends ItemSummaryDto {
  @ApiPropertyOptional({ type: [SectionDto] })
  sections?: SectionDto[];

  @ApiPropertyOptional({
    type: [FieldDto],
    example: [
      { id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'app' },
      { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: 'Jx2v9q-generated-secret', entropy: 115.6 },
      { id: 'k2j3h4g5f6d7s8a9q0w1e2r3t4', type: 'OTP', label: 'one-time password', value: 'otpauth://totp/db?secret=JBSWY3DPEHPK3PXP', totp: '492039' },
    ],
  })
  fields?: FieldDto[];

  @ApiPropertyOptional({ type: [FileDto] })
  files?: FileDto[];
}

export class OtpDto {
  @ApiProperty({ description: 'The current one-time password', example: '492039' })
  code: string;

  @ApiProperty({ description: 'Seconds until the code changes (from the otpauth period, 30 by default)', example: 17 })
  secondsRemaining: number;

  @ApiProperty({ description: 'Id of the OTP field the code comes from (the first OTP field of the item)', example: 'k2j3h4g5f6d7s8a9q0w1e2r3t4' })
  fieldId: string;

  @ApiPropertyOptional({ example: 'one-time password' })
  label?: string;

  @ApiProperty({ description: 'Length of a code period in seconds', example: 30 })
  period: number;
}
