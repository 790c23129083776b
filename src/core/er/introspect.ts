/**
 * The ER model of a live PostgreSQL database, from pg_catalog: every ordinary and partitioned table
 * outside the system schemas (partitions are left to their parent), in creation order, with columns
 * typed as format_type prints them, primary keys, unique constraints and unique indexes on plain
 * columns, and foreign keys with their columns in order; constraints in the order they were made.
 * Each query returns its rows as one JSON text, so the result reads the same whatever type parsers the
 * connection has (the checks' connections return every value as text).
 */
import type { ErColumn, ErForeignKey, ErModel, ErTable } from '../../shared/er';
import type { PostgresEndpoint } from '../checks/types';
import { closeClient, connectPostgres, queryRows } from '../checks/postgres/connection';

/** What introspection needs of a connection: `pg`'s Client has it. */
export interface Queryable {
  query<R>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface TableRow {
  oid: number;
  schema: string;
  name: string;
}

interface ColumnRow {
  table: number;
  name: string;
  type: string;
  nullable: boolean;
}

interface KeyRow {
  table: number;
  name: string | null;
  kind: 'p' | 'u' | 'f' | 'i';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
}

const TABLES = `
  select c.oid::int as oid, n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p') and not c.relispartition
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
   order by c.oid`;

const COLUMNS = `
  select a.attrelid::int as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable
    from pg_attribute a
   where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped
   order by a.attrelid, a.attnum`;

const names = (relation: string, numbers: string): string =>
  `array(select att.attname::text from unnest(${numbers}) with ordinality u(num, ord) join pg_attribute att on att.attrelid = ${relation} and att.attnum = u.num order by u.ord)`;

const KEYS = `
  select k.conrelid::int as table, k.oid::bigint as created, k.conname as name, k.contype as kind, ${names('k.conrelid', 'k.conkey')} as columns,
         rn.nspname as ref_schema, rc.relname as ref_table, case when k.contype = 'f' then ${names('k.confrelid', 'k.confkey')} end as ref_columns
    from pg_constraint k
    left join pg_class rc on rc.oid = k.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
   where k.conrelid = any($1::oid[]) and k.contype in ('p', 'u', 'f')
  union all
  select i.indrelid::int, i.indexrelid::bigint, null, 'i', ${names('i.indrelid', 'i.indkey::int2[]')}, null, null, null
    from pg_index i
   where i.indrelid = any($1::oid[]) and i.indisunique and not i.indisprimary and i.indexprs is null and i.indpred is null
     and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
   order by 1, 2`;

/** The query's rows, as JSON text in one value: `[{...}, ...]`. */
function asJson(sql: string): string {
  return `select coalesce(json_agg(q), '[]')::text as rows from (${sql}) q`;
}

async function rowsOf<R>(client: Queryable, sql: string, values?: unknown[]): Promise<R[]> {
  const result = await client.query<{ rows: string }>(asJson(sql), values);
  return JSON.parse(result.rows[0]?.rows ?? '[]') as R[];
}

export async function introspectSchema(client: Queryable): Promise<ErModel> {
  const tables = await rowsOf<TableRow>(client, TABLES);
  const oids = `{${tables.map((table) => table.oid).join(',')}}`;
  const columns = await rowsOf<ColumnRow>(client, COLUMNS, [oids]);
  const keys = await rowsOf<KeyRow>(client, KEYS, [oids]);
  return {
    tables: tables.map((table): ErTable => {
      const own = keys.filter((key) => key.table === table.oid);
      const uniques: string[][] = [];
      for (const key of own.filter((entry) => entry.kind === 'u' || entry.kind === 'i')) {
        if (!uniques.some((unique) => unique.join(',') === key.columns.join(','))) uniques.push(key.columns);
      }
      return {
        schema: table.schema,
        name: table.name,
        columns: columns.filter((column) => column.table === table.oid).map(({ name, type, nullable }): ErColumn => ({ name, type, nullable })),
        primaryKey: own.find((key) => key.kind === 'p')?.columns ?? [],
        uniques,
        foreignKeys: own
          .filter((key) => key.kind === 'f')
          .map((key): ErForeignKey => ({ ...(key.name ? { name: key.name } : {}), columns: key.columns, refSchema: key.ref_schema ?? '', refTable: key.ref_table ?? '', refColumns: key.ref_columns ?? [] })),
      };
    }),
  };
}

/** The model of the database at `endpoint` (the lab's service, wherever it runs). */
export async function introspectDatabase(endpoint: PostgresEndpoint, signal: AbortSignal = new AbortController().signal): Promise<ErModel> {
  const client = await connectPostgres(endpoint, signal);
  try {
    return await introspectSchema({ query: async <R>(sql: string, values?: unknown[]) => ({ rows: (await queryRows(client, sql, values ?? [], signal)) as R[] }) });
  } finally {
    await closeClient(client);
  }
}
