/**
 * The plan view: the node tree with time, rows against estimates, loops, buffers, cost and conditions;
 * the most expensive path highlighted; details of the selected node; search; collapsing. Everything is
 * built with DOM text nodes (never innerHTML), so names from the plan cannot become markup. Large plans
 * stay usable: children are rendered only when their parent is expanded, and long member lists (the
 * partitions of an Append) show their first members with a button for the rest.
 */
import type { Plan, PlanNode } from '../../src/shared/plan';
import { PLAN_COMPARE, PLAN_SHOW, type ComparePlansParams, type ShowPlanParams } from '../../src/shared/planProtocol';
import { formatPlanMs } from '../../src/shared/planFormat';
import { HostBridge } from '../shared/bridge';

/** Children shown before a "show more" button, for nodes with many (Append over partitions). */
const FIRST_MEMBERS = 10;
/** A node with more children than this starts collapsed in plans larger than LARGE_PLAN nodes. */
const MANY_CHILDREN = 20;
const LARGE_PLAN = 300;
const MISESTIMATE_FLAG = 10;

interface ViewState {
  plan: Plan;
  critical: Set<number>;
  expanded: Set<number>;
  shownMembers: Map<number, number>;
  selected: number | undefined;
  query: string;
  matches: Set<number>;
}

let state: ViewState | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

function totalTime(plan: Plan): number {
  return plan.executionMs ?? plan.root.inclusiveMs ?? 0;
}

/** The row of one node: title, share of time, rows against estimate, loops, cost. */
function nodeRow(node: PlanNode, view: ViewState): HTMLElement {
  const row = element('div', 'node-row');
  row.dataset.id = String(node.id);
  row.setAttribute('role', 'treeitem');
  row.tabIndex = -1;
  if (view.critical.has(node.id)) row.classList.add('critical');
  if (view.selected === node.id) row.classList.add('selected');
  if (view.matches.has(node.id)) row.classList.add('match');
  if (node.neverExecuted) row.classList.add('never');

  const toggle = element('button', 'toggle', node.children.length === 0 ? '' : view.expanded.has(node.id) ? '▾' : '▸');
  toggle.disabled = node.children.length === 0;
  toggle.setAttribute('aria-label', view.expanded.has(node.id) ? 'Collapse' : 'Expand');
  toggle.dataset.toggle = String(node.id);
  row.append(toggle);

  if (node.relationship && ['InitPlan', 'SubPlan'].includes(node.relationship)) row.append(element('span', 'subplan', node.subplanName ?? node.relationship));
  row.append(element('span', 'title', node.title));

  const total = totalTime(view.plan);
  if (node.exclusiveMs !== undefined && total > 0) {
    const share = (100 * node.exclusiveMs) / total;
    const time = element('span', `time${share >= 50 ? ' hot' : share >= 20 ? ' warm' : ''}`, `${formatPlanMs(node.exclusiveMs)} (${share.toFixed(1)}%)`);
    time.title = `Exclusive ${formatPlanMs(node.exclusiveMs)}; inclusive ${formatPlanMs(node.inclusiveMs ?? 0)}`;
    const bar = element('span', 'bar');
    bar.style.width = `${Math.min(100, share).toFixed(1)}%`;
    time.append(bar);
    row.append(time);
  }
  if (node.actual) {
    row.append(element('span', 'rows', `${formatCount(node.actual.rows * node.loops)} of ${formatCount(node.planRows * node.loops)} rows`));
    const misestimate = node.misestimate;
    if (misestimate && misestimate.factor >= MISESTIMATE_FLAG) {
      const badge = element('span', `misestimate ${misestimate.direction}`, `${misestimate.direction === 'under' ? '▲' : '▼'} ×${formatCount(misestimate.factor)}`);
      badge.title = misestimate.direction === 'under' ? `${misestimate.factor} times more rows than estimated` : `${misestimate.factor} times fewer rows than estimated`;
      row.append(badge);
    }
    if (node.loops > 1) row.append(element('span', 'loops', `× ${formatCount(node.loops)} loops`));
  } else {
    row.append(element('span', 'rows', `${formatCount(node.planRows)} rows (est.)`));
  }
  row.append(element('span', 'cost', `cost ${node.totalCost.toFixed(2)}`));
  return row;
}

function renderNode(node: PlanNode, view: ViewState): HTMLElement {
  const item = element('li', 'node');
  item.append(nodeRow(node, view));
  for (const condition of node.conditions.filter((entry) => entry.label !== 'Output')) {
    item.append(element('div', 'condition', `${condition.label}: ${condition.text}`));
  }
  if (node.children.length > 0 && view.expanded.has(node.id)) {
    const list = element('ul', 'children');
    list.setAttribute('role', 'group');
    const shown = view.shownMembers.get(node.id) ?? (node.children.length > MANY_CHILDREN ? FIRST_MEMBERS : node.children.length);
    for (const child of node.children.slice(0, shown)) list.append(renderNode(child, view));
    if (shown < node.children.length) {
      const more = element('button', 'more', `Show ${formatCount(node.children.length - shown)} more of ${formatCount(node.children.length)}`);
      more.dataset.more = String(node.id);
      list.append(more);
    }
    item.append(list);
  }
  return item;
}

