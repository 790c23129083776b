/**
 * The ER model of a live PostgreSQL (pg_catalog), against the model read from the same DDL: the labs'
 * schemas come back identical, and drift between files and database is named table, column and key.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { schemaFromDdl, type SqlParse } from '../../src/core/er/ddl';
import { schemaDrift } from '../../src/core/er/drift';
import { introspectDatabase, introspectSchema } from '../../src/core/er/introspect';
import { loadSqlParser } from '../../src/core/er/pgParser';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';

const LABS = join(__dirname, '..', '..', 'labs');

describe('the ER model of a live database', () => {
  let server: NativePostgres;
  let parse: SqlParse;
  const clients: Client[] = [];

  before(async () => {
    server = await startNativePostgres();
    parse = await loadSqlParser();
  });

  after(async () => {
    for (const client of clients) await client.end();
    await server?.stop();
  });

  async function database(name: string, sql: string): Promise<Client> {
    const admin = new Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const client = new Client({ connectionString: server.url(name) });
    await client.connect();
    clients.push(client);
    await client.query(sql);
    return client;
  }

  for (const lab of ['05-normalization-er', '07-analytics-star-schema']) {
    it(`reads lab ${lab.slice(0, 2)}'s solution from the database exactly as from its DDL`, async () => {
      const sql = readFileSync(join(LABS, lab, 'solution', 'schema.sql'), 'utf8');
      const live = await introspectSchema(await database(`er_${lab.slice(0, 2)}`, sql));
      const { model } = schemaFromDdl([{ path: 'schema.sql', text: sql }], parse);
      const withoutSources = model.tables.map(({ source, ...table }) => (assert.ok(source), { ...table, foreignKeys: table.foreignKeys.map(({ name, ...key }) => key) }));
      assert.deepEqual(
        live.tables.map((table) => ({ ...table, foreignKeys: table.foreignKeys.map(({ name, ...key }) => (assert.ok(name), key)) })),
        withoutSources,
      );
      assert.deepEqual(schemaDrift(model, live), []);
    });
  }

  it('names what differs between the DDL files and the database', async () => {
    const ddl = `create table customers (id int primary key, email text not null unique);
create table orders (id int primary key, customer_id int references customers, total numeric(10,2) not null, note text);`;
    const client = await database(
      'er_drift',
      `create table customers (id int primary key, email varchar(200) not null unique, phone text);
create table orders (id int primary key, customer_id int, total numeric(10,2));
create table audit (id bigint generated always as identity primary key, at timestamptz not null default now());
create unique index orders_customer_total on orders (customer_id, total);`,
    );
    const live = await introspectSchema(client);
    assert.deepEqual(live.tables.find((table) => table.name === 'orders')?.uniques, [['customer_id', 'total']]);
    assert.deepEqual(
      schemaDrift(schemaFromDdl([{ path: 'schema.sql', text: ddl }], parse).model, live).map((item) => item.message),
      [
        'public.orders.note is only in the DDL files',
        'the foreign key public.orders (customer_id) → public.customers (id) is only in the DDL files',
        'public.customers.phone is only in the database',
        'public.audit is only in the database',
        'public.customers.email is text in the DDL files but character varying(200) in the database',
        'public.orders.total is not null in the DDL files but nullable in the database',
      ],
    );
  });

  it('reads the same model through the checks\' connection (every value as text) as through a plain client', async () => {
    const sql = readFileSync(join(LABS, '07-analytics-star-schema', 'solution', 'schema.sql'), 'utf8');
    const plain = await introspectSchema(await database('er_endpoint', sql));
    const endpoint = { kind: 'postgres', host: server.host, port: server.port, user: server.user, password: server.password, database: 'er_endpoint', source: 'the test server' } as const;
    const throughEndpoint = await introspectDatabase(endpoint);
    assert.equal(throughEndpoint.tables.length, 6);
    assert.deepEqual(throughEndpoint, plain);
  });

  it('reads names that need quoting as they are', async () => {
    const client = await database('er_names', 'create schema "My Shop"; create table "My Shop"."Order ""Lines""" ("Line No" int primary key, "<b>x</b>" text);');
    const live = await introspectSchema(client);
    assert.deepEqual(live.tables, [{ schema: 'My Shop', name: 'Order "Lines"', columns: [{ name: 'Line No', type: 'integer', nullable: false }, { name: '<b>x</b>', type: 'text', nullable: true }], primaryKey: ['Line No'], uniques: [], foreignKeys: [] }]);
  });
});
