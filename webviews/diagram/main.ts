/**
 * The diagram view: ER diagrams of a lab's schema (from its DDL files or its live database) and previews
 * of the mermaid diagrams a learner writes. mermaid draws; this view adds pan and zoom, search, focus and
 * groups, the drift between files and database, problems with the last good diagram kept, a click on a
 * table to open its CREATE TABLE, and export. Names only ever reach the page as text: the host writes
 * them into mermaid's quoted strings, mermaid (securityLevel strict) sanitises its labels, and this view
 * builds its own elements with textContent.
 */
import elkLayouts from '@mermaid-js/layout-elk';
import mermaid from 'mermaid';
import {
  DIAGRAM_EXPORT,
  DIAGRAM_RENDERED,
  DIAGRAM_REVEAL_PROBLEM,
  DIAGRAM_SHOW,
  DIAGRAM_SVG,
  ER_REFRESH,
  ER_REVEAL_TABLE,
  ER_SET_SOURCE,
  ER_SET_VIEW,
  layoutFor,
  type DiagramShowParams,
  type DiagramToDraw,
  type ErRenderer,
  type ErView,
  type ExportParams,
  type RenderedParams,
  type RevealProblemParams,
  type RevealTableParams,
  type SetSourceParams,
  type SetViewParams,
  type SvgResult,
} from '../../src/shared/erProtocol';
import { mermaidParseError } from '../../src/shared/mermaidText';
import { HostBridge } from '../shared/bridge';
import { exportSvg, importSvg, routeStyleAttributesThroughCssom } from './cspStyles';
import { drawEr, ER_STYLES, exportStyles } from './erRenderer';
import { PanZoom } from './panZoom';
import { currentTheme } from './theme';

const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
routeStyleAttributesThroughCssom(nonce);
mermaid.registerLayoutLoaders(elkLayouts);
// The ER renderer's stylesheet, allowed by the page's nonce (the patched createElement gives it).
const erStyles = document.createElement('style');
erStyles.textContent = ER_STYLES;
document.head.append(erStyles);
/** mermaid's entity elements are `<render id>-entity-<entity id>-<n>`. */
const ENTITY_ID = /-entity-(t\d+)-\d+$/;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, action: string, title: string): HTMLButtonElement {
  const node = element('button', 'tool', label);
  node.dataset.action = action;
  node.title = title;
  node.setAttribute('aria-label', title);
  return node;
}

// The page's frame, built once; each show fills it.
const title = element('h1', 'title');
const sourceGroup = element('span', 'er-only source');
sourceGroup.setAttribute('role', 'group');
sourceGroup.setAttribute('aria-label', 'Read the schema from');
const fromDdl = button('DDL files', 'source-ddl', 'Read the schema from the lab\'s SQL files');
const fromDatabase = button('Database', 'source-database', 'Read the schema from the lab\'s running database');
sourceGroup.append(fromDdl, fromDatabase);
const groupSelect = element('select', 'er-only group');
groupSelect.setAttribute('aria-label', 'Show which tables');
const focusSelect = element('select', 'er-only focus');
focusSelect.setAttribute('aria-label', 'Focus on a table');
const hopsSelect = element('select', 'er-only hops');
hopsSelect.setAttribute('aria-label', 'Foreign keys around the focused table');
for (const hops of [1, 2, 3]) {
  const option = element('option', undefined, `${hops} hop${hops === 1 ? '' : 's'}`);
  option.value = String(hops);
  hopsSelect.append(option);
}
const rendererSelect = element('select', 'er-only renderer');
rendererSelect.setAttribute('aria-label', 'Who draws the diagram');
for (const [value, label] of [['builtin', 'Drawn by Data Labs'], ['mermaid', 'Drawn by mermaid']] as const) {
  const option = element('option', undefined, label);
  option.value = value;
  rendererSelect.append(option);
}
const search = element('input', 'search');
search.type = 'search';
search.placeholder = 'Search tables and columns';
search.setAttribute('aria-label', 'Search tables and columns');
const tools = element('div', 'tools');
tools.append(
  sourceGroup,
  groupSelect,
  focusSelect,
  hopsSelect,
  rendererSelect,
  search,
  button('−', 'zoom-out', 'Zoom out (-)'),
  button('+', 'zoom-in', 'Zoom in (+)'),
  button('Fit', 'fit', 'Fit the diagram in the view (0)'),
  button('1:1', 'actual', 'Actual size'),
  button('SVG', 'export-svg', 'Export the diagram as SVG'),
  button('Markdown', 'export-markdown', 'Export the diagram as Markdown with a mermaid block'),
  button('↻', 'refresh', 'Read the files and the database again'),
);
const header = element('header', 'toolbar');
header.append(title, tools);
const problems = element('section', 'problems');
problems.setAttribute('role', 'alert');
problems.hidden = true;
const drift = element('details', 'drift');
drift.hidden = true;
const driftNote = element('p', 'drift-note');
driftNote.hidden = true;
const status = element('p', 'status');
status.setAttribute('aria-live', 'polite');
const viewport = element('div', 'viewport');
viewport.tabIndex = 0;
viewport.setAttribute('aria-label', 'Diagram: drag to pan, the wheel to zoom');
const stage = element('div', 'stage');
viewport.append(stage);
const empty = element('p', 'empty');
empty.hidden = true;
document.getElementById('root')?.replaceChildren(header, problems, drift, driftNote, status, empty, viewport);