function details(node: PlanNode | undefined): HTMLElement {
  const panel = element('aside', 'details');
  panel.setAttribute('aria-label', 'Node details');
  if (!node) {
    panel.append(element('p', 'hint', 'Select a node to see everything PostgreSQL reported about it.'));
    return panel;
  }
  panel.append(element('h2', undefined, node.title));
  const table = element('table');
  const add = (label: string, value: string): void => {
    const row = element('tr');
    row.append(element('th', undefined, label), element('td', undefined, value));
    table.append(row);
  };
  if (node.inclusiveMs !== undefined) add('Time', `${formatPlanMs(node.exclusiveMs ?? 0)} in the node, ${formatPlanMs(node.inclusiveMs)} with its children`);
  if (node.actual) add('Rows', `${formatCount(node.actual.rows)} per loop × ${formatCount(node.loops)} loops (estimated ${formatCount(node.planRows)} per loop)`);
  if (node.misestimate) add('Estimate', node.misestimate.direction === 'exact' ? 'exact' : `${node.misestimate.factor}× ${node.misestimate.direction === 'under' ? 'under' : 'over'}estimated`);
  add('Cost', `${node.startupCost.toFixed(2)} to start, ${node.totalCost.toFixed(2)} in all`);
  if (node.buffers) add('Buffers', `shared hit ${node.buffers.sharedHit}, read ${node.buffers.sharedRead}, dirtied ${node.buffers.sharedDirtied}, written ${node.buffers.sharedWritten}; temp read ${node.buffers.tempRead}, written ${node.buffers.tempWritten}`);
  if (node.rowsRemoved !== undefined) add('Rows removed', formatCount(node.rowsRemoved));
  for (const [key, value] of Object.entries(node.raw)) {
    if (value === undefined || value === null) continue;
    add(key, Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  panel.append(table);
  return panel;
}

function render(): void {
  const view = state;
  const root = document.getElementById('root');
  if (!view || !root) return;
  const scroll = document.querySelector('.tree')?.scrollTop ?? 0;
  const tree = element('ul', 'tree');
  tree.setAttribute('role', 'tree');
  tree.append(renderNode(view.plan.root, view));
  const main = element('div', 'main');
  main.append(tree, details(view.selected === undefined ? undefined : view.plan.nodes[view.selected]));
  root.querySelector('.main')?.remove();
  root.append(main);
  tree.scrollTop = scroll;
}

function header(params: ShowPlanParams): HTMLElement {
  const plan = params.plan;
  const head = element('header');
  head.append(element('h1', undefined, params.title));
  const facts: string[] = [`${formatCount(plan.nodes.length)} nodes`];
  if (plan.executionMs !== undefined) facts.push(`execution ${formatPlanMs(plan.executionMs)}`);
  if (plan.planningMs !== undefined) facts.push(`planning ${formatPlanMs(plan.planningMs)}`);
  if (!plan.analyzed) facts.push('estimates only (not analyzed)');
  const flagged = plan.nodes.filter((node) => (node.misestimate?.factor ?? 0) >= MISESTIMATE_FLAG).length;
  if (flagged > 0) facts.push(`${flagged} misestimated ${flagged === 1 ? 'node' : 'nodes'}`);
  head.append(element('p', 'facts', facts.join(' · ')));
  if (params.sql) head.append(element('pre', 'sql', params.sql));
  const tools = element('div', 'tools');
  const search = element('input', 'search');
  search.type = 'search';
  search.placeholder = 'Search nodes, tables, conditions';
  search.setAttribute('aria-label', 'Search the plan');
  const count = element('span', 'match-count');
  search.addEventListener('input', () => {
    if (!state) return;
    state.query = search.value.trim().toLowerCase();
    state.matches = new Set(
      state.query === ''
        ? []
        : state.plan.nodes
            .filter((node) => `${node.title} ${node.conditions.map((entry) => entry.text).join(' ')}`.toLowerCase().includes(state?.query ?? ''))
            .map((node) => node.id),
    );
    // Show every match: expand its ancestors and the members up to it.
    for (const id of state.matches) {
      let node = state.plan.nodes[id];
      while (node?.parentId !== undefined) {
        const parent = state.plan.nodes[node.parentId];
        if (!parent) break;
        state.expanded.add(parent.id);
        const index = parent.children.indexOf(node);
        if (index >= (state.shownMembers.get(parent.id) ?? FIRST_MEMBERS)) state.shownMembers.set(parent.id, index + 1);
        node = parent;
      }
    }
    count.textContent = state.query === '' ? '' : `${state.matches.size} ${state.matches.size === 1 ? 'match' : 'matches'}`;
    render();
  });
  const expandAll = element('button', undefined, 'Expand all');
  expandAll.addEventListener('click', () => {
    if (!state) return;
    for (const node of state.plan.nodes) if (node.children.length > 0) state.expanded.add(node.id);
    render();
  });
  const collapseAll = element('button', undefined, 'Collapse all');
  collapseAll.addEventListener('click', () => {
    if (!state) return;
    state.expanded = new Set([state.plan.root.id]);
    render();
  });
  tools.append(search, count, expandAll, collapseAll);
  head.append(tools);
  return head;
}

function show(params: ShowPlanParams): void {
  const plan = params.plan;
  const large = plan.nodes.length > LARGE_PLAN;
  state = {
    plan,
    critical: new Set(plan.criticalPath),
    // Everything open, except (in large plans) nodes with many children: their members wait for a click.
    expanded: new Set(plan.nodes.filter((node) => node.children.length > 0 && !(large && node.children.length > MANY_CHILDREN && !plan.criticalPath.includes(node.id))).map((node) => node.id)),
    shownMembers: new Map(),
    selected: plan.criticalPath[plan.criticalPath.length - 1],
    query: '',
    matches: new Set(),
  };
  const root = document.getElementById('root');
  if (!root) return;
  root.replaceChildren(header(params));
  render();
  document.body.dataset.rendered = String(plan.nodes.length);
}

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement | null;
  if (!state || !target) return;
  const toggle = target.closest<HTMLElement>('[data-toggle]');
  const more = target.closest<HTMLElement>('[data-more]');
  const row = target.closest<HTMLElement>('.node-row');
  if (toggle?.dataset.toggle) {
    const id = Number(toggle.dataset.toggle);
    if (state.expanded.has(id)) state.expanded.delete(id);
    else state.expanded.add(id);
  } else if (more?.dataset.more) {
    const id = Number(more.dataset.more);
    const node = state.plan.nodes[id];
    state.shownMembers.set(id, Math.min(node?.children.length ?? 0, (state.shownMembers.get(id) ?? FIRST_MEMBERS) + 200));
  } else if (row?.dataset.id) {
    state.selected = Number(row.dataset.id);
  } else {
    return;
  }
  render();
});


