/**
 * The `schema` check kind: reads a table's definition from pg_catalog and compares it with what the
 * lab expects: at least these columns, exactly this primary key, these foreign keys, unique
 * constraints and NOT NULL columns. Every problem is reported at once, in one message.
 */
import { outcome, type CheckOf, type KindRunner } from '../types';
import { clientFor, queryRows } from '../postgres/connection';

interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
}

interface ConstraintDefinition {
  /** p (primary key), u (unique) or f (foreign key). */
  readonly type: 'p' | 'u' | 'f';
  readonly name: string;
  readonly columns: readonly string[];
  readonly refSchema: string | null;
  readonly refTable: string | null;
  readonly refColumns: readonly string[] | null;
}

/** What pg_catalog says about a table. */
interface TableDefinition {
  readonly columns: readonly ColumnDefinition[];
  readonly constraints: readonly ConstraintDefinition[];
  /** The key columns of each unique index without a predicate or expressions. */
  readonly uniqueIndexes: ReadonlyArray<readonly string[]>;
}

const INTROSPECT = `
select json_build_object(
  'columns', (
    select coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull) order by a.attnum), '[]')
    from pg_attribute a
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  ),
  'constraints', (
    select coalesce(json_agg(json_build_object(
      'type', k.contype,
      'name', k.conname,
      'columns', (select json_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(attnum, ord) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum),
      'refSchema', rn.nspname,
      'refTable', rc.relname,
      'refColumns', (select json_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(attnum, ord) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum)
    ) order by k.conname), '[]')
    from pg_constraint k
    left join pg_class rc on rc.oid = k.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
    where k.conrelid = c.oid and k.contype in ('p', 'u', 'f')
  ),
  'uniqueIndexes', (
    select coalesce(json_agg((
      select json_agg(a.attname order by u.ord)
      from unnest(i.indkey::int2[]) with ordinality u(attnum, ord)
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.attnum
      where u.ord <= i.indnkeyatts
    ) order by ic.relname), '[]')
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    where i.indrelid = c.oid and i.indisunique and i.indpred is null and i.indexprs is null
  )
) as definition
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

type SchemaExpect = CheckOf<'schema'>['expect'];
type ExpectedForeignKey = NonNullable<SchemaExpect['foreignKeys']>[number];

function columnList(columns: readonly string[]): string {
  return `(${columns.join(', ')})`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sorted = (values: readonly string[]): string => JSON.stringify([...new Set(values)].sort());
  return sorted(a) === sorted(b);
}

function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

/** `customers` for a table in public, `sales.customers` for one elsewhere. */
function tableName(schema: string | null, table: string | null): string {
  return schema === null || schema === 'public' ? (table ?? '?') : `${schema}.${table ?? '?'}`;
}

function referencesMatch(expected: string, schema: string | null, table: string | null): boolean {
  const [wantedSchema, wantedTable] = expected.includes('.') ? expected.split('.', 2) : [undefined, expected];
  return table === wantedTable && (wantedSchema === undefined || schema === wantedSchema);
}

function describeExpectedForeignKey(key: ExpectedForeignKey): string {
  return `${columnList(key.columns)} references ${key.references}${key.referencedColumns ? ` ${columnList(key.referencedColumns)}` : ''}`;
}

function describeForeignKey(key: ConstraintDefinition): string {
  return `${columnList(key.columns)} references ${tableName(key.refSchema, key.refTable)} ${columnList(key.refColumns ?? [])}`;
}

/** Whether an actual foreign key is the expected one: the same columns, to the same table (and columns, pair by pair). */
function foreignKeyMatches(expected: ExpectedForeignKey, actual: ConstraintDefinition): boolean {
  if (!sameSet(expected.columns, actual.columns) || !referencesMatch(expected.references, actual.refSchema, actual.refTable)) return false;
  if (!expected.referencedColumns) return true;
  const referenced = expected.referencedColumns;
  if (referenced.length !== expected.columns.length) return false;
  const pairs = (from: readonly string[], to: readonly string[]): string[] => from.map((column, index) => `${column}->${to[index] ?? ''}`);
  return sameSet(pairs(expected.columns, referenced), pairs(actual.columns, actual.refColumns ?? []));
}

function describeExpected(expect: SchemaExpect): string {
  const lines: string[] = [];
  if (expect.columns) lines.push(`columns: ${expect.columns.join(', ')}`);
  if (expect.primaryKey) lines.push(`primary key: ${expect.primaryKey.length === 0 ? 'none' : columnList(expect.primaryKey)}`);
  if (expect.foreignKeys) lines.push(`foreign keys: ${expect.foreignKeys.length === 0 ? 'none' : expect.foreignKeys.map(describeExpectedForeignKey).join('; ')}`);
  if (expect.unique) lines.push(`unique: ${expect.unique.length === 0 ? 'none' : expect.unique.map(columnList).join(', ')}`);
  if (expect.notNull) lines.push(`not null: ${expect.notNull.length === 0 ? 'none' : expect.notNull.join(', ')}`);
  return lines.length === 0 ? 'the table exists' : lines.join('\n');
}

function describeActual(expect: SchemaExpect, table: TableDefinition): string {
  const primaryKey = table.constraints.find((constraint) => constraint.type === 'p');
  const foreignKeys = table.constraints.filter((constraint) => constraint.type === 'f');
  const unique: string[] = [];
  for (const columns of [...table.constraints.filter((constraint) => constraint.type === 'u').map((constraint) => constraint.columns), ...table.uniqueIndexes]) {
    if (primaryKey && sameSet(columns, primaryKey.columns)) continue;
    const listed = columnList(columns);
    if (!unique.includes(listed)) unique.push(listed);
  }
  const notNull = table.columns.filter((column) => column.notNull).map((column) => column.name);
  const lines = [`columns: ${table.columns.map((column) => column.name).join(', ') || 'none'}`];
  if (expect.primaryKey) lines.push(`primary key: ${primaryKey ? columnList(primaryKey.columns) : 'none'}`);
  if (expect.foreignKeys) lines.push(`foreign keys: ${foreignKeys.length === 0 ? 'none' : foreignKeys.map(describeForeignKey).join('; ')}`);
  if (expect.unique) lines.push(`unique: ${unique.length === 0 ? 'none' : unique.join(', ')}`);
  if (expect.notNull) lines.push(`not null: ${notNull.length === 0 ? 'none' : notNull.join(', ')}`);
  return lines.join('\n');
}

/** Every way `table` falls short of `expect`, one phrase each. */
function problemsOf(expect: SchemaExpect, table: TableDefinition): string[] {
  const problems: string[] = [];
  const columnNames = new Set(table.columns.map((column) => column.name));
  const missing = [...new Set([...(expect.columns ?? []), ...(expect.notNull ?? [])])].filter((column) => !columnNames.has(column));
  if (missing.length > 0) problems.push(`missing ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')}`);

  const primaryKey = table.constraints.find((constraint) => constraint.type === 'p');
  if (expect.primaryKey) {
    if (expect.primaryKey.length === 0) {
      if (primaryKey) problems.push(`primary key is ${columnList(primaryKey.columns)} but there should be none`);
    } else if (!primaryKey) {
      problems.push(`no primary key, but it should be ${columnList(expect.primaryKey)}`);
    } else if (!sameSet(primaryKey.columns, expect.primaryKey)) {
      problems.push(`primary key is ${columnList(primaryKey.columns)} but should be ${columnList(expect.primaryKey)}`);
    }
  }

  const foreignKeys = table.constraints.filter((constraint) => constraint.type === 'f');
  for (const expected of expect.foreignKeys ?? []) {
    if (foreignKeys.some((actual) => foreignKeyMatches(expected, actual))) continue;
    const onSameColumns = foreignKeys.find((actual) => sameSet(actual.columns, expected.columns));
    problems.push(
      onSameColumns
        ? `foreign key ${describeForeignKey(onSameColumns)} should reference ${expected.references}${expected.referencedColumns ? ` ${columnList(expected.referencedColumns)}` : ''}`
        : `no foreign key ${describeExpectedForeignKey(expected)}`,
    );
  }

  const uniqueSets = [
    ...table.constraints.filter((constraint) => constraint.type === 'u' || constraint.type === 'p').map((constraint) => constraint.columns),
    ...table.uniqueIndexes,
  ];
  for (const expected of expect.unique ?? []) {
    if (!uniqueSets.some((columns) => sameSet(columns, expected))) problems.push(`no unique constraint on ${columnList(expected)}`);
  }

  const nullable = (expect.notNull ?? []).filter((name) => table.columns.some((column) => column.name === name && !column.notNull));
  if (nullable.length > 0) problems.push(`${nullable.length === 1 ? 'column' : 'columns'} ${nullable.join(', ')} ${nullable.length === 1 ? 'allows' : 'allow'} NULL`);
  return problems;
}

