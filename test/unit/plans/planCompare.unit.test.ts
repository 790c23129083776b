/** Two real plans of the same query, before and after `create index on orders (total)`, compared. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { comparePlans } from '../../../src/core/plans/planCompare';
import { planFromJson, type Plan } from '../../../src/core/plans/planModel';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const plan = (name: string): Plan => planFromJson(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')));

describe('comparing plans', () => {
  it('matches the nodes of a plan before and after an index, including one moved under a BitmapAnd', () => {
    const { rows } = comparePlans(plan('compare-before'), plan('compare-after'));
    assert.deepEqual(
      rows.map((row) => [row.kind, row.depth, row.kind === 'added' ? '' : row.before.title, row.kind === 'removed' ? '' : row.after.title]),
      [
        ['matched', 0, 'Bitmap Heap Scan on public.orders', 'Bitmap Heap Scan on public.orders'],
        ['added', 1, '', 'BitmapAnd'],
        ['matched', 2, 'Bitmap Index Scan on orders_customer_idx', 'Bitmap Index Scan on orders_customer_idx'],
        ['added', 2, '', 'Bitmap Index Scan on orders_total_idx'],
      ],
    );
  });

  it('says what changed: time, cost, new nodes, rows filtered away, buffers', () => {
    assert.deepEqual(comparePlans(plan('compare-before'), plan('compare-after')).summary, [
      'Execution time 9.98 ms → 1.66 ms (6.0× faster).',
      'Estimated cost 2325.07 → 711.94 (3.3× cheaper).',
      'New: BitmapAnd.',
      'New: Bitmap Index Scan on orders_total_idx.',
      'Rows read and thrown away by filters: 39,880 → 0.',
      'Buffers touched: 330 → 120.',
    ]);
  });

  it('names a scan whose kind changed, and the nodes only one query has', () => {
    const { rows, summary } = comparePlans(plan('seq-scan'), plan('index-scan'));
    assert.deepEqual(rows.map((row) => [row.kind, row.kind === 'matched' ? row.typeChanged : undefined]), [['matched', true], ['added', undefined]]);
    assert.deepEqual(summary, [
      'Execution time 1.14 ms → 0.18 ms (6.3× faster).',
      'Estimated cost 107.00 → 143.84 (1.3× costlier).',
      'Seq Scan on public.customers became Bitmap Heap Scan on public.orders.',
      'New: Bitmap Index Scan on orders_customer_idx.',
      'Rows read and thrown away by filters: 5,000 → 0.',
      'Buffers touched: 32 → 42.',
    ]);
    const same = comparePlans(plan('hash-join'), plan('hash-join'));
    assert.ok(same.rows.every((row) => row.kind === 'matched' && !row.typeChanged));
    assert.deepEqual(same.summary, ['Execution time 142 ms → 142 ms (unchanged).', 'Estimated cost 4787.06 → 4787.06 (unchanged).']);
  });
});