function timeCell(node: PlanNode | undefined): string {
  if (!node) return '';
  return node.inclusiveMs !== undefined ? formatPlanMs(node.inclusiveMs) : `cost ${node.totalCost.toFixed(2)}`;
}

function rowsCell(node: PlanNode | undefined): string {
  if (!node) return '';
  return node.actual ? `${formatCount(node.actual.rows * node.loops)} rows` : `${formatCount(node.planRows)} rows (est.)`;
}

/** Two plans, row by matched row (what each node was and became), what changed marked and summarised above. */
function showComparison(params: ComparePlansParams): void {
  state = undefined;
  const root = document.getElementById('root');
  if (!root) return;
  const head = element('header');
  head.append(element('h1', undefined, 'Compare plans'));
  head.append(element('p', 'facts', `Before: ${params.beforeLabel}`), element('p', 'facts', `After: ${params.afterLabel}`));
  const summary = element('ul', 'summary');
  for (const line of params.summary) summary.append(element('li', undefined, line));
  head.append(summary);
  const table = element('table', 'compare');
  const headRow = element('tr');
  for (const title of ['Node (before → after)', 'Time', 'Rows', 'Change']) headRow.append(element('th', undefined, title));
  table.append(headRow);
  const pair = (before: string, after: string): string => (before === after ? before : `${before || '–'} → ${after || '–'}`);
  for (const row of params.rows) {
    const before = row.beforeId === undefined ? undefined : params.before.nodes[row.beforeId];
    const after = row.afterId === undefined ? undefined : params.after.nodes[row.afterId];
    const line = element('tr', `compare-row ${row.kind}${row.typeChanged ? ' changed' : ''}`);
    const title = element('td', 'title', row.kind === 'matched' ? pair(before?.title ?? '', after?.title ?? '') : (before ?? after)?.title ?? '');
    title.style.paddingLeft = `${row.depth * 14 + 4}px`;
    let change = row.kind === 'added' ? 'new' : row.kind === 'removed' ? 'gone' : row.typeChanged ? 'changed' : '';
    if (row.kind === 'matched' && before?.inclusiveMs !== undefined && after?.inclusiveMs !== undefined && before.inclusiveMs > 0 && after.inclusiveMs > 0) {
      const factor = before.inclusiveMs / after.inclusiveMs;
      if (factor >= 1.5) change = `${change ? `${change}, ` : ''}${factor.toFixed(1)}× faster`;
      else if (factor <= 1 / 1.5) change = `${change ? `${change}, ` : ''}${(1 / factor).toFixed(1)}× slower`;
    }
    line.append(title, element('td', 'num', pair(timeCell(before), timeCell(after))), element('td', 'num', pair(rowsCell(before), rowsCell(after))), element('td', 'change', change));
    table.append(line);
  }
  root.replaceChildren(head, table);
  document.body.dataset.rendered = `compare:${params.rows.length}`;
}

new HostBridge((method, params) => {
  if (method === PLAN_SHOW) show(params as ShowPlanParams);
  if (method === PLAN_COMPARE) showComparison(params as ComparePlansParams);
});
