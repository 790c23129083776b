/** A plan exported as SVG: every node a row, the expensive path marked, names escaped, large plans cut short. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planFromJson } from '../../../src/core/plans/planModel';
import { planToSvg, SVG_MAX_ROWS } from '../../../src/core/plans/planSvg';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

describe('exporting a plan as SVG', () => {
  it('draws one row per node with its figures, and marks the most expensive path', () => {
    const svg = planToSvg(planFromJson(fixture('parallel')), 'Explain Analyze: orders by day');
    assert.equal(svg.match(/<g class="node/g)?.length, 5);
    assert.equal(svg.match(/<g class="node critical">/g)?.length, 5);
    assert.ok(svg.includes('<text x="12" y="44" fill="#57606a">5 nodes · execution 67.1 ms</text>'), svg.slice(0, 600));
    assert.ok(svg.includes('>Parallel Seq Scan on public.orders</text>'));
    assert.ok(svg.includes('>30.3 ms (45.2%) · 195,999 of 245,577 rows · 3 loops · cost 2315.67</text>'), svg);
  });

  it('escapes names from the plan, so the document stays well formed and inert', () => {
    const svg = planToSvg(planFromJson([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': '<script>alert("x")</script>', Alias: "a&b'", 'Total Cost': 1, 'Plan Rows': 1 } }]), 'title with <tags> & "quotes"');
    assert.ok(!svg.includes('<script'));
    assert.ok(svg.includes('>Seq Scan on &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; a&amp;b&apos;</text>'), svg);
    assert.ok(svg.includes('>title with &lt;tags&gt; &amp; &quot;quotes&quot;</text>'));
  });

  it(`draws at most ${SVG_MAX_ROWS} rows of a 2,102-node plan and says how many it left out`, () => {
    const svg = planToSvg(planFromJson(fixture('partitions')), 'count(*) over 2,100 partitions');
    assert.equal(svg.match(/<g class="node/g)?.length, SVG_MAX_ROWS);
    assert.ok(svg.includes('>… and 1,702 more nodes</text>'));
  });
});
