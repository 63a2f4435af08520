import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FileSectionDto {
  @ApiProperty({ example: 'attachments' })
  id: string;
}

/**
 * A file attached to an item. Connect's `content_path` (or `contentPath`) is replaced by `contentUrl`, the
 * route of this service that streams the bytes; other properties pass through as Connect sends them.
 */
export class FileDto {
  @ApiProperty({ example: '6r65pjq33banznomn7q22sj44e' })
  id: string;

  @ApiProperty({ example: 'server.pem' })
  name: string;

  @ApiProperty({ description: 'Size in bytes', example: 1832 })
  size: number;

  @ApiPropertyOptional({ type: FileSectionDto })
  section?: FileSectionDto;

  @ApiProperty({
    description: 'Where this service streams the content',
    example: '/v1/connected-accounts/3f8e2a4c-5b1d-4c7e-9a2f-6d0b1e9c8a74/vaults/ytrfte14kw1uex5txaore1emkz/items/wepiqdxdzncjtnvmv5fegud4qy/files/6r65pjq33banznomn7q22sj44e/content',
  })
  contentUrl: string;

  @ApiPropertyOptional({ description: 'Base64 content; only with inline=true', example: 'LS0tLS1CRUdJTi...' })
  content?: string;
}
