/**
 * psql's text plan (what EXPLAIN prints without FORMAT JSON, and what people paste) read into the same
 * raw form as FORMAT JSON, so one model serves both. Lines are nodes (`->  Seq Scan on t  (cost=...)`),
 * their properties (`Filter: ...`, `Buffers: shared hit=3`), subplan headers (`InitPlan 1`, `CTE big`,
 * `SubPlan 2`), per-worker lines (skipped), and the totals at the end.
 */
import { PlanFormatError, planFromJson, type Plan } from './planModel';

type MutableNode = Record<string, unknown> & { 'Node Type': string; Plans?: MutableNode[] };

const NODE_LINE =
  /^(?<indent>\s*)(?:->\s+)?(?<name>\S.*?)\s+\(cost=(?<startup>[\d.]+)\.\.(?<total>[\d.]+) rows=(?<rows>\d+) width=(?<width>\d+)\)(?:\s+\((?:actual time=(?<astart>[\d.]+)\.\.(?<atotal>[\d.]+) rows=(?<arows>\d+) loops=(?<loops>\d+)|(?<never>never executed))\))?\s*$/;
const AGGREGATE_STRATEGIES: Readonly<Record<string, string>> = { HashAggregate: 'Hashed', GroupAggregate: 'Sorted', MixedAggregate: 'Mixed' };
const JOIN_TYPES = ['Left', 'Right', 'Full', 'Semi', 'Anti', 'Right Semi', 'Right Anti'];
const NUMERIC_PROPERTIES = new Set(['Rows Removed by Filter', 'Rows Removed by Join Filter', 'Rows Removed by Index Recheck', 'Workers Planned', 'Workers Launched', 'Heap Fetches']);

/** The node's name split into the JSON fields: type, parallel, partial mode, strategy, join type, relation. */
function parseName(name: string): MutableNode {
  const node: MutableNode = { 'Node Type': name };
  let rest = name;
  if (rest.startsWith('Parallel ')) {
    node['Parallel Aware'] = true;
    rest = rest.slice('Parallel '.length);
  }
  const partial = /^(Partial|Finalize) /.exec(rest);
  if (partial) {
    node['Partial Mode'] = partial[1];
    rest = rest.slice(partial[0].length);
  }
  const target = / on (\S+)(?: (\S+))?$/.exec(rest);
  let head = target ? rest.slice(0, target.index) : rest;
  const using = / using (\S+)$/.exec(head);
  if (using) {
    node['Index Name'] = using[1];
    head = head.slice(0, using.index);
  }
  if (head.endsWith(' Backward')) {
    node['Scan Direction'] = 'Backward';
    head = head.slice(0, -' Backward'.length);
  }
  for (const joinType of JOIN_TYPES) {
    const nested = `Nested Loop ${joinType} Join`;
    if (head === nested) {
      node['Join Type'] = joinType;
      head = 'Nested Loop';
    } else if (head === `Hash ${joinType} Join` || head === `Merge ${joinType} Join`) {
      node['Join Type'] = joinType;
      head = head.replace(` ${joinType} Join`, ' Join');
    }
  }
  if (['Hash Join', 'Merge Join', 'Nested Loop'].includes(head) && !node['Join Type']) node['Join Type'] = 'Inner';
  if (['Insert', 'Update', 'Delete', 'Merge'].includes(head)) {
    node.Operation = head;
    head = 'ModifyTable';
  }
  const strategy = AGGREGATE_STRATEGIES[head];
  if (strategy) {
    node.Strategy = strategy;
    head = 'Aggregate';
  } else if (head === 'Aggregate') {
    node.Strategy = 'Plain';
  }
  node['Node Type'] = head;
  if (target) {
    const [object = '', alias] = [target[1], target[2]];
    if (head === 'Bitmap Index Scan') {
      node['Index Name'] = object;
    } else if (head === 'CTE Scan') {
      node['CTE Name'] = object;
      if (alias) node.Alias = alias;
    } else if (head === 'Function Scan') {
      node['Function Name'] = object;
      if (alias) node.Alias = alias;
    } else {
      const dot = object.lastIndexOf('.');
      if (dot > 0) node.Schema = object.slice(0, dot);
      node['Relation Name'] = dot > 0 ? object.slice(dot + 1) : object;
      node.Alias = alias ?? node['Relation Name'];
    }
  }
  return node;
}

function parseBuffers(text: string, node: MutableNode, prefix: 'Shared' | 'Temp' | 'Local'): void {
  for (const [, kind = '', value = ''] of text.matchAll(/(hit|read|dirtied|written)=(\d+)/g)) {
    node[`${prefix} ${kind[0]?.toUpperCase()}${kind.slice(1)} Blocks`] = Number(value);
  }
}

