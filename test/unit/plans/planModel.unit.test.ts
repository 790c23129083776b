/**
 * The plan model on real plans captured from PostgreSQL 15 (test/fixtures/plans/capture.ts): scans,
 * joins of each kind, a parallel plan, a CTE, a subplan, a misestimate, 2,100 partitions; in FORMAT JSON
 * and in psql's text format, which must read into the same tree.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlanFormatError, planFromJson, type Plan, type PlanNode } from '../../../src/core/plans/planModel';
import { parsePlan, planFromText } from '../../../src/core/plans/planText';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const NAMES = ['seq-scan', 'index-scan', 'hash-join', 'merge-join', 'nested-loop', 'parallel', 'cte', 'subplan', 'misestimate', 'partitions'];

function fromJson(name: string): Plan {
  return planFromJson(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')));
}

function fromText(name: string): Plan {
  return planFromText(readFileSync(join(FIXTURES, `${name}.txt`), 'utf8'));
}

function node(plan: Plan, title: string): PlanNode {
  const found = plan.nodes.find((candidate) => candidate.title === title);
  assert.ok(found, `no node "${title}" in ${plan.nodes.map((candidate) => candidate.title).join(', ')}`);
  return found;
}

/** What must not depend on the format: the tree, the names, the estimates, the conditions. */
function structure(plan: Plan): unknown[] {
  return plan.nodes.map((entry) => [entry.depth, entry.title, entry.relationship, entry.subplanName, entry.planRows, entry.actual?.rows, entry.loops, entry.workers, entry.conditions]);
}

