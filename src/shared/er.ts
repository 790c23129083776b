/**
 * The ER model: tables with their columns, keys, unique constraints and foreign keys, read from DDL
 * (src/core/er/ddl.ts) or from a live database (src/core/er/introspect.ts). Types only: the host, the
 * checks and the ER webview share them.
 */

export interface ErColumn {
  readonly name: string;
  /** As PostgreSQL would print it: `integer`, `numeric(8,2)`, `character varying(80)`, `text[]`. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface ErForeignKey {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly refSchema: string;
  readonly refTable: string;
  /** The referenced columns; empty in DDL that leaves them out (the referenced table's primary key). */
  readonly refColumns: readonly string[];
}

/** Where a table is created: the file (relative to the lab) and the 1-based line of its CREATE TABLE. */
export interface ErSource {
  readonly file: string;
  readonly line: number;
}

export interface ErTable {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly ErColumn[];
  readonly primaryKey: readonly string[];
  readonly uniques: readonly (readonly string[])[];
  readonly foreignKeys: readonly ErForeignKey[];
  readonly source?: ErSource;
}

export interface ErModel {
  readonly tables: readonly ErTable[];
}

/** The two places a schema is read from. */
export type DriftSide = 'ddl' | 'database';

/** One difference between the model in the lab's DDL files and the database the lab runs. */
export interface DriftItem {
  readonly kind: 'table' | 'column' | 'foreignKey' | 'type' | 'nullable';
  /** Where the thing is, for `table`, `column` and `foreignKey`; both sides have it for `type` and `nullable`. */
  readonly only?: DriftSide;
  readonly table: string;
  readonly column?: string;
  /** For `type` and `nullable`: what each side says (`text`, `character varying(200)`; `nullable`, `not null`). */
  readonly ddl?: string;
  readonly database?: string;
  /** One sentence: "dw.fact_sales.store_key is only in the database". */
  readonly message: string;
}

/** `schema.table`, the key of a table in a model. */
export function tableKey(table: { readonly schema: string; readonly name: string }): string {
  return `${table.schema}.${table.name}`;
}

/** How a table differs between the DDL files and the database: only on one side, or on both with differences. */
export type TableMark = 'only-ddl' | 'only-database' | 'differs';

/** One column as a diagram shows it. */
export interface DrawnColumn {
  readonly name: string;
  /** A type short enough for a diagram: `varchar(80)`, `timestamptz`. */
  readonly type: string;
  /** `PK`, `FK`, `UK`, joined with commas; empty when none. */
  readonly keys: string;
  /** The long type when shortened, `not null`, and how it differs in the other source. */
  readonly note: string;
}

export interface DrawnTable {
  /** The diagram's id for it: `t0`, `t1`, ... */
  readonly id: string;
  /** `schema.table`. */
  readonly key: string;
  readonly schema: string;
  readonly columns: readonly DrawnColumn[];
  readonly mark?: TableMark;
}

/** One foreign key as a relationship: the parent (referenced) end is one, the child end one or many. */
export interface DrawnRelationship {
  readonly parent: string;
  readonly child: string;
  readonly label: string;
  /** `exactly-one` when the child's key columns are NOT NULL, else `zero-or-one`. */
  readonly parentEnd: 'exactly-one' | 'zero-or-one';
  /** `zero-or-one` when the key is unique (or the child's primary key), else `zero-or-more`. */
  readonly childEnd: 'zero-or-one' | 'zero-or-more';
  /** The key is part of the child's primary key: drawn solid; otherwise dashed. */
  readonly identifying: boolean;
}

/** What an ER diagram draws, whichever renderer draws it. */
export interface ErDrawing {
  readonly tables: readonly DrawnTable[];
  readonly relationships: readonly DrawnRelationship[];
  /** Schemas, each drawn as a group, when the tables are in more than one. */
  readonly schemas: readonly string[];
}
