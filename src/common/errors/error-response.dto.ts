import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './error-code.enum.js';

export class ErrorBodyDto {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.VALIDATION_FAILED })
  code: ErrorCode;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiProperty({ example: '5f0c9a1e-3b7d-4a43-9e63-0b1c2d3e4f50' })
  requestId: string;

  @ApiPropertyOptional({ example: { problems: [{ property: 'name', constraints: ['name must be shorter than or equal to 200 characters'] }] } })
  details?: Record<string, unknown>;
}

/** The one error shape of the API. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorBodyDto })
  error: ErrorBodyDto;
}
