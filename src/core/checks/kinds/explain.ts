/**
 * The `explain` check kind: asks PostgreSQL for a query's plan (EXPLAIN, without running the query)
 * and checks one property of it: an index is used on a table, a table is never read by a sequential
 * scan, or some node has a given type. Failures show the plan in a compact text form.
 */
import { outcome, type KindRunner } from '../types';
import { clientFor, hiddenQueryFailure, postgresErrorOf, queryText } from '../postgres/connection';
import { splitSqlStatements } from '../postgres/statements';

/** The fields of an EXPLAIN (FORMAT JSON) node this kind reads. */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly Alias?: string;
  readonly 'Index Name'?: string;
  readonly 'CTE Name'?: string;
  readonly 'Function Name'?: string;
  readonly Strategy?: string;
  readonly 'Parallel Aware'?: boolean;
  readonly 'Startup Cost'?: number;
  readonly 'Total Cost'?: number;
  readonly Plans?: readonly PlanNode[];
}

interface VisitedNode {
  readonly node: PlanNode;
  readonly depth: number;
  /** The table the node reads: its own, or for a Bitmap Index Scan the table of the Bitmap Heap Scan above it. */
  readonly table: string | undefined;
}

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);
const PLAN_LINES = 30;
const AGGREGATE_NAMES: Readonly<Record<string, string>> = { Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' };

function visit(node: PlanNode, depth: number, heapTable: string | undefined, into: VisitedNode[]): void {
  const own = node['Relation Name'];
  const table = own ?? (node['Node Type'] === 'Bitmap Index Scan' ? heapTable : undefined);
  into.push({ node, depth, table });
  const below = node['Node Type'] === 'Bitmap Heap Scan' ? own : heapTable;
  for (const child of node.Plans ?? []) visit(child, depth + 1, below, into);
}

/** Every node of the plan, depth first, with the table each one reads. */
export function planNodes(plan: PlanNode): VisitedNode[] {
  const nodes: VisitedNode[] = [];
  visit(plan, 0, undefined, nodes);
  return nodes;
}

/** The name psql's text format gives a node (HashAggregate for a hashed Aggregate, say). */
function textName(node: PlanNode): string {
  const type = node['Node Type'];
  const name = type === 'Aggregate' && node.Strategy !== undefined ? (AGGREGATE_NAMES[node.Strategy] ?? type) : type;
  return node['Parallel Aware'] ? `Parallel ${name}` : name;
}

function cost(node: PlanNode): string {
  const startup = node['Startup Cost'];
  const total = node['Total Cost'];
  return startup === undefined || total === undefined ? '' : ` (cost ${startup.toFixed(2)}..${total.toFixed(2)})`;
}

/** One node as psql would name it: `Index Scan using orders_pkey on orders o (cost 0.29..8.30)`. */
export function describeNode(node: PlanNode): string {
  const relation = node['Relation Name'];
  const alias = node.Alias !== undefined && node.Alias !== relation ? ` ${node.Alias}` : '';
  const index = node['Index Name'];
  let text = textName(node);
  if (node['Node Type'] === 'Bitmap Index Scan' && index !== undefined) text += ` on ${index}`;
  else if (index !== undefined) text += ` using ${index}`;
  if (relation !== undefined) text += ` on ${relation}${alias}`;
  else if (node['CTE Name'] !== undefined) text += ` on ${node['CTE Name']}${alias}`;
  else if (node['Function Name'] !== undefined) text += ` on ${node['Function Name']}${alias}`;
  return text + cost(node);
}

/** The plan as indented lines, at most PLAN_LINES of them. */
export function renderPlan(nodes: readonly VisitedNode[]): string {
  const lines = nodes.slice(0, PLAN_LINES).map(({ node, depth }) => `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${describeNode(node)}`);
  if (nodes.length > PLAN_LINES) lines.push(`… and ${nodes.length - PLAN_LINES} more nodes`);
  return lines.join('\n');
}

function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

/** Runs an `explain` check: one property of the query's plan. */
export const runExplainCheck: KindRunner<'explain'> = async (check, context) => {
  const query = splitSqlStatements(check.query).at(-1)?.text ?? check.query;
  const client = await clientFor(context, check.service);
  let planText: string | null | undefined;
  try {
    planText = (await queryText(client, `explain (format json) ${query}`, context.signal)).rows[0]?.[0];
  } catch (error) {
    const reported = postgresErrorOf(error);
    if (!reported || context.signal.aborted) throw error;
    return hiddenQueryFailure(reported, context, check.service);
  }
  const plan = (JSON.parse(planText ?? '[]') as Array<{ Plan?: PlanNode }>)[0]?.Plan;
  if (!plan) return outcome.couldNotRun('PostgreSQL returned no plan for the query');
  const nodes = planNodes(plan);
  const actual = renderPlan(nodes);
  const expect = check.expect;

  if ('nodeType' in expect) {
    const wanted = expect.nodeType;
    const found = nodes.find(({ node }) => node['Node Type'] === wanted || textName(node) === wanted);
    if (found) return outcome.passed(`the plan has a ${wanted} node: ${describeNode(found.node)}.`);
    const types = [...new Set(nodes.map(({ node }) => textName(node)))];
    return outcome.failed(`the plan has no ${wanted} node; its nodes are ${joinAnd(types)}.`, { expected: `a ${wanted} node`, actual });
  }

  const table = 'usesIndexOn' in expect ? expect.usesIndexOn : expect.noSeqScanOn;
  const relation = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
  const onTable = nodes.filter((visited) => visited.table === relation);
  const listed = onTable.map(({ node }) => describeNode(node)).join(', ');

  if ('usesIndexOn' in expect) {
    const expected = `an Index Scan, Index Only Scan or Bitmap Index Scan on ${table}`;
    const indexed = onTable.filter(({ node }) => INDEX_SCANS.has(node['Node Type']));
    if (indexed.length > 0) return outcome.passed(`the plan uses an index on ${table}: ${indexed.map(({ node }) => describeNode(node)).join(', ')}.`);
    if (onTable.length === 0) return outcome.failed(`the plan does not read ${table} at all.`, { expected, actual });
    return outcome.failed(`the plan does not use an index on ${table}: it reads it with ${listed}.`, { expected, actual });
  }

  const sequential = onTable.filter(({ node }) => node['Node Type'] === 'Seq Scan');
  if (sequential.length === 0) return outcome.passed(`the plan reads ${table} without a sequential scan.`);
  return outcome.failed(`the plan reads ${table} with a sequential scan: ${sequential.map(({ node }) => describeNode(node)).join(', ')}.`, {
    expected: `no Seq Scan on ${table}`,
    actual,
  });
};