const panZoom = new PanZoom(viewport, stage);

interface ViewState {
  params: DiagramShowParams;
  /** The diagrams last drawn without error for the subject on show, by index. */
  lastGood: Map<number, SVGSVGElement>;
  searchMatches: Element[];
  matchIndex: number;
}

let state: ViewState | undefined;
/** The renderer the learner picked in this view; until then, the one the settings say. */
let chosenRenderer: ErRenderer | undefined;

function rendererOf(params: DiagramShowParams): ErRenderer {
  return params.er ? (chosenRenderer ?? params.er.renderer) : 'mermaid';
}
/** Each render takes the next number; a render that finds a newer one started gives way to it. */
let generation = 0;

function tableViews(params: DiagramShowParams): void {
  const er = params.er;
  for (const node of document.querySelectorAll<HTMLElement>('.er-only')) node.hidden = !er;
  header.querySelector<HTMLButtonElement>('[data-action="export-markdown"]')?.toggleAttribute('hidden', !er);
  header.querySelector<HTMLButtonElement>('[data-action="refresh"]')?.toggleAttribute('hidden', !er);
  if (!er) return;
  fromDdl.classList.toggle('on', er.source === 'ddl');
  fromDatabase.classList.toggle('on', er.source === 'database');
  fromDdl.setAttribute('aria-pressed', String(er.source === 'ddl'));
  fromDatabase.setAttribute('aria-pressed', String(er.source === 'database'));
  fromDatabase.disabled = !er.databaseAvailable;
  const all = element('option', undefined, `All ${er.tables.length} tables`);
  all.value = 'all';
  const groups = er.groups.map((group, index) => {
    const option = element('option', undefined, `${group.title} (${group.size})`);
    option.value = `group:${index}`;
    return option;
  });
  groupSelect.replaceChildren(all, ...groups);
  groupSelect.value = er.view.kind === 'group' ? `group:${er.view.index}` : 'all';
  groupSelect.disabled = er.groups.length < 2 || er.view.kind === 'focus';
  const none = element('option', undefined, er.view.kind === 'focus' ? 'No focus' : 'Focus on a table…');
  none.value = '';
  focusSelect.replaceChildren(none, ...er.tables.map((table) => {
    const option = element('option', undefined, table);
    option.value = table;
    return option;
  }));
  focusSelect.value = er.view.kind === 'focus' ? er.view.table : '';
  hopsSelect.value = String(er.view.kind === 'focus' ? er.view.hops : 1);
  hopsSelect.disabled = er.view.kind !== 'focus';
  rendererSelect.value = rendererOf(params);
}

