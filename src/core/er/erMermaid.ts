/**
 * The ER model as a mermaid `erDiagram`: one entity per table (named `schema.table`), its columns with
 * PK / FK / UK markers, and one relationship per foreign key with cardinalities read from the model (a
 * child's foreign key that is unique is one-to-one, otherwise one-to-many; NOT NULL columns make the
 * parent mandatory; a foreign key inside the child's primary key is identifying, drawn solid). Names
 * are written so that any table or column name parses and renders as text. Big models stay readable:
 * a focus (a table and the tables N foreign keys around it), and groups (by schema, then by connected
 * tables) to draw one at a time; mermaid's size limits are set for the diagram at hand.
 */
import type { DrawnColumn, DrawnRelationship, DrawnTable, ErDrawing, ErModel, ErTable, TableMark } from '../../shared/er';
import { tableKey } from '../../shared/er';

export type { TableMark } from '../../shared/er';

export interface DiagramOptions {
  /** Only this table (`schema.table`) and the tables within `hops` foreign keys of it. */
  readonly focus?: { readonly table: string; readonly hops: number };
  /** Only these tables (`schema.table`), e.g. one group of `diagramGroups`. */
  readonly tables?: readonly string[];
  /** Drift marks by table (`schema.table`): a mermaid class (`drift-only-ddl`, ...) the view styles. */
  readonly marks?: Readonly<Record<string, TableMark>>;
  /** A note shown beside a column (`schema.table.column`), e.g. how it differs in the database. */
  readonly columnNotes?: Readonly<Record<string, string>>;
}

/** The mermaid class of a drift mark. */
export const MARK_CLASSES: Readonly<Record<TableMark, string>> = { 'only-ddl': 'driftOnlyDdl', 'only-database': 'driftOnlyDatabase', differs: 'driftDiffers' };

export interface ErDiagram {
  /** What to draw, for the view's own renderer. */
  readonly drawing: ErDrawing;
  /** The same as a mermaid erDiagram. */
  readonly text: string;
  /** Mermaid's entity name (`t0`, `t1`, ...) → the table (`schema.table`), to jump from a click to the DDL. */
  readonly entities: Readonly<Record<string, string>>;
  readonly tableCount: number;
  readonly relationshipCount: number;
  /** mermaid's `maxTextSize` and `maxEdges`, large enough for this diagram. */
  readonly maxTextSize: number;
  readonly maxEdges: number;
}

/** PostgreSQL's long type names, as the short ones a diagram has room for; mermaid types cannot hold spaces. */
const SHORT_TYPES: readonly [RegExp, string][] = [
  [/^character varying/, 'varchar'],
  [/^character\b/, 'char'],
  [/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone/, 'time$1'],
  [/^double precision/, 'float8'],
  [/^bit varying/, 'varbit'],
];

export function diagramType(type: string): string {
  let short = type;
  for (const [pattern, replacement] of SHORT_TYPES) short = short.replace(pattern, replacement);
  // Anything else mermaid's attribute type cannot hold (spaces, quotes, braces) becomes an underscore.
  return short.replace(/[^A-Za-z0-9_\-()[\],.]/g, '_').replace(/^([^A-Za-z_*])/, '_$1');
}

/** Text inside mermaid's double quotes, shown as written: mermaid's entity codes for what would end or mark it up. */
function quoted(text: string): string {
  return `"${text.replace(/[#"<>&]/g, (character) => `#${character.charCodeAt(0)};`).replace(/\s+/g, ' ')}"`;
}

