/**
 * The plan model: PostgreSQL's EXPLAIN output (FORMAT JSON, or psql's text format through planText.ts)
 * read into nodes with what a learner needs to see: inclusive and exclusive time, rows estimated against
 * actual with the misestimate factor, loops, buffers, cost, conditions, and the most expensive path.
 * One model serves the plan view, the comparison and the `explain` check kind.
 */

import type { Plan, PlanNode } from '../../shared/plan';

export type { Plan, PlanBuffers, PlanNode } from '../../shared/plan';

/** The fields of an EXPLAIN (FORMAT JSON) node the model reads. */
export interface RawPlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Schema?: string;
  readonly Alias?: string;
  readonly 'Index Name'?: string;
  readonly 'CTE Name'?: string;
  readonly 'Function Name'?: string;
  readonly 'Join Type'?: string;
  readonly Strategy?: string;
  readonly 'Partial Mode'?: string;
  readonly 'Parent Relationship'?: string;
  readonly 'Subplan Name'?: string;
  readonly 'Parallel Aware'?: boolean;
  readonly 'Startup Cost'?: number;
  readonly 'Total Cost'?: number;
  readonly 'Plan Rows'?: number;
  readonly 'Plan Width'?: number;
  readonly 'Actual Startup Time'?: number;
  readonly 'Actual Total Time'?: number;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly 'Workers Planned'?: number;
  readonly 'Workers Launched'?: number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Join Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly 'Shared Hit Blocks'?: number;
  readonly 'Shared Read Blocks'?: number;
  readonly 'Shared Dirtied Blocks'?: number;
  readonly 'Shared Written Blocks'?: number;
  readonly 'Temp Read Blocks'?: number;
  readonly 'Temp Written Blocks'?: number;
  readonly Plans?: readonly RawPlanNode[];
  readonly [key: string]: unknown;
}

export interface RawPlan {
  readonly Plan: RawPlanNode;
  readonly 'Planning Time'?: number;
  readonly 'Execution Time'?: number;
}

/** Conditions and keys shown with a node, in this order, under these labels. */
export const CONDITION_KEYS = ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'One-Time Filter', 'Sort Key', 'Group Key', 'Presorted Key'] as const;

/** The input is not a PostgreSQL plan; the message says what was expected. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

/** A misestimate of at least this factor is flagged in the view and by the checks. */
export const MISESTIMATE_FLAG = 10;

