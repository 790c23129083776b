/**
 * The ER model from DDL, read by the real PostgreSQL parser (libpg-query, WebAssembly) across the SQL
 * files of a lab, in order: CREATE TABLE (columns, inline and table constraints), ALTER TABLE (add or
 * drop a column or constraint, set or drop NOT NULL), CREATE UNIQUE INDEX, DROP TABLE, and
 * `SET search_path` for unqualified names. Statements that do not shape tables are skipped. Each
 * statement is parsed on its own: one that does not parse is reported with the parser's message, file,
 * line and column, and every other statement still counts.
 */
import type { ErColumn, ErForeignKey, ErModel, ErTable } from '../../shared/er';
import { tableKey } from '../../shared/er';
import { splitSqlStatements } from '../checks/postgres/statements';

/** The parse function of libpg-query (sync, once its WebAssembly module is loaded): SQL in, parse tree out. */
export type SqlParse = (sql: string) => unknown;

export interface DdlFile {
  /** Relative to the lab, as it is shown and jumped to. */
  readonly path: string;
  readonly text: string;
}

export interface DdlError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface DdlResult {
  readonly model: ErModel;
  readonly errors: readonly DdlError[];
}

type Node = Record<string, unknown>;

interface MutableTable {
  schema: string;
  name: string;
  columns: { name: string; type: string; nullable: boolean }[];
  primaryKey: string[];
  uniques: string[][];
  foreignKeys: (ErForeignKey & { readonly name?: string })[];
  source?: { file: string; line: number };
}