function checkedParts(expect: SchemaExpect): string[] {
  const parts: string[] = [];
  if (expect.columns) parts.push('columns');
  if (expect.primaryKey) parts.push('primary key');
  if (expect.foreignKeys) parts.push('foreign keys');
  if (expect.unique) parts.push('unique constraints');
  if (expect.notNull) parts.push('NOT NULL columns');
  return parts;
}

/** Runs a `schema` check: the live table's definition against `expect`. */
export const runSchemaCheck: KindRunner<'schema'> = async (check, context) => {
  const [schema, table] = check.table.includes('.') ? check.table.split('.', 2) : ['public', check.table];
  const client = await clientFor(context, check.service);
  const rows = await queryRows<{ definition: string }>(client, INTROSPECT, [schema, table], context.signal);
  const expected = describeExpected(check.expect);
  const found = rows[0];
  if (!found) return outcome.failed(`table ${check.table} does not exist.`, { expected, actual: 'no such table' });
  const definition = JSON.parse(found.definition) as TableDefinition;
  const problems = problemsOf(check.expect, definition);
  if (problems.length > 0) return outcome.failed(`${check.table}: ${problems.join('; ')}.`, { expected, actual: describeActual(check.expect, definition) });
  const parts = checkedParts(check.expect);
  return outcome.passed(parts.length === 0 ? `${check.table} exists.` : `${check.table} has the expected ${joinAnd(parts)}.`);
};
