/**
 * The view's own ER renderer: tables as boxes of columns, foreign keys as crow's-foot lines, schemas as
 * groups, laid out by dagre (or ELK) and drawn as one SVG built with DOM calls (text nodes only, so no
 * name can become markup). It draws what mermaid's erDiagram draws for the same model, a hundred tables
 * in a fraction of mermaid's time (npm run bench:er prints both): text is measured once on a canvas, not
 * by laying each label out in the page. Colours come from the theme through CSS custom properties, which
 * an export resolves into the SVG so that it stands alone.
 */
import { layout as dagreLayout } from 'dagre-d3-es/src/dagre/index.js';
import { Graph } from 'dagre-d3-es/src/graphlib/index.js';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { DrawnRelationship, DrawnTable, ErDrawing } from '../../src/shared/er';

const SVG = 'http://www.w3.org/2000/svg';
const FONT_SIZE = 13;
const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 28;
const CELL_PADDING = 8;
const GROUP_PADDING = 24;
const NODE_SPACING = 48;
const RANK_SPACING = 72;
/** Crow's-foot marker size, in pixels: the marker ends on the table's edge. */
const MARKER = 20;

/** The renderer's stylesheet: page and export share it, the export with the variables resolved. */
export const ER_STYLES = `
svg.er { --er-fg: var(--vscode-editor-foreground, #333); --er-bg: var(--vscode-editor-background, #fff); --er-muted: var(--vscode-descriptionForeground, #777);
  --er-border: var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #bbb)); --er-head: var(--vscode-sideBar-background, #eee); --er-odd: var(--vscode-editorWidget-background, #f6f6f6);
  --er-group: var(--vscode-editorGroupHeader-tabsBackground, #f0f0f0); --er-only-ddl: var(--vscode-charts-orange, #d18616); --er-only-database: var(--vscode-charts-blue, #3794ff); --er-differs: var(--vscode-charts-yellow, #cca700);
  font-family: var(--vscode-font-family, sans-serif); font-size: ${FONT_SIZE}px; }
svg.er text { fill: var(--er-fg); dominant-baseline: central; }
svg.er .er-box { fill: var(--er-bg); stroke: var(--er-border); stroke-width: 1; }
svg.er .er-head { fill: var(--er-head); }
svg.er .er-title { font-weight: 600; text-anchor: middle; }
svg.er .er-odd { fill: var(--er-odd); }
svg.er .er-sep { stroke: var(--er-border); stroke-width: 1; }
svg.er .er-type, svg.er .er-note { fill: var(--er-muted); }
svg.er .er-keys { font-weight: 600; }
svg.er .er-edge { fill: none; stroke: var(--er-fg); stroke-width: 1.2; }
svg.er .er-edge.non-identifying { stroke-dasharray: 6 4; }
svg.er .er-marker { fill: none; stroke: var(--er-fg); stroke-width: 1.2; }
svg.er .er-edge-label rect { fill: var(--er-bg); opacity: 0.9; }
svg.er .er-edge-label text { fill: var(--er-muted); text-anchor: middle; font-size: ${FONT_SIZE - 2}px; }
svg.er .er-group rect { fill: var(--er-group); stroke: var(--er-border); stroke-dasharray: 4 3; }
svg.er .er-group text { font-weight: 600; fill: var(--er-muted); }
svg.er .mark-only-ddl .er-box { stroke: var(--er-only-ddl); stroke-width: 3; stroke-dasharray: 8 4; }
svg.er .mark-only-database .er-box { stroke: var(--er-only-database); stroke-width: 3; stroke-dasharray: 8 4; }
svg.er .mark-differs .er-box { stroke: var(--er-differs); stroke-width: 3; }
`;

const STYLE_VARIABLES = ['--er-fg', '--er-bg', '--er-muted', '--er-border', '--er-head', '--er-odd', '--er-group', '--er-only-ddl', '--er-only-database', '--er-differs'];