export function planFromText(text: string): Plan {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // psql's framing: the QUERY PLAN header, its dashes, the (N rows) footer, and a "+" at line ends.
  const body = lines
    .map((line) => line.replace(/\s*\+$/, ''))
    .filter((line) => !/^\s*QUERY PLAN\s*$/.test(line) && !/^\s*-+\s*$/.test(line) && !/^\(\d+ rows?\)$/.test(line.trim()) && line.trim() !== '');
  const stack: { indent: number; node: MutableNode }[] = [];
  let root: MutableNode | undefined;
  let rootIndent = Number.POSITIVE_INFINITY;
  let pending: { relationship: string; name: string; indent: number } | undefined;
  const totals: Record<string, number> = {};
  let inPlanning = false;
  // "Worker 0:  actual time=..." and the lines indented under it describe one worker, not the node.
  let workerIndent: number | undefined;
  for (const line of body) {
    const lineIndent = line.length - line.trimStart().length;
    if (workerIndent !== undefined && lineIndent > workerIndent) continue;
    workerIndent = undefined;
    if (/^\s*Worker \d+:/.test(line)) {
      workerIndent = lineIndent;
      continue;
    }
    const totalsMatch = /^(Planning|Execution) Time: ([\d.]+) ms$/.exec(line.trim());
    if (totalsMatch && lineIndent <= rootIndent) {
      totals[`${totalsMatch[1]} Time`] = Number(totalsMatch[2]);
      continue;
    }
    if (/^Planning:$/.test(line)) {
      inPlanning = true;
      continue;
    }
    const match = NODE_LINE.exec(line);
    if (match?.groups) {
      inPlanning = false;
      const groups = match.groups;
      // The text after "->" starts at indent + 4; a child's properties are indented past it.
      const arrow = line.indexOf('->');
      const indent = arrow >= 0 ? arrow : (groups.indent ?? '').length;
      const node = parseName(groups.name ?? '');
      node['Startup Cost'] = Number(groups.startup);
      node['Total Cost'] = Number(groups.total);
      node['Plan Rows'] = Number(groups.rows);
      node['Plan Width'] = Number(groups.width);
      if (groups.atotal !== undefined) {
        node['Actual Startup Time'] = Number(groups.astart);
        node['Actual Total Time'] = Number(groups.atotal);
        node['Actual Rows'] = Number(groups.arows);
        node['Actual Loops'] = Number(groups.loops);
      } else if (groups.never) {
        node['Actual Startup Time'] = 0;
        node['Actual Total Time'] = 0;
        node['Actual Rows'] = 0;
        node['Actual Loops'] = 0;
      }
      if (pending && pending.indent < indent) {
        node['Parent Relationship'] = pending.relationship;
        node['Subplan Name'] = pending.name;
      }
      pending = undefined;
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      const parent = stack[stack.length - 1]?.node;
      if (!parent) {
        if (root) throw new PlanFormatError(`the text plan has two roots: "${line.trim()}" is not indented under the first node.`);
        root = node;
        rootIndent = indent;
      } else {
        const sides = (parent.Plans ?? []).filter((child) => child['Parent Relationship'] === 'Outer' || child['Parent Relationship'] === 'Inner').length;
        node['Parent Relationship'] ??= parent['Node Type'] === 'Append' || parent['Node Type'] === 'Merge Append' ? 'Member' : sides === 0 ? 'Outer' : 'Inner';
        (parent.Plans ??= []).push(node);
      }
      stack.push({ indent, node });
      continue;
    }
    if (inPlanning || !root) {
      if (!root && line.trim() !== '') throw new PlanFormatError(`this is not a PostgreSQL plan: the first line should be a node with its (cost=...), not "${line.trim().slice(0, 80)}".`);
      continue;
    }
    const subplan = /^(\s*)((InitPlan|SubPlan) \d+|CTE \S+)(?: \(returns .*\))?$/.exec(line);
    if (subplan) {
      const name = subplan[2] ?? '';
      pending = { relationship: name.startsWith('SubPlan') ? 'SubPlan' : 'InitPlan', name, indent: (subplan[1] ?? '').length };
      continue;
    }
    const current = stack[stack.length - 1]?.node;
    const property = /^\s*([A-Z][A-Za-z -]*?):\s+(.*)$/.exec(line);
    if (!current || !property) continue;
    const [, key = '', value = ''] = property;
    if (key === 'Buffers') {
      for (const part of value.split(',')) {
        const kind = /^\s*(shared|temp|local)/.exec(part)?.[1];
        if (kind) parseBuffers(part, current, kind === 'shared' ? 'Shared' : kind === 'temp' ? 'Temp' : 'Local');
      }
    } else if (NUMERIC_PROPERTIES.has(key) && /^\d+$/.test(value.trim())) {
      current[key] = Number(value.trim());
    } else if (key === 'Sort Key' || key === 'Group Key' || key === 'Output' || key === 'Presorted Key') {
      current[key] = value.split(/, (?![^(]*\))/);
    } else if (!(key in current)) {
      current[key] = value;
    }
  }
  if (!root) throw new PlanFormatError('this is not a PostgreSQL plan: no line with a node and its (cost=...) was found.');
  return planFromJson({ Plan: root, ...totals });
}

/** Reads a plan pasted or saved in either format: JSON when it starts with [ or {, psql's text otherwise. */
export function parsePlan(text: string): Plan {
  const trimmed = text.trim();
  if (trimmed === '') throw new PlanFormatError('the plan is empty: paste the output of EXPLAIN (FORMAT JSON) or psql\'s text plan.');
  return trimmed.startsWith('[') || trimmed.startsWith('{') ? planFromJson(trimmed) : planFromText(text);
}