function showProblems(params: DiagramShowParams, renderErrors: readonly string[]): void {
  const items: HTMLElement[] = [];
  params.problems.forEach((problem, index) => {
    const item = element('button', 'problem', `${problem.file}:${problem.line}:${problem.column}  ${problem.message}`);
    item.dataset.problem = String(index);
    items.push(item);
  });
  for (const message of renderErrors) items.push(element('div', 'problem', message));
  if (params.stale || renderErrors.length > 0) items.push(element('p', 'stale', 'The diagram below is the last one that could be drawn; it updates when the text parses again.'));
  problems.replaceChildren(...items);
  problems.hidden = items.length === 0;
}

function showDrift(params: DiagramShowParams): void {
  const er = params.er;
  if (!er || (er.drift.length === 0 && er.driftNote === '')) {
    drift.hidden = true;
    driftNote.hidden = true;
    return;
  }
  if (!er.compared) {
    // Nothing was compared: the note says why (no database running, Restricted Mode, ...).
    driftNote.textContent = er.driftNote;
    driftNote.hidden = er.driftNote === '';
    drift.hidden = true;
    return;
  }
  driftNote.hidden = true;
  const summary = element('summary', undefined, er.drift.length === 0 ? 'The DDL files and the database agree.' : `${er.drift.length} difference${er.drift.length === 1 ? '' : 's'} between the DDL files and the database`);
  const list = element('ul');
  for (const item of er.drift) {
    const entry = element('li', `drift-${item.kind}${item.only ? ` only-${item.only}` : ''}`, item.message);
    list.append(entry);
  }
  const legend = element('p', 'legend');
  legend.append(element('span', 'mark only-ddl', 'only in the DDL files'), element('span', 'mark only-database', 'only in the database'), element('span', 'mark differs', 'differs'));
  drift.replaceChildren(summary, list, ...(er.drift.length > 0 ? [legend] : []), element('p', 'note', er.driftNote));
  drift.hidden = false;
}

/** Gives each drawn entity its table, a tooltip and keyboard access. */
function markEntities(svg: SVGSVGElement, entities: Readonly<Record<string, string>>): number {
  let count = 0;
  for (const node of svg.querySelectorAll('g.node[id]')) {
    const id = ENTITY_ID.exec(node.id)?.[1];
    const table = id ? entities[id] : undefined;
    if (!table) continue;
    count += 1;
    node.setAttribute('data-table', table);
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.setAttribute('aria-label', `${table}: open its CREATE TABLE`);
    const tooltip = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    tooltip.textContent = `${table}: click to open its CREATE TABLE`;
    node.prepend(tooltip);
  }
  return count;
}

function applySearch(): void {
  if (!state) return;
  const query = search.value.trim().toLowerCase();
  const nodes = [...stage.querySelectorAll('g.node')];
  state.searchMatches = [];
  state.matchIndex = -1;
  for (const node of nodes) {
    const text = `${node.getAttribute('data-table') ?? ''} ${node.textContent ?? ''}`.toLowerCase();
    const match = query !== '' && text.includes(query);
    node.classList.toggle('match', match);
    node.classList.toggle('dimmed', query !== '' && !match);
    if (match) state.searchMatches.push(node);
  }
  status.dataset.matches = String(state.searchMatches.length);
  renderStatus();
}

function nextMatch(): void {
  if (!state || state.searchMatches.length === 0) return;
  state.matchIndex = (state.matchIndex + 1) % state.searchMatches.length;
  const target = state.searchMatches[state.matchIndex];
  if (target) panZoom.centre(target);
  renderStatus();
}

function renderStatus(): void {
  if (!state) return;
  const { params } = state;
  const parts: string[] = [];
  if (params.er) parts.push(`${params.er.tableCount} of ${params.er.tables.length} tables, ${params.er.relationshipCount} relationships`);
  else parts.push(`${params.diagrams.length} diagram${params.diagrams.length === 1 ? '' : 's'}`);
  const renderer = rendererOf(params);
  const layout = layoutFor(params.layout, renderer, params.er?.tableCount ?? 0);
  parts.push(`${layout === 'elk' ? 'ELK' : 'dagre'} layout, drawn by ${renderer === 'builtin' ? 'Data Labs' : 'mermaid'}`);
  if (search.value.trim() !== '') {
    const count = state.searchMatches.length;
    parts.push(count === 0 ? `no match for "${search.value.trim()}"` : `${state.matchIndex >= 0 ? `${state.matchIndex + 1} of ` : ''}${count} match${count === 1 ? '' : 'es'} (Enter for the next)`);
  }
  status.textContent = parts.join(' · ');
}