describe('the plan model', () => {
  it('names every node of a join as psql does, in depth-first order', () => {
    assert.deepEqual(
      fromJson('hash-join').nodes.map((entry) => `${'  '.repeat(entry.depth)}${entry.title}`),
      [
        'Finalize GroupAggregate',
        '  Gather Merge',
        '    Sort',
        '      Partial HashAggregate',
        '        Hash Join',
        '          Parallel Seq Scan on public.orders o',
        '          Hash',
        '            Seq Scan on public.customers c',
      ],
    );
    assert.deepEqual(fromJson('merge-join').nodes.map((entry) => entry.title), ['Merge Join', 'Index Only Scan using orders_pkey on public.orders o', 'Index Scan using order_items_pkey on public.order_items i']);
    assert.deepEqual(fromJson('nested-loop').nodes.map((entry) => entry.title), [
      'Nested Loop',
      'Index Scan using customers_pkey on public.customers c',
      'Bitmap Heap Scan on public.orders o',
      'Bitmap Index Scan on orders_customer_idx',
    ]);
  });

  it('gives each node its inclusive and exclusive time, per participant below a Gather', () => {
    const plan = fromJson('parallel');
    assert.equal(plan.executionMs, 67.06);
    assert.equal(plan.planningMs, 0.165);
    assert.deepEqual(
      plan.nodes.map((entry) => [entry.title, entry.inclusiveMs, entry.exclusiveMs]),
      [
        ['Finalize GroupAggregate', 66.977, 0.133],
        ['Gather Merge', 66.844, 19.945],
        ['Sort', 46.899, 0.13],
        ['Partial HashAggregate', 46.769, 16.481],
        ['Parallel Seq Scan on public.orders', 30.288, 30.288],
      ],
    );
    assert.deepEqual(node(plan, 'Gather Merge').workers, { planned: 2, launched: 2 });
    assert.equal(node(plan, 'Parallel Seq Scan on public.orders').rowsRemoved, 3999);
  });

  it('multiplies by loops for a subplan run once per outer row', () => {
    const plan = fromJson('subplan');
    const aggregate = node(plan, 'Aggregate');
    assert.deepEqual([aggregate.relationship, aggregate.subplanName, aggregate.loops, aggregate.actual?.totalMs, aggregate.inclusiveMs], ['SubPlan', 'SubPlan 1', 49, 0.027, 1.323]);
    assert.equal(node(plan, 'Index Only Scan using customers_pkey on public.customers c').exclusiveMs, 0.062);
  });

  it('charges a materialized CTE to its InitPlan, not again to the scan that reads it', () => {
    const plan = fromJson('cte');
    assert.deepEqual([node(plan, 'HashAggregate').relationship, node(plan, 'HashAggregate').subplanName], ['InitPlan', 'CTE big']);
    // The CTE Scan's 92.697 ms include the 90.401 ms of computing the CTE.
    assert.deepEqual([node(plan, 'CTE Scan on big b').inclusiveMs, node(plan, 'CTE Scan on big b').exclusiveMs], [92.697, 2.296]);
    assert.equal(node(plan, 'Limit').exclusiveMs, 0.005);
    assert.deepEqual(plan.criticalPath.map((id) => plan.nodes[id]?.title), ['Limit', 'Sort', 'Hash Join', 'CTE Scan on big b']);
  });

  it('flags rows misestimated by a factor, in which direction', () => {
    const plan = fromJson('misestimate');
    assert.deepEqual(node(plan, 'Gather').misestimate, { factor: 25.7, direction: 'under' });
    assert.deepEqual(node(plan, 'Parallel Seq Scan on public.orders').misestimate, { factor: 19, direction: 'under' });
    assert.deepEqual(node(fromJson('cte'), 'Sort').misestimate, { factor: 333.4, direction: 'over' });
    assert.deepEqual(node(fromJson('hash-join'), 'Hash').misestimate, { factor: 1, direction: 'exact' });
  });

  it('keeps buffers and conditions', () => {
    const scan = fromJson('seq-scan').root;
    assert.deepEqual(scan.buffers, { sharedHit: 32, sharedRead: 0, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 0 });
    assert.deepEqual(scan.conditions, [{ label: 'Filter', text: "((customers.name ~~ '%7'::text) AND (customers.country = 'FR'::text))" }]);
    assert.deepEqual(node(fromJson('nested-loop'), 'Bitmap Heap Scan on public.orders o').conditions, [{ label: 'Recheck Cond', text: '(o.customer_id = c.id)' }]);
  });

  it('reads a plan of 2,100 partitions: 2,102 nodes under one Append', () => {
    const plan = fromJson('partitions');
    assert.equal(plan.nodes.length, 2102);
    assert.equal(node(plan, 'Append').children.length, 2100);
    assert.equal(plan.nodes.filter((entry) => entry.nodeType === 'Seq Scan').length, 2100);
  });

  it('reads a plan without ANALYZE: costs, no times, the critical path by cost', () => {
    const raw = JSON.parse(readFileSync(join(FIXTURES, 'hash-join.json'), 'utf8')) as unknown;
    const strip = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(strip) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('Actual') && key !== 'Execution Time').map(([key, item]) => [key, strip(item)])) : value;
    const plan = planFromJson(strip(raw));
    assert.equal(plan.analyzed, false);
    assert.equal(plan.root.inclusiveMs, undefined);
    assert.deepEqual(plan.criticalPath.map((id) => plan.nodes[id]?.title), ['Finalize GroupAggregate', 'Gather Merge', 'Sort', 'Partial HashAggregate', 'Hash Join', 'Parallel Seq Scan on public.orders o']);
  });

  for (const name of NAMES) {
    it(`reads psql's text format of the ${name} plan into the same tree as FORMAT JSON`, () => {
      assert.deepEqual(structure(fromText(name)), structure(fromJson(name)));
    });
  }

  it("reads text pasted from psql, with its header, '+' line ends and row count", () => {
    const pasted = [
      '                          QUERY PLAN                           ',
      '---------------------------------------------------------------',
      ' Hash Left Join  (cost=1.09..2.20 rows=3 width=8) (actual time=0.030..0.034 rows=3 loops=1)+',
      '   Hash Cond: (a.id = b.id)                                    +',
      '   Buffers: shared hit=2 read=1, temp written=4                +',
      '   ->  Seq Scan on a  (cost=0.00..1.03 rows=3 width=4) (actual time=0.006..0.007 rows=3 loops=1)+',
      '   ->  Hash  (cost=1.04..1.04 rows=4 width=4) (never executed)  +',
      '         ->  Seq Scan on b  (cost=0.00..1.04 rows=4 width=4) (never executed)+',
      ' Planning Time: 0.100 ms                                        +',
      ' Execution Time: 0.050 ms',
      '(8 rows)',
    ].join('\n');
    const plan = parsePlan(pasted);
    assert.deepEqual(plan.nodes.map((entry) => [entry.title, entry.neverExecuted, entry.relationship]), [
      ['Hash Left Join', false, undefined],
      ['Seq Scan on a', false, 'Outer'],
      ['Hash', true, 'Inner'],
      ['Seq Scan on b', true, 'Outer'],
    ]);
    assert.deepEqual(plan.root.buffers, { sharedHit: 2, sharedRead: 1, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 4 });
    assert.deepEqual([plan.planningMs, plan.executionMs], [0.1, 0.05]);
  });

  it('says what is wrong with something that is not a plan', () => {
    const message = (input: string): string => {
      try {
        parsePlan(input);
      } catch (error) {
        assert.ok(error instanceof PlanFormatError);
        return error.message;
      }
      return assert.fail('expected a PlanFormatError');
    };
    assert.equal(message(''), "the plan is empty: paste the output of EXPLAIN (FORMAT JSON) or psql's text plan.");
    assert.match(message('[{"Plan": '), /^the plan is not valid JSON \(.+\); paste the output of EXPLAIN \(FORMAT JSON\) or psql's text plan\.$/);
    assert.equal(message('[{"Query": 1}]'), 'this is not a PostgreSQL plan: expected the output of EXPLAIN (FORMAT JSON), an array holding an object with a "Plan" whose nodes have a "Node Type".');
    assert.equal(message('[{"Plan": {"Node Type": "Limit", "Plans": [{"Node Type": "Sort", "Plans": [{"Total Cost": 3}]}]}}]'), 'the plan is broken at Plan.Plans[0].Plans[0]: a node without a "Node Type".');
    assert.equal(message('select * from orders'), 'this is not a PostgreSQL plan: the first line should be a node with its (cost=...), not "select * from orders".');
  });
});
