import { ApiProperty } from '@nestjs/swagger';

/** Output of the files.content action: the file's bytes in base64, for files up to the action's inline limit. */
export class FileContentDto {
  @ApiProperty({ description: 'Id of the file', example: '6r65pjq33banznomn7q22sj44e' })
  fileId: string;

  @ApiProperty({ description: 'Name of the file', example: 'server.pem' })
  name: string;

  @ApiProperty({ description: 'Media type as the Connect server sent it', example: 'application/octet-stream' })
  contentType: string;

  @ApiProperty({ type: 'integer', description: 'Size in bytes (of the decoded content)', example: 1832 })
  size: number;

  @ApiProperty({ enum: ['base64'], description: 'Encoding of `content`', example: 'base64' })
  encoding: 'base64';

  @ApiProperty({ description: 'The bytes, base64 (RFC 4648, with padding)', example: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ...' })
  content: string;
}
