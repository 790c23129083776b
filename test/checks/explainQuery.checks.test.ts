/** Explaining a learner's statement on a real PostgreSQL: the plan comes back, and nothing it ran stays. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import type { PostgresEndpoint } from '../../src/core/checks/types';
import { explainable, explainStatement, statementWrites } from '../../src/core/plans/explainQuery';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';

describe('explaining a statement', () => {
  let server: NativePostgres;
  let endpoint: PostgresEndpoint;

  before(async () => {
    server = await startNativePostgres();
    const client = new Client({ connectionString: server.url('postgres') });
    await client.connect();
    await client.query('create table orders (id int primary key, customer_id int not null, total numeric not null); insert into orders select g, g % 100, g from generate_series(1, 5000) g; analyze orders;');
    await client.end();
    endpoint = { kind: 'postgres', host: server.host, port: server.port, user: server.user, password: server.password, database: 'postgres', source: 'test' };
  });

  after(async () => {
    await server?.stop();
  });

  it('says which statements write and which EXPLAIN takes', () => {
    assert.deepEqual(
      ['select 1', '-- a comment\nselect * into t from orders', 'with x as (delete from orders returning *) select * from x', 'with x as (select 1) select * from x', 'insert into orders values (1)', 'create index on orders (total)', 'analyze orders'].map(statementWrites),
      [false, true, true, false, true, true, true],
    );
    assert.deepEqual(['select 1', 'update orders set total = 0', 'create index on orders (total)', 'begin'].map(explainable), [true, true, false, false]);
  });

  it('returns the plan PostgreSQL chooses, without running the statement', async () => {
    const { plan, explain } = await explainStatement(endpoint, 'select * from orders where id = 42;', { analyze: false });
    assert.equal(explain, 'explain (format json, verbose, settings) select * from orders where id = 42');
    assert.equal(plan.analyzed, false);
    assert.deepEqual(plan.nodes.map((node) => node.title), ['Index Scan using orders_pkey on public.orders']);
    assert.deepEqual(plan.root.conditions, [{ label: 'Index Cond', text: '(orders.id = 42)' }]);
  });

  it('analyzes a statement that writes inside a transaction it rolls back', async () => {
    const { plan } = await explainStatement(endpoint, 'delete from orders where total > 100', { analyze: true });
    assert.equal(plan.analyzed, true);
    assert.deepEqual(plan.nodes.map((node) => node.title), ['Delete on public.orders', 'Seq Scan on public.orders']);
    assert.equal(plan.nodes[1]?.actual?.rows, 4900);
    const client = new Client({ connectionString: server.url('postgres') });
    await client.connect();
    const { rows } = await client.query<{ count: string }>('select count(*) from orders');
    await client.end();
    assert.deepEqual(rows, [{ count: '5000' }]);
  });

  it('says what PostgreSQL said about a statement it cannot plan, and what EXPLAIN cannot take', async () => {
    await assert.rejects(explainStatement(endpoint, 'select * from nowhere', { analyze: false }), { message: 'PostgreSQL could not explain the statement: relation "nowhere" does not exist (PostgreSQL 42P01).' });
    await assert.rejects(explainStatement(endpoint, 'create index on orders (total)', { analyze: true }), {
      message: 'PostgreSQL cannot explain this statement: EXPLAIN takes SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, EXECUTE or CREATE TABLE AS, not "create index on".',
    });
  });
});
