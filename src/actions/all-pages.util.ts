interface PageInput {
  limit?: unknown;
  cursor?: unknown;
  all?: unknown;
}

/**
 * List actions return every page unless the input pages itself (`limit`, `cursor` or `all`). Every page at
 * once is `all: true` on the service: Connect always answers the whole list, so one call and one sort serve
 * a consistent snapshot, where walking pages would fetch the list once per page.
 */
export function allPagesByDefault<T extends PageInput>(input: T): T {
  if (input.limit !== undefined || input.cursor !== undefined || input.all !== undefined) return input;
  return { ...input, all: true };
}
