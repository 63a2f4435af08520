import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { IsOptional } from '../../common/http/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';

/** Query strings carry booleans as text; JSON inputs (the actions catalog) carry real booleans. */
export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * Paging over a list Connect returns whole: `limit` (default 50, at most 500) and `cursor` as everywhere, plus
 * `all=true` for every remaining row in one page.
 */
export class ArrayPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, example: false, description: 'Return every row (from `cursor` on, if given) in one page; `limit` is then ignored' })
  @IsOptional() @Transform(toBoolean) @IsBoolean()
  all?: boolean;
}
