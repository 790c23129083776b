/**
 * The ER model from DDL (the real PostgreSQL parser, in WebAssembly) and the mermaid diagram drawn from
 * it: the labs' own schemas, the DDL features labs use, syntax errors, hostile names, focus and groups.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadMermaidRuntime } from '../../../src/core/checks/kinds/mermaidRuntime';
import { schemaFromDdl, type SqlParse } from '../../../src/core/er/ddl';
import { driftMarks } from '../../../src/core/er/drift';
import { diagramGroups, diagramType, drawingToMermaid, erDiagram, erDrawing, erMarkdown, focusTables } from '../../../src/core/er/erMermaid';
import { loadSqlParser } from '../../../src/core/er/pgParser';
import type { DriftItem, ErModel } from '../../../src/shared/er';

const LABS = join(__dirname, '..', '..', '..', 'labs');
let parse: SqlParse;
before(async () => {
  parse = await loadSqlParser();
});

const fromSql = (text: string, path = 'schema.sql'): ReturnType<typeof schemaFromDdl> => schemaFromDdl([{ path, text }], parse);

/** One line per table: `schema.table(pk) line N; fk (cols) -> schema.table (cols); uk (cols)`. */
function summary(model: ErModel): string[] {
  return model.tables.map((table) =>
    [
      `${table.schema}.${table.name}(${table.primaryKey.join(', ')}) line ${table.source?.line ?? '?'}`,
      ...table.foreignKeys.map((key) => `fk (${key.columns.join(', ')}) -> ${key.refSchema}.${key.refTable} (${key.refColumns.join(', ')})`),
      ...table.uniques.map((unique) => `uk (${unique.join(', ')})`),
    ].join('; '),
  );
}

async function mermaidEntities(text: string): Promise<{ aliases: string[]; relationships: number }> {
  const mermaid = await loadMermaidRuntime();
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as { getEntities(): Map<string, { alias: string }>; getRelationships(): unknown[] };
  return { aliases: [...db.getEntities().values()].map((entity) => entity.alias), relationships: db.getRelationships().length };
}