async function draw(params: DiagramShowParams): Promise<void> {
  const mine = ++generation;
  const previous = state;
  const sameSubject = previous?.params.subject === params.subject;
  const lastGood = sameSubject && previous ? previous.lastGood : new Map<number, SVGSVGElement>();
  state = { params, lastGood, searchMatches: [], matchIndex: -1 };
  title.textContent = params.title;
  tableViews(params);
  showDrift(params);
  if (params.empty !== undefined) {
    empty.textContent = params.empty;
    empty.hidden = false;
    viewport.hidden = true;
    showProblems(params, []);
    renderStatus();
    document.body.dataset.rendered = String(params.serial);
    return;
  }
  empty.hidden = true;
  viewport.hidden = false;

  const renderer = rendererOf(params);
  const layout = layoutFor(params.layout, renderer, params.er?.tableCount ?? 0);
  const started = performance.now();
  const drawn: ({ readonly svg: string | SVGSVGElement } | { readonly error: string })[] = [];
  if (params.er && renderer === 'builtin') {
    try {
      drawn.push({ svg: await drawEr(params.er.drawing, layout) });
    } catch (error) {
      drawn.push({ error: `the diagram could not be drawn: ${error instanceof Error ? error.message : String(error)}` });
    }
    if (mine !== generation) return;
  } else {
    const theme = currentTheme();
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'base',
      themeVariables: theme.variables,
      layout,
      maxTextSize: Math.max(50_000, ...params.diagrams.map((diagram) => diagram.maxTextSize)),
      maxEdges: Math.max(500, ...params.diagrams.map((diagram) => diagram.maxEdges)),
      er: { useMaxWidth: false },
      flowchart: { useMaxWidth: false },
      sequence: { useMaxWidth: false },
    });
    for (const [index, diagram] of params.diagrams.entries()) {
      const id = `diagram-${mine}-${index}`;
      try {
        const text = params.er ? `${diagram.text}${theme.classDefs.map((line) => `  ${line}`).join('\n')}\n` : diagram.text;
        const { svg } = await mermaid.render(id, text);
        drawn.push({ svg });
      } catch (error) {
        drawn.push({ error: mermaidMessage(error, diagram) });
      } finally {
        // mermaid leaves its scratch element behind when a diagram does not parse.
        document.getElementById(`d${id}`)?.remove();
        document.getElementById(id)?.remove();
      }
      if (mine !== generation) return;
    }
  }
  const drawMs = performance.now() - started;

  const viewStarted = performance.now();
  const errors: string[] = [];
  const figures: HTMLElement[] = [];
  let entities = 0;
  drawn.forEach((result, index) => {
    const diagram = params.diagrams[index];
    const figure = element('figure', 'diagram');
    if (diagram?.caption) figure.append(element('figcaption', undefined, diagram.caption));
    let svg: SVGSVGElement | undefined;
    if ('error' in result) {
      errors.push(result.error);
      // The last good drawing is moved into the new figure, not copied: a copy of a big diagram costs.
      svg = lastGood.get(index);
      figure.classList.add('stale');
    } else {
      svg = typeof result.svg === 'string' ? importSvg(result.svg, nonce) : result.svg;
      if (params.er && typeof result.svg === 'string') markEntities(svg, params.er.entities);
      lastGood.set(index, svg);
    }
    if (svg) {
      entities += svg.querySelectorAll('[data-table]').length;
      figure.append(svg);
    }
    figures.push(figure);
  });
  stage.replaceChildren(...figures);
  stage.classList.toggle('stale', params.stale);
  showProblems(params, errors);
  if (!sameSubject) requestAnimationFrame(() => panZoom.fit());
  applySearch();
  const viewMs = performance.now() - viewStarted;
  document.body.dataset.rendered = String(params.serial);
  document.body.dataset.entities = String(entities);
  const rendered: RenderedParams = { serial: params.serial, renderer, drawMs, viewMs, entities, errors };
  // Not awaited: the host only logs it.
  void bridge.request(DIAGRAM_RENDERED, rendered).catch(() => undefined);
}

