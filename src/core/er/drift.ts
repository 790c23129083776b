/**
 * Drift between the model in the lab's DDL files and the database the lab runs: a table, a column or a
 * foreign key on one side only, and a column whose type or nullability differs. Foreign keys compare by
 * what they link (columns and referenced table), not by name: DDL often leaves names to PostgreSQL.
 */
import type { DriftItem, DriftSide, ErForeignKey, ErModel, ErTable } from '../../shared/er';
import type { TableMark } from './erMermaid';
import { tableKey } from '../../shared/er';

const SIDE_NAMES: Readonly<Record<DriftSide, string>> = { ddl: 'the DDL files', database: 'the database' };

function foreignKeyLabel(key: ErForeignKey): string {
  return `(${key.columns.join(', ')}) → ${key.refSchema}.${key.refTable}${key.refColumns.length > 0 ? ` (${key.refColumns.join(', ')})` : ''}`;
}

function sameKey(a: ErForeignKey, b: ErForeignKey): boolean {
  return a.columns.join(',') === b.columns.join(',') && a.refSchema === b.refSchema && a.refTable === b.refTable && (a.refColumns.length === 0 || b.refColumns.length === 0 || a.refColumns.join(',') === b.refColumns.join(','));
}

export function schemaDrift(ddl: ErModel, database: ErModel): DriftItem[] {
  const items: DriftItem[] = [];
  const byKey = (model: ErModel): Map<string, ErTable> => new Map(model.tables.map((table) => [tableKey(table), table]));
  const sides: Record<DriftSide, Map<string, ErTable>> = { ddl: byKey(ddl), database: byKey(database) };
  for (const [side, other] of [['ddl', 'database'], ['database', 'ddl']] as const) {
    for (const [key, table] of sides[side]) {
      const counterpart = sides[other].get(key);
      if (!counterpart) {
        items.push({ kind: 'table', only: side, table: key, message: `${key} is only in ${SIDE_NAMES[side]}` });
        continue;
      }
      for (const column of table.columns) {
        if (!counterpart.columns.some((entry) => entry.name === column.name)) items.push({ kind: 'column', only: side, table: key, column: column.name, message: `${key}.${column.name} is only in ${SIDE_NAMES[side]}` });
      }
      for (const foreign of table.foreignKeys) {
        if (!counterpart.foreignKeys.some((entry) => sameKey(entry, foreign))) items.push({ kind: 'foreignKey', only: side, table: key, message: `the foreign key ${key} ${foreignKeyLabel(foreign)} is only in ${SIDE_NAMES[side]}` });
      }
    }
  }
  for (const [key, table] of sides.ddl) {
    const live = sides.database.get(key);
    for (const column of live ? table.columns : []) {
      const other = live?.columns.find((entry) => entry.name === column.name);
      if (!other) continue;
      if (other.type !== column.type) items.push({ kind: 'type', table: key, column: column.name, ddl: column.type, database: other.type, message: `${key}.${column.name} is ${column.type} in the DDL files but ${other.type} in the database` });
      const nullability = (nullable: boolean): string => (nullable ? 'nullable' : 'not null');
      if (other.nullable !== column.nullable) items.push({ kind: 'nullable', table: key, column: column.name, ddl: nullability(column.nullable), database: nullability(other.nullable), message: `${key}.${column.name} is ${nullability(column.nullable)} in the DDL files but ${nullability(other.nullable)} in the database` });
    }
  }
  return items;
}

/** What a diagram of one side marks: each table with drift, and a note beside each column that differs. */
export function driftMarks(items: readonly DriftItem[], shown: DriftSide): { marks: Record<string, TableMark>; columnNotes: Record<string, string> } {
  const marks: Record<string, TableMark> = {};
  const columnNotes: Record<string, string> = {};
  const other = shown === 'ddl' ? 'database' : 'DDL files';
  for (const item of items) {
    if (item.kind === 'table') {
      if (item.only === shown) marks[item.table] = shown === 'ddl' ? 'only-ddl' : 'only-database';
      continue;
    }
    marks[item.table] ??= 'differs';
    if (!item.column) continue;
    const key = `${item.table}.${item.column}`;
    if (item.kind === 'column' && item.only === shown) columnNotes[key] = `not in the ${other}`;
    else if (item.kind === 'type' || item.kind === 'nullable') columnNotes[key] = shown === 'ddl' ? `${item.database ?? ''} in the database` : `${item.ddl ?? ''} in the DDL files`;
  }
  return { marks, columnNotes };
}