describe('the ER model from DDL', () => {
  it("reads lab 05's solution: six tables in third normal form, a composite key, four foreign keys", () => {
    const { model, errors } = fromSql(readFileSync(join(LABS, '05-normalization-er', 'solution', 'schema.sql'), 'utf8'));
    assert.deepEqual(errors, []);
    assert.deepEqual(summary(model), [
      'public.postcodes(postcode) line 14',
      'public.customers(email) line 19; fk (postcode) -> public.postcodes (postcode)',
      'public.authors(author_id) line 25; uk (name)',
      'public.books(isbn) line 31; fk (author_id) -> public.authors (author_id)',
      'public.orders(order_id) line 39; fk (customer_email) -> public.customers (email)',
      'public.order_lines(order_id, line_no) line 45; fk (order_id) -> public.orders (order_id); fk (isbn) -> public.books (isbn)',
    ]);
    assert.deepEqual(model.tables[3]?.columns, [
      { name: 'isbn', type: 'text', nullable: false },
      { name: 'title', type: 'text', nullable: false },
      { name: 'author_id', type: 'integer', nullable: false },
      { name: 'category', type: 'text', nullable: false },
      { name: 'list_price', type: 'numeric(8,2)', nullable: false },
    ]);
  });

  it("reads lab 07's solution: a star schema in its own schema, snowflaked once", () => {
    const { model, errors } = fromSql(readFileSync(join(LABS, '07-analytics-star-schema', 'solution', 'schema.sql'), 'utf8'));
    assert.deepEqual(errors, []);
    assert.deepEqual(summary(model), [
      'dw.dim_date(date_key) line 10; uk (full_date)',
      'dw.dim_category(category_key) line 25; uk (category_id)',
      'dw.dim_product(product_key) line 33; fk (category_key) -> dw.dim_category (category_key); uk (product_id)',
      'dw.dim_customer(customer_key) line 41; uk (customer_id)',
      'dw.dim_store(store_key) line 49; uk (store_id)',
      'dw.fact_sales(order_id, line_number) line 59; fk (date_key) -> dw.dim_date (date_key); fk (customer_key) -> dw.dim_customer (customer_key); fk (product_key) -> dw.dim_product (product_key); fk (store_key) -> dw.dim_store (store_key)',
    ]);
  });

  it('follows ALTER TABLE, unique indexes, DROP TABLE, search_path, quoted names and composite keys across files', () => {
    const { model, errors } = schemaFromDdl(
      [
        {
          path: 'a.sql',
          text: `create schema shop;
set search_path to shop;
create table "Order Lines" (order_id bigint, line_no smallint, sku varchar(20), qty int);
create table orders (id bigserial primary key, placed timestamptz(3) not null, tags text[], note "char");
create table skus (code varchar(20) not null, region char(2) not null);
create table scratch (x int);
drop table if exists scratch;`,
        },
        {
          path: 'b.sql',
          text: `alter table shop."Order Lines" add constraint order_lines_pk primary key (order_id, line_no);
alter table shop."Order Lines" add column region char(2) not null;
alter table shop.skus add constraint skus_code_region unique (code, region);
alter table shop."Order Lines" add constraint lines_order foreign key (order_id) references shop.orders;
alter table shop."Order Lines" add constraint lines_sku foreign key (sku, region) references shop.skus (code, region);
create unique index orders_placed on shop.orders (placed);
create unique index orders_lower on shop.orders (lower(note));
alter table shop.orders alter column tags set not null;`,
        },
      ],
      parse,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(summary(model), [
      'shop.Order Lines(order_id, line_no) line 3; fk (order_id) -> shop.orders (id); fk (sku, region) -> shop.skus (code, region)',
      'shop.orders(id) line 4; uk (placed)',
      'shop.skus() line 5; uk (code, region)',
    ]);
    assert.deepEqual(
      model.tables.flatMap((table) => table.columns.map((column) => `${table.name}.${column.name} ${column.type}${column.nullable ? '' : ' not null'}`)),
      [
        'Order Lines.order_id bigint not null',
        'Order Lines.line_no smallint not null',
        'Order Lines.sku character varying(20)',
        'Order Lines.qty integer',
        'Order Lines.region character(2) not null',
        'orders.id bigint not null',
        'orders.placed timestamp(3) with time zone not null',
        'orders.tags text[] not null',
        'orders.note char',
        'skus.code character varying(20) not null',
        'skus.region character(2) not null',
      ],
    );
  });

  it('reports a statement that does not parse with the parser\'s message, file, line and column, and keeps the others', () => {
    const { model, errors } = fromSql('create table a (id int primary key);\n\ncreate table b (id int,, x int);\ncreate table c (a_id int references a);\n', 'model.sql');
    assert.deepEqual(errors, [{ file: 'model.sql', line: 3, column: 24, message: 'syntax error at or near ","' }]);
    assert.deepEqual(summary(model), ['public.a(id) line 1', 'public.c() line 4; fk (a_id) -> public.a (id)']);
  });
});

describe('the ER diagram in mermaid', () => {
  it("draws lab 05's model with keys and cardinalities that mermaid parses", async () => {
    const { model } = fromSql(readFileSync(join(LABS, '05-normalization-er', 'solution', 'schema.sql'), 'utf8'));
    const diagram = erDiagram(model);
    assert.deepEqual(
      diagram.text.split('\n').filter((line) => line.includes('--') || line.includes('..')),
      ['  t0 ||..o{ t1 : "postcode"', '  t2 ||..o{ t3 : "author_id"', '  t1 ||..o{ t4 : "customer_email"', '  t4 ||--o{ t5 : "order_id"', '  t3 ||..o{ t5 : "isbn"'],
    );
    assert.ok(diagram.text.includes('  t2["public.authors"] {\n    integer author_id PK "not null"\n    text name UK "not null"\n    text country "not null"\n  }'), diagram.text);
    assert.deepEqual(diagram.entities, { t0: 'public.postcodes', t1: 'public.customers', t2: 'public.authors', t3: 'public.books', t4: 'public.orders', t5: 'public.order_lines' });
    assert.deepEqual(await mermaidEntities(diagram.text), {
      aliases: ['public.postcodes', 'public.customers', 'public.authors', 'public.books', 'public.orders', 'public.order_lines'],
      relationships: 5,
    });
  });

  it('marks a nullable foreign key as optional and a unique one as one-to-one', () => {
    const { model } = fromSql('create table users (id int primary key);\ncreate table profiles (user_id int not null unique references users, manager_id int references users);');
    assert.deepEqual(erDiagram(model).text.split('\n').slice(-3), ['  t0 ||..o| t1 : "user_id"', '  t0 |o..o{ t1 : "manager_id"', '']);
  });

  it('writes hostile names so that mermaid parses them and no markup reaches the diagram', async () => {
    const { model } = fromSql('create table "<img src=x onerror=alert(1)>" ("a""b c" int primary key, "x`y" text);');
    const diagram = erDiagram(model);
    assert.equal(diagram.text, 'erDiagram\n  t0["public.#60;img src=x onerror=alert(1)#62;"] {\n    integer `a"b c` PK "not null"\n    text `x\'y`\n  }\n');
    assert.equal((await mermaidEntities(diagram.text)).aliases.length, 1);
  });

  it('shortens long type names to ones mermaid can hold', () => {
    assert.deepEqual(
      ['character varying(80)', 'timestamp(3) with time zone', 'double precision', 'time without time zone', 'numeric(8,2)', 'text[]', 'public.my type'].map(diagramType),
      ['varchar(80)', 'timestamptz(3)', 'float8', 'time', 'numeric(8,2)', 'text[]', 'public.my_type'],
    );
  });

  it('focuses on a table and its neighbours, and splits a big model into groups', () => {
    const { model } = fromSql(readFileSync(join(LABS, '07-analytics-star-schema', 'solution', 'schema.sql'), 'utf8'));
    assert.deepEqual(focusTables(model, 'dw.dim_category', 1), ['dw.dim_category', 'dw.dim_product']);
    assert.deepEqual(focusTables(model, 'dw.dim_category', 2), ['dw.dim_category', 'dw.dim_product', 'dw.fact_sales']);
    const focused = erDiagram(model, { focus: { table: 'dw.dim_category', hops: 1 } });
    assert.deepEqual([focused.tableCount, focused.relationshipCount], [2, 1]);
    const { model: mixed } = fromSql('create table a (id int primary key); create table b (a_id int references a); create table c (id int); create schema s; create table s.d (id int);');
    assert.deepEqual(diagramGroups(mixed, 2), [
      { title: 'public (1: 2 linked tables)', tables: ['public.a', 'public.b'] },
      { title: 'public (tables without foreign keys)', tables: ['public.c'] },
      { title: 's', tables: ['s.d'] },
    ]);
  });
});

describe('the drawing both renderers draw', () => {
  it("gives each table its columns with keys and notes, and each foreign key its two ends", () => {
    const { model } = fromSql('create table users (id int primary key, email varchar(200) not null unique);\ncreate table profiles (user_id int not null unique references users, manager_id int references users, bio text);');
    const drawing = erDrawing(model, { marks: { 'public.profiles': 'differs' }, columnNotes: { 'public.profiles.bio': 'not in the database' } });
    assert.deepEqual(drawing, {
      tables: [
        { id: 't0', key: 'public.users', schema: 'public', columns: [{ name: 'id', type: 'integer', keys: 'PK', note: 'not null' }, { name: 'email', type: 'varchar(200)', keys: 'UK', note: 'character varying(200), not null' }] },
        {
          id: 't1',
          key: 'public.profiles',
          schema: 'public',
          mark: 'differs',
          columns: [
            { name: 'user_id', type: 'integer', keys: 'FK, UK', note: 'not null' },
            { name: 'manager_id', type: 'integer', keys: 'FK', note: '' },
            { name: 'bio', type: 'text', keys: '', note: 'not in the database' },
          ],
        },
      ],
      relationships: [
        { parent: 't0', child: 't1', label: 'user_id', parentEnd: 'exactly-one', childEnd: 'zero-or-one', identifying: false },
        { parent: 't0', child: 't1', label: 'manager_id', parentEnd: 'zero-or-one', childEnd: 'zero-or-more', identifying: false },
      ],
      schemas: [],
    });
    assert.equal(drawingToMermaid(drawing).split('\n').at(-2), '  class t1 driftDiffers');
  });

  it('groups tables by schema when there are several, as mermaid subgraphs', async () => {
    const { model } = fromSql('create schema staging; create table staging.raw (id int primary key); create table facts (raw_id int references staging.raw);');
    const diagram = erDiagram(model);
    assert.deepEqual(diagram.drawing.schemas, ['staging', 'public']);
    assert.equal(diagram.text, 'erDiagram\n  subgraph s0["staging"]\n    t0["staging.raw"] {\n      integer id PK "not null"\n    }\n  end\n  subgraph s1["public"]\n    t1["public.facts"] {\n      integer raw_id FK\n    }\n  end\n  t0 |o..o{ t1 : "raw_id"\n');
    assert.deepEqual(await mermaidEntities(diagram.text), { aliases: ['staging.raw', 'public.facts'], relationships: 1 });
  });

  it('exports Markdown with one mermaid block', () => {
    const { model } = fromSql('create table a (id int primary key);');
    assert.equal(erMarkdown('ER diagram of lab 05', erDiagram(model)), '# ER diagram of lab 05\n\n```mermaid\nerDiagram\n  t0["public.a"] {\n    integer id PK "not null"\n  }\n```\n');
  });
});

describe('drift marks', () => {
  const items: DriftItem[] = [
    { kind: 'table', only: 'ddl', table: 'public.new_table', message: 'public.new_table is only in the DDL files' },
    { kind: 'table', only: 'database', table: 'public.audit', message: 'public.audit is only in the database' },
    { kind: 'column', only: 'ddl', table: 'public.orders', column: 'note', message: 'public.orders.note is only in the DDL files' },
    { kind: 'column', only: 'database', table: 'public.customers', column: 'phone', message: 'public.customers.phone is only in the database' },
    { kind: 'type', table: 'public.customers', column: 'email', ddl: 'text', database: 'character varying(200)', message: 'public.customers.email is text in the DDL files but character varying(200) in the database' },
  ];

  it('marks, in the diagram of the DDL files, what the database lacks or has otherwise', () => {
    assert.deepEqual(driftMarks(items, 'ddl'), {
      marks: { 'public.new_table': 'only-ddl', 'public.orders': 'differs', 'public.customers': 'differs' },
      columnNotes: { 'public.orders.note': 'not in the database', 'public.customers.email': 'character varying(200) in the database' },
    });
  });

  it('and in the diagram of the database, what the DDL files lack or have otherwise', () => {
    assert.deepEqual(driftMarks(items, 'database'), {
      marks: { 'public.audit': 'only-database', 'public.orders': 'differs', 'public.customers': 'differs' },
      columnNotes: { 'public.customers.phone': 'not in the DDL files', 'public.customers.email': 'text in the DDL files' },
    });
  });
});
