/**
 * Completion, hover and go-to-definition in a SQL statement, from the tables a document can use
 * (schemaIndex.ts): tables and schemas after FROM, JOIN, INTO, UPDATE, TABLE and REFERENCES; the columns
 * of a table or alias after `name.`; elsewhere the columns of the statement's tables, keywords and
 * functions. The statement's tables and aliases are read from its text, not parsed: the statement is
 * being typed and rarely parses.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Hover, type Location } from 'vscode-languageserver';
import type { SqlStatement } from '../../core/checks/postgres/statements';
import type { ErColumn } from '../../shared/er';
import { tableKey } from '../../shared/er';
import type { FolderSchema, KnownTable } from './schemaIndex';

const TABLE_CONTEXT = new Set(['from', 'join', 'into', 'update', 'table', 'references', 'truncate', 'exists']);
const CLAUSE_END = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using', 'group', 'order', 'limit', 'offset', 'having', 'window', 'union', 'intersect', 'except', 'returning', 'set', 'values', 'select', 'lateral', 'fetch', 'for']);

export const SQL_KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'OFFSET', 'JOIN', 'LEFT JOIN', 'INNER JOIN', 'FULL JOIN', 'CROSS JOIN', 'ON', 'USING', 'AS', 'DISTINCT', 'UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT',
  'WITH', 'RECURSIVE', 'INSERT INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE FROM', 'RETURNING', 'ON CONFLICT', 'DO NOTHING', 'DO UPDATE', 'MERGE INTO', 'CREATE TABLE', 'CREATE INDEX', 'CREATE UNIQUE INDEX', 'CREATE VIEW',
  'CREATE MATERIALIZED VIEW', 'CREATE SCHEMA', 'ALTER TABLE', 'ADD COLUMN', 'ADD CONSTRAINT', 'DROP TABLE', 'DROP INDEX', 'PRIMARY KEY', 'FOREIGN KEY', 'REFERENCES', 'UNIQUE', 'NOT NULL', 'DEFAULT', 'CHECK', 'CONSTRAINT',
  'AND', 'OR', 'NOT', 'IN', 'EXISTS', 'BETWEEN', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'OVER', 'PARTITION BY', 'FILTER', 'WINDOW', 'LATERAL', 'EXPLAIN', 'ANALYZE', 'BEGIN', 'COMMIT', 'ROLLBACK',
];

export const SQL_FUNCTIONS = [
  'count', 'sum', 'avg', 'min', 'max', 'coalesce', 'nullif', 'greatest', 'least', 'now', 'current_date', 'current_timestamp', 'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'to_char', 'to_date', 'to_timestamp',
  'lower', 'upper', 'length', 'substring', 'trim', 'concat', 'concat_ws', 'replace', 'split_part', 'regexp_replace', 'left', 'right', 'round', 'abs', 'ceil', 'floor', 'mod', 'power', 'sqrt', 'random',
  'row_number', 'rank', 'dense_rank', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'percent_rank', 'cume_dist', 'percentile_cont', 'percentile_disc', 'string_agg', 'array_agg', 'json_agg', 'jsonb_agg',
  'json_build_object', 'jsonb_build_object', 'jsonb_object_agg', 'generate_series', 'unnest', 'array_length', 'cardinality', 'bool_and', 'bool_or', 'md5', 'gen_random_uuid',
];

/** The statement that holds `offset` (or ends just before it), if any. */
export function statementAt(statements: readonly SqlStatement[], offset: number): SqlStatement | undefined {
  let found: SqlStatement | undefined;
  for (const statement of statements) {
    if (statement.startOffset > offset) break;
    found = statement;
  }
  return found && offset <= found.startOffset + found.text.length + 1 ? found : undefined;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;

/** The tables a statement names, by the alias (or name) it refers to them with. */
export function aliasesOf(text: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const scan = new RegExp(String.raw`\b(from|join|update|into)\s+((?:${NAME}\s*\.\s*)?${NAME}(?:\s+(?:as\s+)?${NAME})?(?:\s*,\s*(?:${NAME}\s*\.\s*)?${NAME}(?:\s+(?:as\s+)?${NAME})?)*)`, 'gi');
  for (const match of text.matchAll(scan)) {
    for (const part of (match[2] ?? '').split(',')) {
      const item = new RegExp(String.raw`^\s*((?:${NAME}\s*\.\s*)?${NAME})(?:\s+(?:as\s+)?(${NAME}))?\s*$`, 'i').exec(part);
      if (!item) continue;
      const table = (item[1] ?? '').split('.').map((piece) => unquote(piece.trim())).join('.');
      const alias = item[2] && !CLAUSE_END.has(item[2].toLowerCase()) ? unquote(item[2]) : undefined;
      aliases.set(table.split('.').pop() ?? table, table);
      aliases.set(table, table);
      if (alias) aliases.set(alias, table);
    }
  }
  return aliases;
}

/** A table by the name a statement uses for it: `schema.table`, or `table` (in public first). */
export function findTable(schema: FolderSchema, name: string): KnownTable | undefined {
  const parts = name.split('.');
  if (parts.length >= 2) return schema.tables.find((entry) => entry.table.schema === parts[parts.length - 2] && entry.table.name === parts[parts.length - 1]);
  const candidates = schema.tables.filter((entry) => entry.table.name === name);
  return candidates.find((entry) => entry.table.schema === 'public') ?? candidates[0];
}

function keysOf(known: KnownTable, column: ErColumn): string[] {
  const { table } = known;
  const keys: string[] = [];
  if (table.primaryKey.includes(column.name)) keys.push('primary key');
  for (const foreign of table.foreignKeys) {
    const index = foreign.columns.indexOf(column.name);
    if (index >= 0) keys.push(`references ${foreign.refSchema}.${foreign.refTable}${foreign.refColumns[index] ? ` (${foreign.refColumns[index]})` : ''}`);
  }
  if (table.uniques.some((unique) => unique.length === 1 && unique[0] === column.name)) keys.push('unique');
  return keys;
}

function columnDetail(known: KnownTable, column: ErColumn): string {
  return [column.type, column.nullable ? '' : 'not null', ...keysOf(known, column)].filter(Boolean).join(', ');
}

function sourceOf(known: KnownTable): string {
  if (known.live) return "from the lab's database";
  return known.location ? `from ${decodeURIComponent(known.location.uri.split('/').pop() ?? '')}:${known.location.line}` : 'from the DDL files';
}

function tableDocumentation(known: KnownTable): string {
  const rows = known.table.columns.map((column) => `| ${column.name} | \`${column.type}\` | ${[column.nullable ? '' : 'not null', ...keysOf(known, column)].filter(Boolean).join(', ')} |`);
  return [`**${tableKey(known.table)}**, ${known.table.columns.length} column${known.table.columns.length === 1 ? '' : 's'} (${sourceOf(known)})`, '', '| column | type | |', '| --- | --- | --- |', ...rows].join('\n');
}

function tableItem(known: KnownTable, qualified: boolean, sort: string): CompletionItem {
  const label = qualified ? tableKey(known.table) : known.table.name;
  return {
    label,
    kind: CompletionItemKind.Class,
    detail: `table ${tableKey(known.table)} (${known.table.columns.length} columns)`,
    documentation: { kind: MarkupKind.Markdown, value: tableDocumentation(known) },
    sortText: `${sort}${label}`,
  };
}

/** A table's columns, in the table's own order (the editor sorts by sortText). */
function columnItems(known: KnownTable, sort: string): CompletionItem[] {
  return known.table.columns.map((column, index) => ({
    label: column.name,
    kind: CompletionItemKind.Field,
    detail: `${tableKey(known.table)}: ${columnDetail(known, column)}`,
    sortText: `${sort}${String(index).padStart(4, '0')}`,
  }));
}

/** Completion at `offset` of a document whose statements are `statements`. */
export function sqlCompletions(text: string, offset: number, statements: readonly SqlStatement[], schema: FolderSchema | undefined): CompletionItem[] {
  const statement = statementAt(statements, offset);
  const before = statement ? text.slice(statement.startOffset, offset) : text.slice(Math.max(0, text.lastIndexOf(';', offset - 1) + 1), offset);
  const tables = schema?.tables ?? [];
  const qualified = new RegExp(String.raw`(${NAME})\s*\.\s*([A-Za-z0-9_$]*)$`).exec(before);
  if (qualified && schema) {
    const qualifier = unquote(qualified[1] ?? '');
    const aliases = aliasesOf(statement?.text ?? before);
    const table = findTable(schema, aliases.get(qualifier) ?? qualifier);
    if (table) return columnItems(table, '0');
    // A schema: its tables.
    return tables.filter((entry) => entry.table.schema === qualifier).map((entry) => tableItem(entry, false, '0'));
  }
  const previous = /([A-Za-z_]+)\s+[A-Za-z0-9_$"]*$/.exec(before)?.[1]?.toLowerCase();
  if (previous && TABLE_CONTEXT.has(previous)) {
    const names = new Map<string, number>();
    for (const entry of tables) names.set(entry.table.name, (names.get(entry.table.name) ?? 0) + 1);
    return [
      ...tables.map((entry) => tableItem(entry, entry.table.schema !== 'public' || (names.get(entry.table.name) ?? 0) > 1, '0')),
      ...(schema?.schemas ?? []).filter((name) => name !== 'public').map((name): CompletionItem => ({ label: name, kind: CompletionItemKind.Module, detail: 'schema', sortText: `1${name}` })),
    ];
  }
  const items: CompletionItem[] = [];
  if (schema) {
    const seen = new Set<string>();
    for (const name of new Set(aliasesOf(statement?.text ?? before).values())) {
      const table = findTable(schema, name);
      if (!table || seen.has(tableKey(table.table))) continue;
      seen.add(tableKey(table.table));
      items.push(...columnItems(table, '0'));
    }
  }
  items.push(...SQL_FUNCTIONS.map((name): CompletionItem => ({ label: name, kind: CompletionItemKind.Function, detail: 'function', sortText: `2${name}` })));
  items.push(...SQL_KEYWORDS.map((keyword): CompletionItem => ({ label: keyword, kind: CompletionItemKind.Keyword, sortText: `3${keyword}` })));
  return items;
}

/** The identifier at `offset` and what qualifies it (`alias.column`): the name parts, or undefined off a name. */
function nameAt(text: string, offset: number): { parts: string[]; start: number; end: number } | undefined {
  const isName = (character: string | undefined): boolean => character !== undefined && /[A-Za-z0-9_$".]/.test(character);
  let start = offset;
  while (start > 0 && isName(text[start - 1])) start -= 1;
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_$"]/.test(text[end] ?? '')) end += 1;
  const raw = text.slice(start, end);
  if (!/[A-Za-z_"]/.test(raw)) return undefined;
  return { parts: raw.split('.').filter(Boolean).map(unquote), start, end };
}

/** What a name at `offset` refers to: a table, or a column of one of the statement's tables. */
function resolve(text: string, offset: number, statements: readonly SqlStatement[], schema: FolderSchema): { table: KnownTable; column?: ErColumn } | undefined {
  const name = nameAt(text, offset);
  if (!name || name.parts.length === 0) return undefined;
  const statement = statementAt(statements, offset);
  const aliases = aliasesOf(statement?.text ?? '');
  const last = name.parts[name.parts.length - 1] ?? '';
  if (name.parts.length >= 2) {
    const qualifier = name.parts.slice(0, -1).join('.');
    const owner = findTable(schema, aliases.get(qualifier) ?? qualifier);
    const column = owner?.table.columns.find((entry) => entry.name === last);
    if (owner && column) return { table: owner, column };
    const table = findTable(schema, name.parts.join('.'));
    return table ? { table } : undefined;
  }
  const table = findTable(schema, aliases.get(last) ?? last);
  if (table && (aliases.has(last) || !/^\s*[.(]/.test(text.slice(name.end)))) {
    // A bare name that is both a table and a column of the statement's tables: the table wins after FROM.
    const columnOwner = [...new Set(aliases.values())].map((entry) => findTable(schema, entry)).find((entry) => entry?.table.columns.some((column) => column.name === last));
    if (!columnOwner || aliases.has(last)) return { table };
  }
  for (const tableName of new Set(aliases.values())) {
    const owner = findTable(schema, tableName);
    const column = owner?.table.columns.find((entry) => entry.name === last);
    if (owner && column) return { table: owner, column };
  }
  return table ? { table } : undefined;
}

export function sqlHover(text: string, offset: number, statements: readonly SqlStatement[], schema: FolderSchema | undefined): Hover | null {
  if (!schema) return null;
  const found = resolve(text, offset, statements, schema);
  if (!found) return null;
  if (found.column) {
    return { contents: { kind: MarkupKind.Markdown, value: `**${tableKey(found.table.table)}.${found.column.name}** \`${found.column.type}\`${[found.column.nullable ? '' : 'not null', ...keysOf(found.table, found.column)].filter(Boolean).map((part) => ` · ${part}`).join('')}\n\n(${sourceOf(found.table)})` } };
  }
  return { contents: { kind: MarkupKind.Markdown, value: tableDocumentation(found.table) } };
}

export function sqlDefinition(text: string, offset: number, statements: readonly SqlStatement[], schema: FolderSchema | undefined): Location | null {
  if (!schema) return null;
  const found = resolve(text, offset, statements, schema);
  const location = found?.table.location;
  if (!location) return null;
  return { uri: location.uri, range: { start: { line: location.line - 1, character: 0 }, end: { line: location.line - 1, character: 0 } } };
}
