/**
 * The real PostgreSQL parser (libpg-query, compiled to WebAssembly: no native build, every platform).
 * Its module loads once, asynchronously (about 30 ms); after that parsing is synchronous.
 */
import type { SqlParse } from './ddl';

let loading: Promise<SqlParse> | undefined;

export function loadSqlParser(): Promise<SqlParse> {
  loading ??= (async () => {
    const parser = await import('libpg-query');
    await parser.loadModule();
    return (sql: string) => parser.parseSync(sql);
  })();
  return loading;
}

/** Entries a cached parse keeps before it starts again: enough for every statement of a big lab. */
const CACHE_LIMIT = 50_000;

/**
 * `parse` with its results kept by statement text: as a learner types, every statement but the one they
 * are in is the same as a moment ago, and its tree (or its error) comes from the cache.
 */
export function cachedParse(parse: SqlParse): SqlParse {
  const cache = new Map<string, { readonly tree: unknown } | { readonly error: unknown }>();
  return (sql) => {
    let entry = cache.get(sql);
    if (!entry) {
      try {
        entry = { tree: parse(sql) };
      } catch (error) {
        entry = { error };
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(sql, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.tree;
  };
}
