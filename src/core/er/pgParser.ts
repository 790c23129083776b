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
