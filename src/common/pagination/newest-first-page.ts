import { EntityManager, EntityTarget } from 'typeorm';
import { TenantScopedEntity } from '../../database/tenant-scoped.entity.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DEFAULT_PAGE_SIZE, PageQueryDto } from './page-query.dto.js';
import { Page } from './page.js';

/** The cursor form of the sort key: [created_at as ISO-8601, id]. */
const NEWEST_FIRST_KEY = ['timestamp', 'uuid'] as const;

/** One page of a tenant's rows, newest first, keyset-paginated on (created_at, id) so no row repeats or goes missing. */
export async function newestFirstPage<E extends TenantScopedEntity, D>(
  manager: EntityManager,
  entity: EntityTarget<E>,
  tenantId: string,
  query: PageQueryDto,
  toDto: (row: E) => D,
): Promise<Page<D>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const qb = manager.createQueryBuilder(entity, 'r').where('r.tenant_id = :tenantId', { tenantId });
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, NEWEST_FIRST_KEY);
    qb.andWhere('(r.created_at, r.id) < (:createdAt, :id)', { createdAt, id });
  }
  const rows = await qb.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').take(limit + 1).getMany();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toDto),
    nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}
