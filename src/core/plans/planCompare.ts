/**
 * Two plans compared node by node (before and after an index, or two queries): nodes are matched down
 * the trees by what they do and what they read, and each pair says what changed in type, time, rows
 * and cost; nodes without a partner were added or removed. A summary says the changes that matter.
 */
import type { Plan, PlanNode } from '../../shared/plan';

export type CompareRow =
  | { readonly kind: 'matched'; readonly before: PlanNode; readonly after: PlanNode; readonly depth: number; readonly typeChanged: boolean }
  | { readonly kind: 'removed'; readonly before: PlanNode; readonly depth: number }
  | { readonly kind: 'added'; readonly after: PlanNode; readonly depth: number };

export interface PlanComparison {
  /** Both trees interleaved in plan order, each row a pair or a node on one side only. */
  readonly rows: readonly CompareRow[];
  /** The changes that matter, in sentences. */
  readonly summary: readonly string[];
}

/** How alike two nodes are: the same table and operation, then the same table, then the same operation. */
function similarity(a: PlanNode, b: PlanNode): number {
  let score = 0;
  if (a.nodeType === b.nodeType) score += 2;
  if (a.relation && a.relation === b.relation) score += 3;
  if (a.index && a.index === b.index) score += 2;
  if (a.relationship === b.relationship) score += 1;
  if (a.subplanName && a.subplanName === b.subplanName) score += 2;
  if (a.title === b.title) score += 1;
  return score;
}

/** Pairs children greedily by similarity; a pair needs something in common beyond its position. */
function matchChildren(before: readonly PlanNode[], after: readonly PlanNode[]): [PlanNode | undefined, PlanNode | undefined][] {
  const candidates: [number, number, number][] = [];
  before.forEach((a, i) => after.forEach((b, j) => candidates.push([similarity(a, b) - Math.abs(i - j) * 0.1, i, j])));
  candidates.sort((x, y) => y[0] - x[0]);
  const pairedBefore = new Map<number, number>();
  const pairedAfter = new Set<number>();
  for (const [score, i, j] of candidates) {
    if (score < 2 || pairedBefore.has(i) || pairedAfter.has(j)) continue;
    pairedBefore.set(i, j);
    pairedAfter.add(j);
  }
  const pairs: [PlanNode | undefined, PlanNode | undefined][] = [];
  before.forEach((a, i) => {
    const j = pairedBefore.get(i);
    pairs.push([a, j === undefined ? undefined : after[j]]);
  });
  after.forEach((b, j) => {
    if (!pairedAfter.has(j)) pairs.push([undefined, b]);
  });
  return pairs;
}

function walk(before: PlanNode | undefined, after: PlanNode | undefined, depth: number, rows: CompareRow[]): void {
  if (before && after) {
    rows.push({ kind: 'matched', before, after, depth, typeChanged: before.nodeType !== after.nodeType || before.index !== after.index });
    const pairs = matchChildren(before.children, after.children);
    // A node that moved one level down under a new one (a scan now under a BitmapAnd) is still itself.
    const wrapped = new Map<PlanNode, PlanNode>();
    for (const [, added] of pairs.filter(([a, b]) => !a && b)) {
      for (const [removed] of pairs.filter(([a, b]) => a && !b && !wrapped.has(a))) {
        if (removed && added && added.children.some((child) => similarity(removed, child) >= 5)) wrapped.set(removed, added);
      }
    }
    for (const [a, b] of pairs) {
      if (a && !b && wrapped.has(a)) continue;
      const inner = b ? [...wrapped].find(([, wrapper]) => wrapper === b)?.[0] : undefined;
      if (!a && b && inner) {
        rows.push({ kind: 'added', after: b, depth: depth + 1 });
        for (const [x, y] of matchChildren([inner], b.children)) walk(x, y, depth + 2, rows);
        continue;
      }
      walk(a, b, depth + 1, rows);
    }
  } else if (before) {
    rows.push({ kind: 'removed', before, depth });
    for (const child of before.children) walk(child, undefined, depth + 1, rows);
  } else if (after) {
    rows.push({ kind: 'added', after, depth });
    for (const child of after.children) walk(undefined, child, depth + 1, rows);
  }
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function ratio(before: number, after: number, faster: string, slower: string): string {
  if (before === after || before === 0 || after === 0) return 'unchanged';
  return after < before ? `${(before / after).toFixed(1)}× ${faster}` : `${(after / before).toFixed(1)}× ${slower}`;
}

export function comparePlans(before: Plan, after: Plan): PlanComparison {
  const rows: CompareRow[] = [];
  walk(before.root, after.root, 0, rows);
  const summary: string[] = [];
  const timeBefore = before.executionMs ?? before.root.inclusiveMs;
  const timeAfter = after.executionMs ?? after.root.inclusiveMs;
  if (timeBefore !== undefined && timeAfter !== undefined) {
    summary.push(`Execution time ${formatMs(timeBefore)} → ${formatMs(timeAfter)} (${ratio(timeBefore, timeAfter, 'faster', 'slower')}).`);
  }
  summary.push(`Estimated cost ${before.root.totalCost.toFixed(2)} → ${after.root.totalCost.toFixed(2)} (${ratio(before.root.totalCost, after.root.totalCost, 'cheaper', 'costlier')}).`);
  for (const row of rows) {
    if (row.kind === 'matched' && row.typeChanged) summary.push(`${row.before.title} became ${row.after.title}.`);
    if (row.kind === 'added') summary.push(`New: ${row.after.title}.`);
    if (row.kind === 'removed') summary.push(`Gone: ${row.before.title}.`);
  }
  const removedBefore = before.nodes.reduce((sum, node) => sum + (node.rowsRemoved ?? 0), 0);
  const removedAfter = after.nodes.reduce((sum, node) => sum + (node.rowsRemoved ?? 0), 0);
  if (removedBefore !== removedAfter) summary.push(`Rows read and thrown away by filters: ${removedBefore.toLocaleString('en-US')} → ${removedAfter.toLocaleString('en-US')}.`);
  const hits = (plan: Plan): number => plan.root.buffers ? plan.root.buffers.sharedHit + plan.root.buffers.sharedRead : 0;
  if (before.root.buffers && after.root.buffers && hits(before) !== hits(after)) summary.push(`Buffers touched: ${hits(before).toLocaleString('en-US')} → ${hits(after).toLocaleString('en-US')}.`);
  return { rows, summary };
}