const AGGREGATE_NAMES: Readonly<Record<string, string>> = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate', Plain: 'Aggregate' };
const JOIN_NODES = new Set(['Hash Join', 'Merge Join', 'Nested Loop']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The node's name as psql writes it. */
export function nodeTitle(raw: RawPlanNode): string {
  const type = raw['Node Type'];
  let name = type === 'Aggregate' && raw.Strategy ? (AGGREGATE_NAMES[raw.Strategy] ?? type) : type;
  // psql writes a ModifyTable node as its operation: "Insert on public.orders".
  if (type === 'ModifyTable' && typeof raw.Operation === 'string') name = raw.Operation;
  const joinType = raw['Join Type'];
  if (JOIN_NODES.has(type) && joinType && joinType !== 'Inner') name = type === 'Nested Loop' ? `${name} ${joinType} Join` : name.replace(/ Join$/, ` ${joinType} Join`);
  if (raw['Scan Direction'] === 'Backward') name += ' Backward';
  if (raw['Partial Mode'] && raw['Partial Mode'] !== 'Simple') name = `${raw['Partial Mode']} ${name}`;
  if (raw['Parallel Aware']) name = `Parallel ${name}`;
  const relation = raw['Relation Name'] ? `${raw.Schema ? `${raw.Schema}.` : ''}${raw['Relation Name']}` : undefined;
  const target = relation ?? raw['CTE Name'] ?? raw['Function Name'];
  const alias = raw.Alias && raw.Alias !== raw['Relation Name'] && raw.Alias !== raw['CTE Name'] && raw.Alias !== raw['Function Name'] ? ` ${raw.Alias}` : '';
  const index = raw['Index Name'];
  if (type === 'Bitmap Index Scan' && index) return `${name} on ${index}`;
  if (index) name += ` using ${index}`;
  return target ? `${name} on ${target}${alias}` : name;
}

interface BuildState {
  readonly nodes: PlanNode[];
  /** CTE InitPlans by name, to take their time out of the first CTE Scan that reads them. */
  readonly cteTimes: Map<string, number>;
  readonly cteCharged: Set<string>;
}

function build(raw: RawPlanNode, depth: number, parentId: number | undefined, participants: number, state: BuildState): PlanNode {
  const id = state.nodes.length;
  // A placeholder keeps depth-first ids; replaced once the children are built.
  state.nodes.push(undefined as unknown as PlanNode);
  const loops = numberOf(raw['Actual Loops']) ?? 1;
  const totalMs = numberOf(raw['Actual Total Time']);
  const analyzed = totalMs !== undefined;
  const neverExecuted = analyzed && loops === 0;
  const launched = numberOf(raw['Workers Launched']);
  const planned = numberOf(raw['Workers Planned']);
  // Below a Gather, loops count the workers and the leader: time per participant is what elapsed.
  const childParticipants = raw['Node Type'] === 'Gather' || raw['Node Type'] === 'Gather Merge' ? (launched ?? planned ?? 0) + 1 : participants;
  const children = (raw.Plans ?? []).map((child) => build(child, depth + 1, id, childParticipants, state));
  const inclusiveMs = analyzed ? ((totalMs ?? 0) * loops) / Math.max(1, participants) : undefined;
  let exclusiveMs: number | undefined;
  if (inclusiveMs !== undefined) {
    const below = children.filter((child) => child.relationship !== 'InitPlan').reduce((sum, child) => sum + (child.inclusiveMs ?? 0), 0);
    exclusiveMs = inclusiveMs - below;
    const cte = raw['Node Type'] === 'CTE Scan' ? raw['CTE Name'] : undefined;
    if (cte && !state.cteCharged.has(cte)) {
      state.cteCharged.add(cte);
      exclusiveMs -= state.cteTimes.get(cte) ?? 0;
    }
    exclusiveMs = Math.max(0, exclusiveMs);
  }
  if (raw['Parent Relationship'] === 'InitPlan' && raw['Subplan Name']?.startsWith('CTE ') && inclusiveMs !== undefined) {
    state.cteTimes.set(raw['Subplan Name'].slice(4), inclusiveMs);
  }
  const planRows = numberOf(raw['Plan Rows']) ?? 0;
  const actualRows = numberOf(raw['Actual Rows']);
  let misestimate: PlanNode['misestimate'];
  if (analyzed && !neverExecuted && actualRows !== undefined) {
    const expected = planRows * loops;
    const actual = actualRows * loops;
    const factor = Math.max(expected, actual) / Math.max(1, Math.min(expected, actual));
    misestimate = { factor: Math.round(factor * 10) / 10, direction: actual > expected ? 'under' : actual < expected ? 'over' : 'exact' };
  }
  const blocks = (key: string): number => numberOf(raw[key]) ?? 0;
  const hasBuffers = ['Shared Hit Blocks', 'Shared Read Blocks', 'Temp Read Blocks'].some((key) => key in raw);
  const conditions = CONDITION_KEYS.flatMap((key) => {
    const value = raw[key];
    if (value === undefined) return [];
    return [{ label: key, text: Array.isArray(value) ? value.map(String).join(', ') : String(value) }];
  });
  const removed = (numberOf(raw['Rows Removed by Filter']) ?? 0) + (numberOf(raw['Rows Removed by Join Filter']) ?? 0);
  const relation = raw['Relation Name'] ? `${raw.Schema ? `${raw.Schema}.` : ''}${raw['Relation Name']}` : undefined;
  const node: PlanNode = {
    id,
    depth,
    parentId,
    nodeType: raw['Node Type'],
    title: nodeTitle(raw),
    ...(relation ? { relation } : {}),
    ...(raw['Index Name'] ? { index: raw['Index Name'] } : {}),
    ...(raw['Parent Relationship'] ? { relationship: raw['Parent Relationship'] } : {}),
    ...(raw['Subplan Name'] ? { subplanName: raw['Subplan Name'] } : {}),
    startupCost: numberOf(raw['Startup Cost']) ?? 0,
    totalCost: numberOf(raw['Total Cost']) ?? 0,
    planRows,
    ...(analyzed ? { actual: { startupMs: numberOf(raw['Actual Startup Time']) ?? 0, totalMs: totalMs ?? 0, rows: actualRows ?? 0, loops } } : {}),
    neverExecuted,
    ...(inclusiveMs !== undefined ? { inclusiveMs: round(inclusiveMs), exclusiveMs: round(exclusiveMs ?? 0) } : {}),
    ...(misestimate ? { misestimate } : {}),
    ...(removed > 0 ? { rowsRemoved: removed * loops } : {}),
    loops,
    ...(planned !== undefined ? { workers: { planned, ...(launched !== undefined ? { launched } : {}) } } : {}),
    ...(hasBuffers
      ? {
          buffers: {
            sharedHit: blocks('Shared Hit Blocks'),
            sharedRead: blocks('Shared Read Blocks'),
            sharedDirtied: blocks('Shared Dirtied Blocks'),
            sharedWritten: blocks('Shared Written Blocks'),
            tempRead: blocks('Temp Read Blocks'),
            tempWritten: blocks('Temp Written Blocks'),
          },
        }
      : {}),
    conditions,
    children,
    raw: withoutChildren(raw),
  };
  state.nodes[id] = node;
  return node;
}

/** The node's own keys, without its children (kept in `children`). */
function withoutChildren(raw: RawPlanNode): Readonly<Record<string, unknown>> {
  const { Plans, ...own } = raw;
  return own;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Reads EXPLAIN (FORMAT JSON) output: the array PostgreSQL returns, one element of it, or a bare node. */
export function planFromJson(value: unknown): Plan {
  let document: unknown = value;
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document);
    } catch (error) {
      throw new PlanFormatError(`the plan is not valid JSON (${error instanceof Error ? error.message : String(error)}); paste the output of EXPLAIN (FORMAT JSON) or psql's text plan.`);
    }
  }
  if (Array.isArray(document)) document = document[0];
  if (isRecord(document) && !('Plan' in document) && 'Node Type' in document) document = { Plan: document };
  if (!isRecord(document) || !isRecord(document.Plan) || typeof document.Plan['Node Type'] !== 'string') {
    throw new PlanFormatError('this is not a PostgreSQL plan: expected the output of EXPLAIN (FORMAT JSON), an array holding an object with a "Plan" whose nodes have a "Node Type".');
  }
  checkNodes(document.Plan, 'Plan');
  const raw = document as unknown as RawPlan;
  const nodes: PlanNode[] = [];
  const root = build(raw.Plan, 0, undefined, 1, { nodes, cteTimes: new Map(), cteCharged: new Set() });
  const analyzed = root.actual !== undefined;
  return {
    root,
    nodes,
    analyzed,
    ...(numberOf(raw['Planning Time']) !== undefined ? { planningMs: raw['Planning Time'] } : {}),
    ...(numberOf(raw['Execution Time']) !== undefined ? { executionMs: raw['Execution Time'] } : {}),
    criticalPath: criticalPath(root, analyzed),
  };
}

