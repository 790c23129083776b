/**
 * The `explain` check kind: asks PostgreSQL for a query's plan (EXPLAIN, without running the query)
 * and checks one property of it: an index is used on a table, a table is never read by a sequential
 * scan, some node has a given type, or the plan's cost is below a fraction of a baseline's (another
 * query, or the same query without the table's own indexes). The query is the lab's, or the learner's
 * from a query file (learnerQuery.ts), and then failures point at it. Failures show the plan in a
 * compact text form.
 */
import type { Client } from 'pg';
import { outcome, type CheckContext, type CheckOf, type KindOutcome, type KindRunner } from '../types';
import { clientFor, hiddenQueryFailure, postgresErrorOf, queryRows, queryText } from '../postgres/connection';
import { splitSqlStatements } from '../postgres/statements';
import { learnerQueryFailure, readLearnerQuery, type LearnerQuery } from './learnerQuery';
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

const EXPLAIN = 'explain (format json) ';

/**
 * The plan of `query` (EXPLAIN without ANALYZE), or the outcome that says why there is none: an error
 * in the learner's query at its line, else one that does not show the lab's hidden query.
 */
async function explainPlan(client: Client, query: string, context: CheckContext, service: string, learner?: LearnerQuery): Promise<Plan | KindOutcome> {
  let planText: string | null | undefined;
  try {
    planText = (await queryText(client, `${EXPLAIN}${query}`, context.signal)).rows[0]?.[0];
  } catch (error) {
    const reported = postgresErrorOf(error);
    if (!reported || context.signal.aborted) throw error;
    return learner ? learnerQueryFailure(learner, reported, EXPLAIN.length) : hiddenQueryFailure(reported, context, service);
  }
  try {
    return planFromJson(planText ?? '[]');
  } catch (error) {
    if (error instanceof PlanFormatError) return outcome.couldNotRun('PostgreSQL returned no plan for the query');
    throw error;
  }
}

function isPlan(value: Plan | KindOutcome): value is Plan {
  return 'root' in value;
}

/** The indexes on `table` that no constraint owns (what a learner creates), schema-qualified and quoted. */
async function ownIndexes(client: Client, table: string, context: CheckContext): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    client,
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
      where i.indrelid = $1::text::regclass and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by c.relname`,
    [table],
    context.signal,
  );
  return rows.map((row) => row.name);
}

/** The baseline's plan: another query's, or this query's with the table's own indexes dropped in a transaction that is rolled back. */
async function baselinePlan(
  client: Client,
  query: string,
  baseline: { query: string } | { withoutIndexesOn: string },
  context: CheckContext,
  service: string,
  learner: LearnerQuery | undefined,
): Promise<{ plan: Plan; label: string } | KindOutcome> {
  if ('query' in baseline) {
    const plan = await explainPlan(client, splitSqlStatements(baseline.query).at(-1)?.text ?? baseline.query, context, service);
    return isPlan(plan) ? { plan, label: 'the baseline query' } : plan;
  }
  const table = baseline.withoutIndexesOn;
  await queryText(client, 'begin', context.signal);
  try {
    let indexes: string[];
    try {
      indexes = await ownIndexes(client, table, context);
    } catch (error) {
      const reported = postgresErrorOf(error);
      if (!reported || context.signal.aborted) throw error;
      return hiddenQueryFailure(reported, context, service);
    }
    if (indexes.length === 0) return outcome.failed(`${table} has no index besides its primary key and unique constraints: create the one this query needs.`);
    for (const index of indexes) await queryText(client, `drop index ${index}`, context.signal);
    const plan = await explainPlan(client, query, context, service, learner);
    return isPlan(plan) ? { plan, label: `the same query without ${indexes.join(', ')}` } : plan;
  } finally {
    await queryText(client, 'rollback', context.signal).catch(() => undefined);
  }
}

function percent(value: number): string {
  return `${(100 * value).toFixed(value < 0.1 ? 1 : 0)}%`;
}

/** Runs an `explain` check: one property of the query's plan; a failure on the learner's query points at it. */
export const runExplainCheck: KindRunner<'explain'> = async (check, context) => {
  let learner: LearnerQuery | undefined;
  if (check.queryFile !== undefined) {
    const found = await readLearnerQuery(check.queryFile, check.queryName, context);
    if ('status' in found) return found;
    learner = found;
  }
  const result = await explainOutcome(check, learner, context);
  if (!learner || result.status !== 'failed' || result.location) return result;
  return { ...result, location: { file: learner.file, line: learner.statement.line } };
};

async function explainOutcome(check: CheckOf<'explain'>, learner: LearnerQuery | undefined, context: CheckContext): Promise<KindOutcome> {
  const inline = check.query ?? '';
  const query = learner?.statement.text ?? splitSqlStatements(inline).at(-1)?.text ?? inline;
  const client = await clientFor(context, check.service);
  const plan = await explainPlan(client, query, context, check.service, learner);
  if (!isPlan(plan)) return plan;
  const nodes = planNodes(plan);
  const actual = renderPlan(nodes);
  const expect = check.expect;

  if ('costBelow' in expect) {
    const baseline = await baselinePlan(client, query, expect.baseline, context, check.service, learner);
    if (!('plan' in baseline)) return baseline;
    const cost = plan.root.totalCost;
    const baselineCost = baseline.plan.root.totalCost;
    const ratio = baselineCost > 0 ? cost / baselineCost : Number.POSITIVE_INFINITY;
    const facts = `the plan costs ${cost.toFixed(2)}, ${percent(ratio)} of ${baseline.label} (${baselineCost.toFixed(2)})`;
    if (ratio < expect.costBelow) return outcome.passed(`${facts}, below ${percent(expect.costBelow)}.`);
    return outcome.failed(`${facts}; it must be below ${percent(expect.costBelow)}.`, {
      expected: `a total cost below ${(expect.costBelow * baselineCost).toFixed(2)} (${percent(expect.costBelow)} of ${baselineCost.toFixed(2)})`,
      actual: `${actual}\n\n${baseline.label}:\n${renderPlan(planNodes(baseline.plan))}`,
    });
  }

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
}