/** mermaid's error, with the file and line it is at when the host said where the diagram's lines are. */
function mermaidMessage(error: unknown, diagram: DiagramToDraw): string {
  if (!diagram.lines || diagram.startLine === undefined) return `mermaid could not draw the diagram: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  const { message, line } = mermaidParseError(error, { lines: diagram.lines, startLine: diagram.startLine });
  return `${diagram.file ?? ''}:${line}  ${message}`;
}

function redraw(): void {
  if (state) void draw(state.params);
}

function setView(view: ErView): void {
  const params: SetViewParams = { view };
  void bridge.request(ER_SET_VIEW, params);
}

header.addEventListener('click', (event) => {
  const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
  if (!action) return;
  if (action === 'zoom-in') panZoom.zoomIn();
  else if (action === 'zoom-out') panZoom.zoomOut();
  else if (action === 'fit') panZoom.fit();
  else if (action === 'actual') panZoom.actualSize();
  else if (action === 'refresh') void bridge.request(ER_REFRESH, null);
  else if (action === 'source-ddl' || action === 'source-database') {
    const params: SetSourceParams = { source: action === 'source-ddl' ? 'ddl' : 'database' };
    void bridge.request(ER_SET_SOURCE, params);
  } else if (action === 'export-svg' || action === 'export-markdown') {
    const params: ExportParams = { format: action === 'export-svg' ? 'svg' : 'markdown' };
    void bridge.request(DIAGRAM_EXPORT, params);
  }
});

groupSelect.addEventListener('change', () => {
  const value = groupSelect.value;
  setView(value.startsWith('group:') ? { kind: 'group', index: Number(value.slice(6)) } : { kind: 'all' });
});
focusSelect.addEventListener('change', () => {
  setView(focusSelect.value === '' ? { kind: 'all' } : { kind: 'focus', table: focusSelect.value, hops: Number(hopsSelect.value) });
});
hopsSelect.addEventListener('change', () => {
  if (focusSelect.value !== '') setView({ kind: 'focus', table: focusSelect.value, hops: Number(hopsSelect.value) });
});
rendererSelect.addEventListener('change', () => {
  chosenRenderer = rendererSelect.value === 'mermaid' ? 'mermaid' : 'builtin';
  redraw();
});
search.addEventListener('input', applySearch);
search.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') nextMatch();
});

problems.addEventListener('click', (event) => {
  const index = (event.target as HTMLElement).closest<HTMLElement>('[data-problem]')?.dataset.problem;
  if (index === undefined) return;
  const params: RevealProblemParams = { index: Number(index) };
  void bridge.request(DIAGRAM_REVEAL_PROBLEM, params);
});

function revealTable(target: EventTarget | null): void {
  const table = (target as Element | null)?.closest('[data-table]')?.getAttribute('data-table');
  if (!table) return;
  const params: RevealTableParams = { table };
  void bridge.request(ER_REVEAL_TABLE, params);
}

stage.addEventListener('click', (event) => revealTable(event.target));
stage.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') revealTable(event.target);
});
viewport.addEventListener('keydown', (event) => {
  if (event.target !== viewport) return;
  if (event.key === '+' || event.key === '=') panZoom.zoomIn();
  else if (event.key === '-') panZoom.zoomOut();
  else if (event.key === '0') panZoom.fit();
});

// A theme change re-colours the diagram; the place the learner was at stays.
new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });

async function answer(method: string): Promise<SvgResult> {
  if (method !== DIAGRAM_SVG) throw new Error(`unknown request ${method}`);
  const svg = stage.querySelector('svg');
  if (!(svg instanceof SVGSVGElement)) throw new Error('there is no diagram on show');
  return { svg: exportSvg(svg, svg.classList.contains('er') ? exportStyles(svg) : undefined) };
}

const bridge = new HostBridge((method, params) => {
  if (method === DIAGRAM_SHOW) void draw(params as DiagramShowParams);
}, answer);