const INTERNAL_TYPES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
  varbit: 'bit varying',
};
const SERIALS: Readonly<Record<string, string>> = { serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint' };

function record(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value.map(record).filter((entry): entry is Node => entry !== undefined) : [];
}

/** `[{ String: { sval: 'id' } }, ...]` → `['id', ...]`. */
function names(value: unknown): string[] {
  return list(value).map((entry) => String(record(entry.String)?.sval ?? ''));
}

function constantOf(node: Node): string {
  const constant = record(node.A_Const);
  if (!constant) return '?';
  const integer = record(constant.ival);
  if (integer) return String(integer.ival ?? 0);
  const text = record(constant.sval) ?? record(constant.fval);
  return String(text?.sval ?? text?.fval ?? '?');
}

/** A column's type as PostgreSQL's format_type prints it, so DDL and a live database compare equal. */
export function typeOf(typeName: Node | undefined): { type: string; serial: boolean } {
  const parts = names(typeName?.names);
  const internal = parts[parts.length - 1] ?? 'unknown';
  const qualified = parts.length > 1 && parts[0] !== 'pg_catalog' ? `${parts.slice(0, -1).join('.')}.` : '';
  const serial = SERIALS[internal];
  let type = serial ?? (parts[0] === 'pg_catalog' || parts.length === 1 ? (INTERNAL_TYPES[internal] ?? internal) : internal);
  const mods = list(typeName?.typmods).map(constantOf);
  if (mods.length > 0 && !serial) {
    // timestamp(3) with time zone: the precision goes after the name's first word.
    const [first, ...rest] = type.split(' ');
    type = ['time', 'timestamp'].includes(first ?? '') ? [`${first}(${mods.join(',')})`, ...rest].join(' ') : `${type}(${mods.join(',')})`;
  }
  const arrays = Array.isArray(typeName?.arrayBounds) ? typeName.arrayBounds.length : 0;
  return { type: `${qualified}${type}${'[]'.repeat(arrays)}`, serial: serial !== undefined };
}

function lineAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text.charCodeAt(index) === 10) {
      line += 1;
      start = index + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function errorOf(error: unknown): { message: string; cursor: number } {
  const details = record(record(error)?.sqlDetails);
  const message = error instanceof Error ? error.message : String(error);
  return { message, cursor: typeof details?.cursorPosition === 'number' ? details.cursorPosition : 0 };
}

class ModelBuilder {
  private searchSchema = 'public';

  constructor(
    private readonly file: string,
    private readonly tables: Map<string, MutableTable>,
  ) {}

  private relation(node: Node | undefined): { schema: string; name: string } {
    return { schema: typeof node?.schemaname === 'string' ? node.schemaname : this.searchSchema, name: String(node?.relname ?? '') };
  }

  statement(stmt: Node, line: number): void {
    const [kind, body] = Object.entries(stmt)[0] ?? [];
    const node = record(body);
    if (!kind || !node) return;
    if (kind === 'CreateStmt') this.create(node, line);
    else if (kind === 'AlterTableStmt') this.alter(node);
    else if (kind === 'IndexStmt' && node.unique === true) this.uniqueIndex(node);
    else if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') this.drop(node);
    else if (kind === 'VariableSetStmt' && node.name === 'search_path') {
      const first = list(node.args)[0];
      if (first) this.searchSchema = constantOf(first).replace(/^"|"$/g, '');
    }
  }

  private create(node: Node, line: number): void {
    const { schema, name } = this.relation(record(node.relation));
    const table: MutableTable = { schema, name, columns: [], primaryKey: [], uniques: [], foreignKeys: [], source: { file: this.file, line } };
    this.tables.set(tableKey(table), table);
    for (const element of list(node.tableElts)) {
      const column = record(element.ColumnDef);
      const constraint = record(element.Constraint);
      if (column) this.addColumn(table, column);
      if (constraint) this.addConstraint(table, constraint);
    }
  }

  private addColumn(table: MutableTable, column: Node): void {
    const name = String(column.colname ?? '');
    const { type, serial } = typeOf(record(column.typeName));
    const entry = { name, type, nullable: !serial };
    table.columns = table.columns.filter((existing) => existing.name !== name);
    table.columns.push(entry);
    for (const constraint of list(column.constraints).map((item) => record(item.Constraint)).filter((item): item is Node => item !== undefined)) {
      const contype = constraint.contype;
      if (contype === 'CONSTR_NOTNULL' || contype === 'CONSTR_IDENTITY') entry.nullable = false;
      else if (contype === 'CONSTR_NULL') entry.nullable = true;
      else this.addConstraint(table, constraint, name);
    }
  }

  private addConstraint(table: MutableTable, constraint: Node, column?: string): void {
    const keys = column !== undefined ? [column] : names(constraint.keys);
    const name = typeof constraint.conname === 'string' ? constraint.conname : undefined;
    switch (constraint.contype) {
      case 'CONSTR_PRIMARY':
        table.primaryKey = keys;
        for (const key of keys) {
          const found = table.columns.find((entry) => entry.name === key);
          if (found) found.nullable = false;
        }
        break;
      case 'CONSTR_UNIQUE':
        if (!table.uniques.some((unique) => unique.join(',') === keys.join(','))) table.uniques.push(keys);
        break;
      case 'CONSTR_FOREIGN': {
        const target = this.relation(record(constraint.pktable));
        table.foreignKeys.push({
          ...(name ? { name } : {}),
          columns: column !== undefined ? [column] : names(constraint.fk_attrs),
          refSchema: target.schema,
          refTable: target.name,
          refColumns: names(constraint.pk_attrs),
        });
        break;
      }
      default:
        break;
    }
  }

  private alter(node: Node): void {
    const table = this.tables.get(tableKey(this.relation(record(node.relation))));
    if (!table) return;
    for (const command of list(node.cmds).map((item) => record(item.AlterTableCmd)).filter((item): item is Node => item !== undefined)) {
      const definition = record(command.def);
      const target = typeof command.name === 'string' ? command.name : undefined;
      switch (command.subtype) {
        case 'AT_AddColumn':
          if (definition?.ColumnDef) this.addColumn(table, record(definition.ColumnDef) ?? {});
          break;
        case 'AT_DropColumn':
          table.columns = table.columns.filter((column) => column.name !== target);
          table.foreignKeys = table.foreignKeys.filter((key) => !key.columns.includes(target ?? ''));
          table.uniques = table.uniques.filter((unique) => !unique.includes(target ?? ''));
          if (table.primaryKey.includes(target ?? '')) table.primaryKey = [];
          break;
        case 'AT_AddConstraint':
          if (definition?.Constraint) this.addConstraint(table, record(definition.Constraint) ?? {});
          break;
        case 'AT_DropConstraint':
          table.foreignKeys = table.foreignKeys.filter((key) => key.name !== target);
          break;
        case 'AT_SetNotNull':
        case 'AT_DropNotNull': {
          const column = table.columns.find((entry) => entry.name === target);
          if (column) column.nullable = command.subtype === 'AT_DropNotNull';
          break;
        }
        case 'AT_AlterColumnType': {
          const column = table.columns.find((entry) => entry.name === target);
          const typeName = record(record(definition?.ColumnDef)?.typeName);
          if (column && typeName) column.type = typeOf(typeName).type;
          break;
        }
        default:
          break;
      }
    }
  }

  private uniqueIndex(node: Node): void {
    const table = this.tables.get(tableKey(this.relation(record(node.relation))));
    if (!table || node.whereClause) return;
    const columns = list(node.indexParams).map((param) => record(param.IndexElem)?.name);
    // An index on an expression is not a unique key of columns.
    if (columns.some((column) => typeof column !== 'string')) return;
    const keys = columns as string[];
    if (!table.uniques.some((unique) => unique.join(',') === keys.join(','))) table.uniques.push(keys);
  }

  private drop(node: Node): void {
    for (const object of list(node.objects)) {
      const parts = names(record(object.List)?.items ?? []);
      const name = parts[parts.length - 1];
      if (!name) continue;
      this.tables.delete(tableKey({ schema: parts.length > 1 ? (parts[parts.length - 2] ?? this.searchSchema) : this.searchSchema, name }));
    }
  }
}

/** The first word of the statements that can shape tables. */
const SHAPING = /^(create|alter|drop|set|comment)\b/i;

/** Reads the files in order, as psql would run them one after another, into one model. */
export function schemaFromDdl(files: readonly DdlFile[], parse: SqlParse): DdlResult {
  const tables = new Map<string, MutableTable>();
  const errors: DdlError[] = [];
  for (const file of files) {
    const builder = new ModelBuilder(file.path, tables);
    for (const statement of splitSqlStatements(file.text)) {
      // Only these shape tables; the rest (queries, inserts: most of a big file) need no parse tree.
      if (!SHAPING.test(statement.text)) continue;
      let tree: unknown;
      try {
        tree = parse(statement.text);
      } catch (error) {
        const { message, cursor } = errorOf(error);
        const at = lineAt(file.text, statement.startOffset + cursor);
        errors.push({ file: file.path, line: at.line, column: at.column, message });
        continue;
      }
      for (const entry of list(record(tree)?.stmts)) {
        const stmt = record(entry.stmt);
        if (stmt) builder.statement(stmt, statement.line);
      }
    }
  }
  // A foreign key that names no columns references the primary key of its table.
  const model: ErTable[] = [...tables.values()].map((table) => ({
    ...table,
    columns: table.columns.map((column): ErColumn => ({ ...column })),
    foreignKeys: table.foreignKeys.map((key) => (key.refColumns.length > 0 ? key : { ...key, refColumns: tables.get(`${key.refSchema}.${key.refTable}`)?.primaryKey ?? [] })),
  }));
  return { model: { tables: model }, errors };
}
