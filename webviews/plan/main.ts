/**
 * The plan view: the node tree with time, rows against estimates, loops, buffers, cost and conditions;
 * the most expensive path highlighted; details of the selected node; search; collapsing. Everything is
 * built with DOM text nodes (never innerHTML), so names from the plan cannot become markup. Large plans
 * stay usable: children are rendered only when their parent is expanded, and long member lists (the
 * partitions of an Append) show their first members with a button for the rest.
 */
import { PLAN_COMPARE, PLAN_NODE_DETAILS, PLAN_RENDER_PNG, PLAN_SHOW, type ComparePlansParams, type NodeDetailsParams, type NodeDetailsResult, type PngResult, type RenderPngParams, type ShowPlanParams } from '../../src/shared/planProtocol';
import { formatPlanMs } from '../../src/shared/planFormat';
import { decodePlan, type PlanView as Plan, type PlanViewNode as PlanNode } from '../../src/shared/planWire';
import { HostBridge } from '../shared/bridge';

/** Children shown before a "show more" button, for nodes with many (Append over partitions). */
const FIRST_MEMBERS = 10;
/** Members each "Show more" adds. */
const MORE_MEMBERS = 200;
/** A node with more children than this starts collapsed in plans larger than LARGE_PLAN nodes. */
const MANY_CHILDREN = 20;
const LARGE_PLAN = 300;
const MISESTIMATE_FLAG = 10;

interface ViewState {
  plan: Plan;
  /** The host's number for this plan, to ask it about a node. */
  serial: number;
  /** What PostgreSQL wrote about each node asked for so far. */
  reported: Map<number, NodeDetailsResult>;
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

function moreButton(node: PlanNode, shown: number): HTMLElement {
  const more = element('button', 'more', `Show ${formatCount(Math.min(MORE_MEMBERS, node.children.length - shown))} more of ${formatCount(node.children.length - shown)} hidden`);
  more.dataset.more = String(node.id);
  return more;
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
    if (shown < node.children.length) list.append(moreButton(node, shown));
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
  panel.append(table);
  // Everything else PostgreSQL wrote about the node comes from the host (the plan came without it).
  const reported = element('table', 'reported');
  const known = state?.reported.get(node.id);
  if (known) fillReported(reported, known);
  else {
    reported.append(element('caption', 'hint', 'Asking for what PostgreSQL reported…'));
    void askReported(node.id);
  }
  panel.append(reported);
  return panel;
}

function fillReported(table: HTMLElement, reported: NodeDetailsResult): void {
  const rows = Object.entries(reported)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => {
      const row = element('tr');
      row.append(element('th', undefined, key), element('td', undefined, Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)));
      return row;
    });
  table.replaceChildren(...rows);
}

async function askReported(id: number): Promise<void> {
  const view = state;
  if (!view) return;
  const params: NodeDetailsParams = { serial: view.serial, id };
  let reported: NodeDetailsResult;
  try {
    reported = await bridge.request<NodeDetailsResult>(PLAN_NODE_DETAILS, params);
  } catch (error) {
    const table = state === view && view.selected === id ? document.querySelector('.details table.reported') : null;
    table?.replaceChildren(element('caption', 'hint', `PostgreSQL's report of this node is not available: ${error instanceof Error ? error.message : String(error)}.`));
    return;
  }
  view.reported.set(id, reported);
  const table = state === view && view.selected === id ? document.querySelector<HTMLElement>('.details table.reported') : null;
  if (table) fillReported(table, reported);
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

function header(params: ShowPlanParams, plan: Plan): HTMLElement {
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
        const index = parent.children.findIndex((child) => child.id === node?.id);
        if (index >= (state.shownMembers.get(parent.id) ?? FIRST_MEMBERS)) state.shownMembers.set(parent.id, index + 1);
        node = parent;
      }
    }
    count.textContent = state.query === '' ? '' : `${state.matches.size} ${state.matches.size === 1 ? 'match' : 'matches'}`;
    render();
    document.querySelector('.node-row.match')?.scrollIntoView({ block: 'nearest' });
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
  const plan = decodePlan(params.plan);
  const large = plan.nodes.length > LARGE_PLAN;
  state = {
    plan,
    serial: params.serial,
    reported: new Map(),
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
  root.replaceChildren(header(params, plan));
  render();
  document.body.dataset.rendered = String(plan.nodes.length);
}

/** Draws one node again where it is (after a toggle or "Show more"), leaving the rest of the tree as it is. */
function redrawNode(id: number, view: ViewState): void {
  const node = view.plan.nodes[id];
  const item = document.querySelector<HTMLElement>(`.node-row[data-id="${id}"]`)?.parentElement;
  if (!node || !item) return render();
  item.replaceWith(renderNode(node, view));
}

/** "Show more": the next members are added to the list in place of the button; nothing else is drawn again. */
function showMore(id: number, button: HTMLElement, view: ViewState): void {
  const node = view.plan.nodes[id];
  if (!node) return;
  const from = view.shownMembers.get(id) ?? FIRST_MEMBERS;
  const to = Math.min(node.children.length, from + MORE_MEMBERS);
  view.shownMembers.set(id, to);
  const added = node.children.slice(from, to).map((child) => renderNode(child, view));
  if (to < node.children.length) added.push(moreButton(node, to));
  button.replaceWith(...added);
}

/** Moves the selection: two rows change class and the details panel is drawn again. */
function select(id: number, view: ViewState): void {
  document.querySelector('.node-row.selected')?.classList.remove('selected');
  view.selected = id;
  document.querySelector(`.node-row[data-id="${id}"]`)?.classList.add('selected');
  const panel = document.querySelector('.details');
  if (panel) panel.replaceWith(details(view.plan.nodes[id]));
  else render();
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
    redrawNode(id, state);
  } else if (more?.dataset.more) {
    showMore(Number(more.dataset.more), more, state);
  } else if (row?.dataset.id) {
    select(Number(row.dataset.id), state);
  }
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
  const beforePlan = decodePlan(params.before);
  const afterPlan = decodePlan(params.after);
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
    const before = row.beforeId === undefined ? undefined : beforePlan.nodes[row.beforeId];
    const after = row.afterId === undefined ? undefined : afterPlan.nodes[row.afterId];
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

/** The longest side of an exported PNG, in pixels: twice the SVG's size, unless that would pass this. */
const PNG_MAX_SIDE = 16_384;

/** Draws the exported SVG on a canvas (twice its size, for sharp slides); the host gets the PNG as the reply. */
async function renderPng(params: RenderPngParams): Promise<PngResult> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(params.svg)}`;
  await image.decode();
  const width = image.naturalWidth;
  const height = image.naturalHeight;
  if (width === 0 || height === 0) throw new Error('the SVG has no size');
  const scale = Math.min(2, PNG_MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('the webview has no 2D canvas');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  const url = canvas.toDataURL('image/png');
  return { png: url.slice(url.indexOf(',') + 1) };
}

const bridge = new HostBridge((method, params) => {
  if (method === PLAN_SHOW) show(params as ShowPlanParams);
  if (method === PLAN_COMPARE) showComparison(params as ComparePlansParams);
}, (method, params) => (method === PLAN_RENDER_PNG ? renderPng(params as RenderPngParams) : Promise.reject(new Error(`unknown request ${method}`))));