interface Box {
  readonly table: DrawnTable;
  readonly width: number;
  readonly height: number;
  /** Width of each column of cells: type, name, keys, note. */
  readonly cells: readonly [number, number, number, number];
  x: number;
  y: number;
}

interface Route {
  readonly relationship: DrawnRelationship;
  points: { x: number; y: number }[];
}

interface GroupBox {
  readonly schema: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string | number>> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Measures text with one canvas context (no layout of the page), in the view's font. */
function textMeasurer(): (text: string, bold?: boolean) => number {
  const context = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const cache = new Map<string, number>();
  return (text, bold = false) => {
    const key = `${bold ? 'b' : 'n'}${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      if (context) {
        context.font = `${bold ? '600 ' : ''}${FONT_SIZE}px ${family}`;
        width = context.measureText(text).width;
      } else {
        width = text.length * FONT_SIZE * 0.6;
      }
      cache.set(key, width);
    }
    return width;
  };
}

function measure(tables: readonly DrawnTable[]): Box[] {
  const width = textMeasurer();
  return tables.map((table) => {
    const cells: [number, number, number, number] = [0, 0, 0, 0];
    for (const column of table.columns) {
      cells[0] = Math.max(cells[0], width(column.type));
      cells[1] = Math.max(cells[1], width(column.name));
      cells[2] = Math.max(cells[2], width(column.keys, true));
      cells[3] = Math.max(cells[3], width(column.note));
    }
    const padded = cells.map((cell) => (cell > 0 ? cell + 2 * CELL_PADDING : 0)) as [number, number, number, number];
    const title = width(table.key, true) + 4 * CELL_PADDING;
    const body = padded.reduce((sum, cell) => sum + cell, 0);
    // A wide title widens the name column, so the cells still fill the box.
    if (title > body) padded[1] += title - body;
    return { table, width: Math.max(title, body), height: HEADER_HEIGHT + table.columns.length * ROW_HEIGHT, cells: padded, x: 0, y: 0 };
  });
}

function layoutWithDagre(boxes: Box[], drawing: ErDrawing): { routes: Route[]; groups: GroupBox[]; width: number; height: number } {
  const graph = new Graph({ multigraph: true, compound: drawing.schemas.length > 0 });
  graph.setGraph({ rankdir: 'TB', nodesep: NODE_SPACING, ranksep: RANK_SPACING, edgesep: 16, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const schema of drawing.schemas) graph.setNode(`schema:${schema}`, { label: schema, paddingTop: GROUP_PADDING });
  for (const box of boxes) {
    graph.setNode(box.table.id, { width: box.width, height: box.height });
    if (drawing.schemas.length > 0) graph.setParent(box.table.id, `schema:${box.table.schema}`);
  }
  drawing.relationships.forEach((relationship, index) => graph.setEdge(relationship.parent, relationship.child, { minlen: 1 }, `r${index}`));
  dagreLayout(graph, {});
  for (const box of boxes) {
    const node = graph.node(box.table.id) as { x: number; y: number };
    box.x = node.x - box.width / 2;
    box.y = node.y - box.height / 2;
  }
  const routes = drawing.relationships.map((relationship, index) => ({ relationship, points: ((graph.edge(relationship.parent, relationship.child, `r${index}`) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []).map((point) => ({ ...point })) }));
  const groups = drawing.schemas.map((schema) => {
    const node = graph.node(`schema:${schema}`) as { x: number; y: number; width: number; height: number };
    return { schema, x: node.x - node.width / 2, y: node.y - node.height / 2 - GROUP_PADDING / 2, width: node.width, height: node.height + GROUP_PADDING / 2 };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { routes, groups, width: size.width ?? 0, height: size.height ?? 0 };
}

interface ElkShape {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkShape[];
  edges?: { id: string; sources: string[]; targets: string[]; sections?: { startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: { x: number; y: number }[] }[] }[];
  layoutOptions?: Record<string, string>;
}

let elk: InstanceType<typeof ELK> | undefined;

async function layoutWithElk(boxes: Box[], drawing: ErDrawing): Promise<{ routes: Route[]; groups: GroupBox[]; width: number; height: number }> {
  elk ??= new ELK();
  const node = (box: Box): ElkShape => ({ id: box.table.id, width: box.width, height: box.height });
  const grouped = drawing.schemas.length > 0;
  const root: ElkShape = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': String(NODE_SPACING),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(RANK_SPACING),
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: grouped
      ? drawing.schemas.map((schema) => ({ id: `schema:${schema}`, layoutOptions: { 'elk.padding': `[top=${GROUP_PADDING + 8},left=12,bottom=12,right=12]` }, children: boxes.filter((box) => box.table.schema === schema).map(node) }))
      : boxes.map(node),
    edges: drawing.relationships.map((relationship, index) => ({ id: `r${index}`, sources: [relationship.parent], targets: [relationship.child] })),
  };
  const result = (await elk.layout(root as never)) as unknown as ElkShape;
  const positions = new Map<string, { x: number; y: number }>();
  const groups: GroupBox[] = [];
  for (const child of result.children ?? []) {
    if (child.id.startsWith('schema:')) {
      groups.push({ schema: child.id.slice(7), x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      for (const inner of child.children ?? []) positions.set(inner.id, { x: (child.x ?? 0) + (inner.x ?? 0), y: (child.y ?? 0) + (inner.y ?? 0) });
    } else {
      positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
    }
  }
  for (const box of boxes) {
    const position = positions.get(box.table.id);
    box.x = position?.x ?? 0;
    box.y = position?.y ?? 0;
  }
  // With INCLUDE_CHILDREN every edge comes back on the root, in the root's coordinates.
  const sections = new Map((result.edges ?? []).map((edge) => [edge.id, edge.sections?.[0]]));
  const routes = drawing.relationships.map((relationship, index) => {
    const section = sections.get(`r${index}`);
    return { relationship, points: section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((point) => ({ ...point })) : [] };
  });
  return { routes, groups, width: result.width ?? 0, height: result.height ?? 0 };
}

/** Where a line from `from` towards the centre of `box` crosses the box's edge. */
function boundaryPoint(box: Box, from: { x: number; y: number }): { x: number; y: number } {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const dx = from.x - cx;
  const dy = from.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: box.y };
  const scale = Math.min(dx === 0 ? Infinity : box.width / 2 / Math.abs(dx), dy === 0 ? Infinity : box.height / 2 / Math.abs(dy));
  return { x: cx + dx * scale, y: cy + dy * scale };
}

/** A smooth path through the points (a B-spline, as d3's curveBasis draws), or straight lines for orthogonal routes. */
function pathOf(points: readonly { x: number; y: number }[], orthogonal: boolean): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (orthogonal || points.length < 3) return `M${first.x},${first.y}${rest.map((point) => `L${point.x},${point.y}`).join('')}`;
  let path = `M${first.x},${first.y}`;
  let [x0, y0] = [first.x, first.y];
  let [x1, y1] = [first.x, first.y];
  const curve = (x: number, y: number): void => {
    path += `C${(2 * x0 + x1) / 3},${(2 * y0 + y1) / 3} ${(x0 + 2 * x1) / 3},${(y0 + 2 * y1) / 3} ${(x0 + 4 * x1 + x) / 6},${(y0 + 4 * y1 + y) / 6}`;
  };
  points.forEach((point, index) => {
    if (index === 0) return;
    if (index === 1) {
      x1 = point.x;
      y1 = point.y;
      path += `L${(5 * x0 + x1) / 6},${(5 * y0 + y1) / 6}`;
      return;
    }
    curve(point.x, point.y);
    [x0, y0, x1, y1] = [x1, y1, point.x, point.y];
  });
  curve(x1, y1);
  path += `L${x1},${y1}`;
  return path;
}

/** The middle of a polyline, for the relationship's label. */
function middleOf(points: readonly { x: number; y: number }[]): { x: number; y: number } {
  let total = 0;
  for (let index = 1; index < points.length; index += 1) total += Math.hypot((points[index]?.x ?? 0) - (points[index - 1]?.x ?? 0), (points[index]?.y ?? 0) - (points[index - 1]?.y ?? 0));
  let left = total / 2;
  for (let index = 1; index < points.length; index += 1) {
    const a = points[index - 1] ?? { x: 0, y: 0 };
    const b = points[index] ?? a;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length >= left && length > 0) return { x: a.x + ((b.x - a.x) * left) / length, y: a.y + ((b.y - a.y) * left) / length };
    left -= length;
  }
  return points[0] ?? { x: 0, y: 0 };
}

/** The four crow's-foot ends, drawn pointing right (into a table on the right); `auto-start-reverse` turns the start ones round. */
function markers(prefix: string): SVGDefsElement {
  const defs = svgElement('defs');
  const shapes: Readonly<Record<string, string>> = {
    'exactly-one': `M0,${MARKER / 2}H${MARKER}M${MARKER - 8},3V${MARKER - 3}M${MARKER - 4},3V${MARKER - 3}`,
    'zero-or-one': `M0,${MARKER / 2}H3M11,${MARKER / 2}H${MARKER}M${MARKER - 4},3V${MARKER - 3}`,
    'zero-or-more': `M0,${MARKER / 2}H3M11,${MARKER / 2}H${MARKER}M11,${MARKER / 2}L${MARKER},3M11,${MARKER / 2}L${MARKER},${MARKER - 3}`,
  };
  for (const [name, shape] of Object.entries(shapes)) {
    const marker = svgElement('marker', { id: `${prefix}-${name}`, markerWidth: MARKER, markerHeight: MARKER, refX: MARKER, refY: MARKER / 2, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse', viewBox: `0 0 ${MARKER} ${MARKER}` });
    marker.append(svgElement('path', { class: 'er-marker', d: shape }));
    if (name !== 'exactly-one') marker.append(svgElement('circle', { class: 'er-marker', cx: 7, cy: MARKER / 2, r: 4 }));
    defs.append(marker);
  }
  return defs;
}

function drawTable(box: Box): SVGGElement {
  const table = box.table;
  const group = svgElement('g', { class: `node er-table${table.mark ? ` mark-${table.mark}` : ''}`, transform: `translate(${box.x},${box.y})`, 'data-table': table.key, tabindex: 0, role: 'button', 'aria-label': `${table.key}: open its CREATE TABLE` });
  group.append(svgElement('title', {}, `${table.key}: click to open its CREATE TABLE`));
  group.append(svgElement('rect', { class: 'er-box', width: box.width, height: box.height, rx: 3 }));
  group.append(svgElement('rect', { class: 'er-head', x: 0.5, y: 0.5, width: box.width - 1, height: HEADER_HEIGHT - 0.5, rx: 3 }));
  group.append(svgElement('text', { class: 'er-title', x: box.width / 2, y: HEADER_HEIGHT / 2 }, table.key));
  group.append(svgElement('line', { class: 'er-sep', x1: 0, y1: HEADER_HEIGHT, x2: box.width, y2: HEADER_HEIGHT }));
  const classes = ['er-type', 'er-name', 'er-keys', 'er-note'];
  table.columns.forEach((column, index) => {
    const top = HEADER_HEIGHT + index * ROW_HEIGHT;
    if (index % 2 === 1) group.append(svgElement('rect', { class: 'er-odd', x: 0.5, y: top, width: box.width - 1, height: ROW_HEIGHT }));
    let x = 0;
    [column.type, column.name, column.keys, column.note].forEach((text, cell) => {
      if (text) group.append(svgElement('text', { class: classes[cell] ?? '', x: x + CELL_PADDING, y: top + ROW_HEIGHT / 2 }, text));
      x += box.cells[cell] ?? 0;
    });
  });
  // The box's outline last, over the rows' backgrounds.
  group.append(svgElement('rect', { class: 'er-box er-outline', width: box.width, height: box.height, rx: 3, 'fill-opacity': 0 }));
  return group;
}

let drawings = 0;

/** Lays out and draws `drawing`; the SVG has its natural size (the view pans and zooms it). */
export async function drawEr(drawing: ErDrawing, layout: 'dagre' | 'elk'): Promise<SVGSVGElement> {
  const prefix = `er${++drawings}`;
  const boxes = measure(drawing.tables);
  const placed = layout === 'elk' ? await layoutWithElk(boxes, drawing) : layoutWithDagre(boxes, drawing);
  const byId = new Map(boxes.map((box) => [box.table.id, box]));
  const svg = svgElement('svg', { class: 'er', width: Math.ceil(placed.width), height: Math.ceil(placed.height), viewBox: `0 0 ${Math.ceil(placed.width)} ${Math.ceil(placed.height)}`, role: 'img', 'aria-label': `ER diagram of ${drawing.tables.length} tables` });
  svg.append(markers(prefix));
  for (const group of placed.groups) {
    const node = svgElement('g', { class: 'er-group' });
    node.append(svgElement('rect', { x: group.x, y: group.y, width: group.width, height: group.height, rx: 6 }), svgElement('text', { x: group.x + 12, y: group.y + GROUP_PADDING / 2 + 2 }, group.schema));
    svg.append(node);
  }
  const edges = svgElement('g', { class: 'er-edges' });
  const labels = svgElement('g', { class: 'er-edge-labels' });
  const measureLabel = textMeasurer();
  for (const route of placed.routes) {
    const parent = byId.get(route.relationship.parent);
    const child = byId.get(route.relationship.child);
    if (!parent || !child) continue;
    let points = route.points;
    if (points.length < 2 || parent === child) {
      // A table that references itself: a loop on its right side.
      const right = parent.x + parent.width;
      points = [{ x: right, y: parent.y + 12 }, { x: right + 40, y: parent.y + 12 }, { x: right + 40, y: parent.y + 40 }, { x: right, y: parent.y + 40 }];
    } else if (layout === 'dagre') {
      // dagre ends its lines on the tables' bounding boxes already; make sure of it for the markers.
      points[0] = boundaryPoint(parent, points[1] ?? points[0] ?? { x: 0, y: 0 });
      points[points.length - 1] = boundaryPoint(child, points[points.length - 2] ?? points[0] ?? { x: 0, y: 0 });
    }
    const { relationship } = route;
    edges.append(svgElement('path', {
      class: `er-edge${relationship.identifying ? '' : ' non-identifying'}`,
      d: pathOf(points, layout === 'elk'),
      'marker-start': `url(#${prefix}-${relationship.parentEnd})`,
      'marker-end': `url(#${prefix}-${relationship.childEnd})`,
      'data-from': relationship.parent,
      'data-to': relationship.child,
    }));
    const middle = middleOf(points);
    const width = measureLabel(relationship.label) + 8;
    const label = svgElement('g', { class: 'er-edge-label' });
    label.append(svgElement('rect', { x: middle.x - width / 2, y: middle.y - 8, width, height: 16, rx: 3 }), svgElement('text', { x: middle.x, y: middle.y }, relationship.label));
    labels.append(label);
  }
  svg.append(edges);
  const tables = svgElement('g', { class: 'er-tables' });
  for (const box of boxes) tables.append(drawTable(box));
  svg.append(tables, labels);
  return svg;
}

/** The stylesheet for an exported SVG: the renderer's rules, with the theme's colours written in. */
export function exportStyles(svg: SVGSVGElement): string {
  const computed = getComputedStyle(svg);
  const values = STYLE_VARIABLES.map((name) => `${name}: ${computed.getPropertyValue(name).trim() || 'initial'};`).join(' ');
  const family = computed.fontFamily || 'sans-serif';
  return `${ER_STYLES.replace(/svg\.er \{[^}]*\}/, `svg.er { ${values} font-family: ${family}; font-size: ${FONT_SIZE}px; }`)}`;
}
