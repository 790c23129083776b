/** The plan on its way to the webview: JSON text about the size of the plan, and the same model (one object per node) on arrival. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planFromJson } from '../../../src/core/plans/planModel';
import type { Plan, PlanNode } from '../../../src/shared/plan';
import { decodePlan, encodePlan } from '../../../src/shared/planWire';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const source = (name: string): string => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');

/** The model as the webview should have it: every node without `raw`, linked to its children. */
function withoutRaw(plan: Plan): unknown {
  const strip = (node: PlanNode): unknown => {
    const { raw, children, ...fields } = node;
    assert.ok(raw);
    return { ...fields, children: children.map(strip) };
  };
  return { ...plan, root: strip(plan.root), nodes: plan.nodes.map(strip) };
}

describe('a plan on its way to the webview', () => {
  for (const name of ['seq-scan', 'hash-join', 'cte', 'subplan', 'parallel', 'partitions']) {
    it(`${name}: arrives as the same plan model, without the raw keys`, () => {
      const plan = planFromJson(source(name));
      // VS Code serialises a message as JSON between the extension host and the webview.
      const received = decodePlan(JSON.parse(JSON.stringify({ plan: encodePlan(plan) })).plan as string);
      assert.deepEqual(received, JSON.parse(JSON.stringify(withoutRaw(plan))));
      // One object per node: a child found from its parent is the node of that id (search relies on it).
      assert.equal(received.root, received.nodes[plan.root.id]);
      for (const node of received.nodes) for (const child of node.children) assert.equal(child, received.nodes[child.id]);
    });
  }

  it('is smaller than the plan PostgreSQL wrote, where the nested model would be five times larger', () => {
    const text = source('partitions');
    const plan = planFromJson(text);
    const sent = encodePlan(plan).length;
    const nested = JSON.stringify(plan).length;
    assert.ok(sent < text.length, `the message is ${sent} bytes for a plan of ${text.length}`);
    assert.ok(nested > 5 * text.length, `the nested model would be ${nested} bytes for a plan of ${text.length}`);
  });

  it('refuses a plan whose nodes name children that are not there', () => {
    const sent = JSON.parse(encodePlan(planFromJson(source('seq-scan')))) as { nodes: { childIds: number[] }[] };
    sent.nodes.forEach((node) => (node.childIds = [7]));
    assert.throws(() => decodePlan(JSON.stringify(sent)), { message: 'plan node 0 names a child 7 that is not in the plan' });
  });
});