/** A column name in backticks (mermaid keeps what is inside as the name); a backtick inside becomes a quote. */
function columnName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, "'").replace(/[#<>&]/g, (character) => `#${character.charCodeAt(0)};`).replace(/\s+/g, ' ')}\``;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/** Tables linked by foreign keys, both ways. */
function neighbours(model: ErModel): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>(model.tables.map((table) => [tableKey(table), new Set<string>()]));
  for (const table of model.tables) {
    for (const key of table.foreignKeys) {
      const target = `${key.refSchema}.${key.refTable}`;
      if (!links.has(target)) continue;
      links.get(tableKey(table))?.add(target);
      links.get(target)?.add(tableKey(table));
    }
  }
  return links;
}

/** The table and every table within `hops` foreign keys of it. */
export function focusTables(model: ErModel, table: string, hops: number): string[] {
  const links = neighbours(model);
  if (!links.has(table)) return [];
  const seen = new Set([table]);
  let frontier = [table];
  for (let hop = 0; hop < hops && frontier.length > 0; hop += 1) {
    frontier = frontier.flatMap((key) => [...(links.get(key) ?? [])].filter((next) => !seen.has(next)));
    for (const key of frontier) seen.add(key);
  }
  return model.tables.map(tableKey).filter((key) => seen.has(key));
}

/**
 * Groups to draw one at a time when a model is too big for one diagram: each schema, and a schema of
 * more than `maxTables` split into its connected groups of tables (the largest first).
 */
export function diagramGroups(model: ErModel, maxTables: number): { readonly title: string; readonly tables: readonly string[] }[] {
  const links = neighbours(model);
  const groups: { title: string; tables: string[] }[] = [];
  const schemas = [...new Set(model.tables.map((table) => table.schema))];
  for (const schema of schemas) {
    const tables = model.tables.filter((table) => table.schema === schema).map(tableKey);
    if (tables.length <= maxTables) {
      groups.push({ title: schema, tables });
      continue;
    }
    const inSchema = new Set(tables);
    const seen = new Set<string>();
    const components: string[][] = [];
    for (const start of tables) {
      if (seen.has(start)) continue;
      const component: string[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const key = stack.pop() as string;
        component.push(key);
        for (const next of links.get(key) ?? []) {
          if (inSchema.has(next) && !seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      components.push(tables.filter((key) => component.includes(key)));
    }
    components.sort((a, b) => b.length - a.length);
    const singles = components.filter((component) => component.length === 1).flat();
    components
      .filter((component) => component.length > 1)
      .forEach((component, index) => {
        groups.push({ title: `${schema} (${index + 1}: ${component.length} linked tables)`, tables: component });
      });
    if (singles.length > 0) groups.push({ title: `${schema} (tables without foreign keys)`, tables: singles });
  }
  return groups;
}

function drawnColumns(table: ErTable, notes: Readonly<Record<string, string>>): DrawnColumn[] {
  const foreign = new Set(table.foreignKeys.flatMap((key) => key.columns));
  const unique = new Set(table.uniques.flat());
  return table.columns.map((column) => {
    const primary = table.primaryKey.includes(column.name);
    const keys = [primary ? 'PK' : '', foreign.has(column.name) ? 'FK' : '', unique.has(column.name) && !primary ? 'UK' : ''].filter(Boolean).join(', ');
    const type = diagramType(column.type);
    const note = [type !== column.type ? column.type : '', column.nullable ? '' : 'not null', notes[`${tableKey(table)}.${column.name}`] ?? ''].filter(Boolean).join(', ');
    return { name: column.name, type, keys, note };
  });
}

/** The tables to draw, their columns and relationships, with cardinalities read from keys and nullability. */
export function erDrawing(model: ErModel, options: DiagramOptions = {}): ErDrawing {
  const chosen = options.focus ? new Set(focusTables(model, options.focus.table, options.focus.hops)) : options.tables ? new Set(options.tables) : undefined;
  const shown = model.tables.filter((table) => !chosen || chosen.has(tableKey(table)));
  const ids = new Map(shown.map((table, index) => [tableKey(table), `t${index}`]));
  const notes = options.columnNotes ?? {};
  const marks = options.marks ?? {};
  const tables: DrawnTable[] = shown.map((table) => {
    const key = tableKey(table);
    const mark = marks[key];
    return { id: ids.get(key) ?? '', key, schema: table.schema, columns: drawnColumns(table, notes), ...(mark ? { mark } : {}) };
  });
  const relationships: DrawnRelationship[] = [];
  for (const table of shown) {
    const child = ids.get(tableKey(table));
    for (const key of table.foreignKeys) {
      const parent = ids.get(`${key.refSchema}.${key.refTable}`);
      if (!child || !parent) continue;
      const mandatory = key.columns.every((name) => table.columns.find((column) => column.name === name)?.nullable === false);
      const oneToOne = sameColumns(key.columns, table.primaryKey) || table.uniques.some((unique) => sameColumns(unique, key.columns));
      relationships.push({
        parent,
        child,
        label: key.name ?? key.columns.join(', '),
        parentEnd: mandatory ? 'exactly-one' : 'zero-or-one',
        childEnd: oneToOne ? 'zero-or-one' : 'zero-or-more',
        identifying: key.columns.length > 0 && key.columns.every((name) => table.primaryKey.includes(name)),
      });
    }
  }
  const schemas = [...new Set(shown.map((table) => table.schema))];
  return { tables, relationships, schemas: schemas.length > 1 ? schemas : [] };
}

function entityBlock(table: DrawnTable, indent: string): string[] {
  const lines = [`${indent}${table.id}[${quoted(table.key)}] {`];
  for (const column of table.columns) {
    lines.push(`${indent}  ${column.type} ${columnName(column.name)}${column.keys ? ` ${column.keys}` : ''}${column.note ? ` ${quoted(column.note)}` : ''}`);
  }
  lines.push(`${indent}}`);
  return lines;
}

const PARENT_ENDS: Readonly<Record<DrawnRelationship['parentEnd'], string>> = { 'exactly-one': '||', 'zero-or-one': '|o' };
const CHILD_ENDS: Readonly<Record<DrawnRelationship['childEnd'], string>> = { 'zero-or-one': 'o|', 'zero-or-more': 'o{' };

/** A drawing as a mermaid erDiagram. */
export function drawingToMermaid(drawing: ErDrawing): string {
  const lines = ['erDiagram'];
  if (drawing.schemas.length > 0) {
    // Each schema a group of its own (mermaid's subgraph), so that a warehouse's layers stay apart.
    drawing.schemas.forEach((schema, index) => {
      lines.push(`  subgraph s${index}[${quoted(schema)}]`);
      for (const table of drawing.tables.filter((entry) => entry.schema === schema)) lines.push(...entityBlock(table, '    '));
      lines.push('  end');
    });
  } else {
    for (const table of drawing.tables) lines.push(...entityBlock(table, '  '));
  }
  for (const relationship of drawing.relationships) {
    lines.push(`  ${relationship.parent} ${PARENT_ENDS[relationship.parentEnd]}${relationship.identifying ? '--' : '..'}${CHILD_ENDS[relationship.childEnd]} ${relationship.child} : ${quoted(relationship.label)}`);
  }
  for (const table of drawing.tables) {
    if (table.mark) lines.push(`  class ${table.id} ${MARK_CLASSES[table.mark]}`);
  }
  return `${lines.join('\n')}\n`;
}

export function erDiagram(model: ErModel, options: DiagramOptions = {}): ErDiagram {
  const drawing = erDrawing(model, options);
  const text = drawingToMermaid(drawing);
  return {
    drawing,
    text,
    entities: Object.fromEntries(drawing.tables.map((table) => [table.id, table.key])),
    tableCount: drawing.tables.length,
    relationshipCount: drawing.relationships.length,
    maxTextSize: Math.max(50_000, text.length * 2),
    maxEdges: Math.max(500, drawing.relationships.length * 2),
  };
}

/** The diagram as Markdown: a heading and a mermaid block, as GitHub, GitLab and VS Code's preview render it. */
export function erMarkdown(title: string, diagram: ErDiagram): string {
  return `# ${title}\n\n\`\`\`mermaid\n${diagram.text}\`\`\`\n`;
}
