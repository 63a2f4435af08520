import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Rules = ReturnType<Lookup>;
type Target = Parameters<Lookup>[0];

const MEMOIZED = Symbol('wrk.validationMetadataMemoized');

/**
 * class-validator resolves a class's rules (its own and its ancestors') on every validate() by scanning every
 * decorated class it knows, building new arrays each time: for get item's two small DTOs that was 13% of the
 * bytes a request allocated (sampling heap profile, bench/HISTORY.md). A class's rules are all registered when its
 * module loads, so each lookup is remembered per class and arguments; registering any rule later forgets them
 * all. Twenty's server does the same (twentyhq/twenty#24085). Idempotent.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [MEMOIZED]?: true };
  if (marked[MEMOIZED]) return;
  marked[MEMOIZED] = true;

  let cache = new WeakMap<Target, Map<string, Rules>>();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups === undefined ? '' : JSON.stringify(groups)}`;
    let byArgs = cache.get(target);
    if (!byArgs) cache.set(target, (byArgs = new Map()));
    let rules = byArgs.get(key);
    // Frozen: every caller shares the array.
    if (!rules) byArgs.set(key, (rules = Object.freeze(lookup(target, schema, always, strictGroups, groups)) as Rules));
    return rules;
  };

  // Schemas are registered through addValidationMetadata too.
  const add = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    cache = new WeakMap();
    add(metadata);
  };
}
