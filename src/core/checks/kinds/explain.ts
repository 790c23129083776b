/**
 * The `explain` check kind: asks PostgreSQL for a query's plan (EXPLAIN, without running the query)
 * and checks one property of it: an index is used on a table, a table is never read by a sequential
 * scan, or some node has a given type. Failures show the plan in a compact text form.
 */
import { outcome, type KindRunner } from '../types';
import { clientFor, hiddenQueryFailure, postgresErrorOf, queryText } from '../postgres/connection';
import { splitSqlStatements } from '../postgres/statements';
import { PlanFormatError, planFromJson, type Plan, type PlanNode } from '../../plans/planModel';

interface VisitedNode {
  readonly node: PlanNode;
  readonly depth: number;
  /** The table the node reads: its own, or for a Bitmap Index Scan the table of the Bitmap Heap Scan above it. */
  readonly table: string | undefined;
}

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);
const PLAN_LINES = 30;

function relationOf(node: PlanNode | undefined): string | undefined {
  const relation = node?.raw['Relation Name'];
  return typeof relation === 'string' ? relation : undefined;
}

/** Every node of the plan model's plan, depth first, with the table each one reads. */
export function planNodes(plan: Plan): VisitedNode[] {
  return plan.nodes.map((node) => {
    const parent = node.parentId === undefined ? undefined : plan.nodes[node.parentId];
    const heap = node.nodeType === 'Bitmap Index Scan' ? (parent?.nodeType === 'Bitmap Heap Scan' ? parent : parent?.parentId === undefined ? undefined : plan.nodes[parent.parentId]) : undefined;
    return { node, depth: node.depth, table: relationOf(node) ?? relationOf(heap) };
  });
}

/** The operation of a node as psql names it, without what it reads: `Parallel Seq Scan`, `HashAggregate`. */
function operationName(node: PlanNode): string {
  return node.title.split(' on ')[0]?.split(' using ')[0] ?? node.nodeType;
}

/** One node as psql would name it, with its cost: `Index Scan using orders_pkey on orders o (cost 0.29..8.30)`. */
export function describeNode(node: PlanNode): string {
  return `${node.title} (cost ${node.startupCost.toFixed(2)}..${node.totalCost.toFixed(2)})`;
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
  let plan: Plan;
  try {
    plan = planFromJson(planText ?? '[]');
  } catch (error) {
    if (error instanceof PlanFormatError) return outcome.couldNotRun('PostgreSQL returned no plan for the query');
    throw error;
  }
  const nodes = planNodes(plan);
  const actual = renderPlan(nodes);
  const expect = check.expect;

  if ('nodeType' in expect) {
    const wanted = expect.nodeType;
    const found = nodes.find(({ node }) => node.nodeType === wanted || operationName(node) === wanted);
    if (found) return outcome.passed(`the plan has a ${wanted} node: ${describeNode(found.node)}.`);
    const types = [...new Set(nodes.map(({ node }) => operationName(node)))];
    return outcome.failed(`the plan has no ${wanted} node; its nodes are ${joinAnd(types)}.`, { expected: `a ${wanted} node`, actual });
  }

  const table = 'usesIndexOn' in expect ? expect.usesIndexOn : expect.noSeqScanOn;
  const relation = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
  const onTable = nodes.filter((visited) => visited.table === relation);
  const listed = onTable.map(({ node }) => describeNode(node)).join(', ');

  if ('usesIndexOn' in expect) {
    const expected = `an Index Scan, Index Only Scan or Bitmap Index Scan on ${table}`;
    const indexed = onTable.filter(({ node }) => INDEX_SCANS.has(node.nodeType));
    if (indexed.length > 0) return outcome.passed(`the plan uses an index on ${table}: ${indexed.map(({ node }) => describeNode(node)).join(', ')}.`);
    if (onTable.length === 0) return outcome.failed(`the plan does not read ${table} at all.`, { expected, actual });
    return outcome.failed(`the plan does not use an index on ${table}: it reads it with ${listed}.`, { expected, actual });
  }

  const sequential = onTable.filter(({ node }) => node.nodeType === 'Seq Scan');
  if (sequential.length === 0) return outcome.passed(`the plan reads ${table} without a sequential scan.`);
  return outcome.failed(`the plan reads ${table} with a sequential scan: ${sequential.map(({ node }) => describeNode(node)).join(', ')}.`, {
    expected: `no Seq Scan on ${table}`,
    actual,
  });
};