/** Every node must have a type and its children must be a list: a broken plan is named where it breaks. */
function checkNodes(node: Record<string, unknown>, path: string): void {
  const stack: [Record<string, unknown>, string][] = [[node, path]];
  while (stack.length > 0) {
    const [current, where] = stack.pop() as [Record<string, unknown>, string];
    if (typeof current['Node Type'] !== 'string') throw new PlanFormatError(`the plan is broken at ${where}: a node without a "Node Type".`);
    if (current.Plans === undefined) continue;
    if (!Array.isArray(current.Plans)) throw new PlanFormatError(`the plan is broken at ${where}: "Plans" must be a list of nodes.`);
    current.Plans.forEach((child, index) => {
      if (!isRecord(child)) throw new PlanFormatError(`the plan is broken at ${where}.Plans[${index}]: not a node.`);
      stack.push([child, `${where}.Plans[${index}]`]);
    });
  }
}

/** From the root, the costliest child at each level: where the time (or the cost) goes. */
export function criticalPath(root: PlanNode, analyzed: boolean): number[] {
  const path: number[] = [];
  let node: PlanNode | undefined = root;
  const weight = (candidate: PlanNode): number => (analyzed ? (candidate.inclusiveMs ?? 0) : candidate.totalCost);
  while (node) {
    path.push(node.id);
    node = node.children.reduce<PlanNode | undefined>((best, child) => (!best || weight(child) > weight(best) ? child : best), undefined);
  }
  return path;
}
