/**
 * The consumer-lag view: per consumer group and partition, log end minus committed offset, drawn live
 * with uPlot (small and fast: 200 partitions a second over an hour of history); the total; the lag in
 * seconds as an estimate; each group's state after Burrow's rules; members and assignments; rebalances
 * shaded; a partition with no committed offset drawn as a gap and named, never as zero; a broker that
 * stops answering said so, and the chart carrying on when it returns. Pause, range, interval, CSV export.
 * Everything from the cluster reaches the page as text (textContent) or as numbers on a canvas.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GroupLag, PartitionStatus } from '../../src/shared/lag';
import { LAG_EXPORT_CSV, LAG_FRAME, LAG_RESET, LAG_SAMPLING, LAG_SET_INTERVAL, LAG_SET_PAUSED, type ExportCsvParams, type LagFrame, type LagFrameParams, type LagResetParams, type LagSamplingParams, type SetIntervalParams, type SetPausedParams } from '../../src/shared/lagProtocol';
import { HostBridge } from '../shared/bridge';

/** The chart's time ranges, in seconds. */
const RANGES: readonly [string, number][] = [['1 min', 60], ['5 min', 300], ['15 min', 900], ['1 hour', 3600]];
const KEEP_MS = 3600 * 1000;
const ALL = '*';
/** Partitions drawn beside the total, the ones with the most lag: two hundred lines would read as a smear. */
const DRAWN_PARTITIONS = 20;
/** Rows of the partition table, the ones with the most lag first, until the learner asks for all. */
const TABLE_ROWS = 50;
/** How often (in frames) the partitions drawn are picked again. */
const REPICK_FRAMES = 30;

const STATUS_TEXT: Readonly<Record<PartitionStatus, string>> = {
  'caught-up': 'caught up',
  idle: 'idle topic',
  ok: 'OK',
  lagging: 'lagging',
  stalled: 'stalled',
  stopped: 'stopped',
  rewound: 'rewound',
  'no-offset': 'no committed offset',
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One formatter for every number: toLocaleString builds a new one each call, thousands of times a second here. */
const NUMBER_FORMAT = new Intl.NumberFormat('en-US');

function count(value: number): string {
  return NUMBER_FORMAT.format(value);
}

/** Lag in seconds as the estimate it is: "≈ 12 s", or "≥ 5.0 min" when the history does not reach back far enough. */
function seconds(value: number | undefined, atLeast = false): string {
  if (value === undefined) return '';
  const text = value < 60 ? `${value.toFixed(value < 10 ? 1 : 0)} s` : value < 3600 ? `${(value / 60).toFixed(1)} min` : `${(value / 3600).toFixed(1)} h`;
  return `${atLeast ? '≥ ' : '≈ '}${text}`;
}

function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

// The page's frame, built once.
const title = element('h1', 'title');
const groupSelect = element('select', 'group');
groupSelect.setAttribute('aria-label', 'Consumer group');
const rangeSelect = element('select', 'range');
rangeSelect.setAttribute('aria-label', 'Time range');
for (const [label, value] of RANGES) {
  const option = element('option', undefined, label);
  option.value = String(value);
  rangeSelect.append(option);
}
rangeSelect.value = '300';
const pauseButton = element('button', 'pause', 'Pause');
pauseButton.dataset.action = 'pause';
const intervalInput = element('input', 'interval');
intervalInput.type = 'number';
intervalInput.min = '0.25';
intervalInput.max = '60';
intervalInput.step = '0.25';
intervalInput.setAttribute('aria-label', 'Sample every (seconds)');
const exportButton = element('button', 'export', 'Export CSV');
exportButton.dataset.action = 'export';
const intervalLabel = element('label', 'interval-label', 'every ');
intervalLabel.append(intervalInput, document.createTextNode(' s'));
const tools = element('div', 'tools');
tools.append(groupSelect, rangeSelect, pauseButton, intervalLabel, exportButton);
const header = element('header');
header.append(title, tools);
const banner = element('div', 'banner');
banner.setAttribute('role', 'alert');
banner.hidden = true;
const summary = element('div', 'summary');
summary.setAttribute('aria-live', 'polite');
const chartBox = element('div', 'chart');
const notes = element('p', 'notes');
const more = element('p', 'more');
more.hidden = true;
const table = element('table', 'partitions');
document.getElementById('root')?.replaceChildren(header, banner, summary, chartBox, more, notes, table);

interface State {
  title: string;
  bootstrap: string;
  paused: boolean;
  intervalSeconds: number;
  frames: LagFrame[];
  details: readonly GroupLag[];
  /** The group on show, or ALL. */
  group: string;
  /** Draw every partition of the group, not only those with the most lag. */
  drawAll: boolean;
  /** List every partition in the table. */
  allRows: boolean;
}

const state: State = { title: '', bootstrap: '', paused: false, intervalSeconds: 1, frames: [], details: [], group: ALL, drawAll: false, allRows: false };
let framesSinceBuild = 0;
let chart: uPlot | undefined;
/** The series the chart draws now: for one group its total and each partition (by key); for all, each group's total. */
let seriesKeys: string[] = [];

/** The values of one frame for the series `keys` (in their order). */
function valuesOf(frame: LagFrame, keys: readonly string[]): (number | null)[] {
  if (frame.error !== undefined) return keys.map(() => null);
  if (state.group === ALL) return keys.map((group) => frame.groups.find((entry) => entry.group === group)?.totalLag ?? null);
  const point = frame.groups.find((entry) => entry.group === state.group);
  if (!point) return keys.map(() => null);
  const byKey = new Map(point.keys.map((key, index) => [key, point.lags[index] ?? null]));
  return keys.map((key, index) => (index === 0 ? point.totalLag : (byKey.get(key) ?? null)));
}

/** The columns uPlot draws: x (seconds), then one column per series key; grown a frame at a time. */
let data: { xs: number[]; ys: (number | null)[][] } = { xs: [], ys: [] };

function columns(keys: readonly string[]): uPlot.AlignedData {
  data = { xs: [], ys: keys.map(() => []) };
  for (const frame of state.frames) appendColumns(frame, keys);
  return [data.xs, ...data.ys] as uPlot.AlignedData;
}

function appendColumns(frame: LagFrame, keys: readonly string[]): void {
  data.xs.push(frame.at / 1000);
  valuesOf(frame, keys).forEach((value, index) => data.ys[index]?.push(value));
}

/** Whether the frame has a series the chart does not draw yet (a new group, a new partition). */
function bringsNewSeries(frame: LagFrame): boolean {
  const known = new Set(seriesKeys);
  if (state.group === ALL) return frame.groups.some((group) => !known.has(group.group));
  // Drawing the partitions with the most lag, a new partition waits for the next pick.
  if (!state.drawAll) return false;
  return frame.groups.some((group) => group.group === state.group && group.keys.some((key) => !known.has(key)));
}

/** The group's partitions, the ones that need attention first: no offset or the most lag. */
function byAttention(group: GroupLag | undefined): GroupLag['partitions'] {
  const rank = (partition: GroupLag['partitions'][number]): number => (partition.lag === undefined ? Number.POSITIVE_INFINITY : partition.lag);
  return [...(group?.partitions ?? [])].sort((a, b) => rank(b) - rank(a) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function keysNow(): string[] {
  if (state.group === ALL) return [...new Set(state.frames.flatMap((frame) => frame.groups.map((group) => group.group)))].sort();
  const partitions = new Set<string>();
  for (const frame of state.frames) for (const point of frame.groups) if (point.group === state.group) for (const key of point.keys) partitions.add(key);
  const all = [...partitions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (state.drawAll || all.length <= DRAWN_PARTITIONS) return ['total', ...all];
  const top = new Set(byAttention(state.details.find((group) => group.group === state.group)).filter((partition) => partition.lag !== undefined).slice(0, DRAWN_PARTITIONS).map((partition) => `${partition.topic}:${partition.partition}`));
  return ['total', ...all.filter((key) => top.has(key))];
}

/** Shades the time a group rebalanced (or the broker did not answer), behind the lines. */
function shade(u: uPlot): void {
  const context = u.ctx;
  const top = u.bbox.top;
  const height = u.bbox.height;
  const step = (state.intervalSeconds * 1000) / 2;
  const band = (frame: LagFrame, colour: string): void => {
    const left = u.valToPos((frame.at - step) / 1000, 'x', true);
    const right = u.valToPos((frame.at + step) / 1000, 'x', true);
    context.fillStyle = colour;
    context.fillRect(left, top, Math.max(1, right - left), height);
  };
  context.save();
  context.globalAlpha = 0.18;
  for (const frame of state.frames) {
    if (frame.error !== undefined) band(frame, cssColour('--vscode-editorError-foreground', '#f14c4c'));
    else if (frame.groups.some((group) => (state.group === ALL || group.group === state.group) && group.rebalancing)) band(frame, cssColour('--vscode-charts-yellow', '#cca700'));
  }
  context.restore();
}

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

function buildChart(): void {
  seriesKeys = keysNow();
  framesSinceBuild = 0;
  chart?.destroy();
  const foreground = cssColour('--vscode-editor-foreground', '#cccccc');
  const grid = cssColour('--vscode-editorWidget-border', '#444444');
  const series: uPlot.Series[] = [{}];
  seriesKeys.forEach((key, index) => {
    const total = state.group !== ALL && index === 0;
    const colour = total ? foreground : cssColour(PALETTE[index % PALETTE.length] ?? PALETTE[0] ?? '', '#3794ff');
    series.push({ label: state.group === ALL ? key : total ? 'total' : key, stroke: colour, width: total ? 2 : 1, spanGaps: false, points: { show: false } });
  });
  const width = Math.max(320, chartBox.clientWidth || document.body.clientWidth - 24);
  const options: uPlot.Options = {
    width,
    height: 280,
    series,
    scales: { x: { time: true } },
    axes: [
      { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, ticks) => ticks.map((tick) => new Date(tick * 1000).toLocaleTimeString('en-GB')) },
      { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: 'messages behind', labelSize: 18, size: 64 },
    ],
    // 200 partitions would make a legend taller than the chart: the table below names them.
    legend: { show: seriesKeys.length <= 12 },
    cursor: { drag: { x: false, y: false } },
    hooks: { drawClear: [shade] },
  };
  chart = new uPlot(options, columns(seriesKeys), chartBox);
  document.body.dataset.series = String(seriesKeys.length);
  applyRange();
}

/** The range chosen, ending now; no earlier than the first sample, so a young history fills the chart. */
function applyRange(): void {
  const first = state.frames[0];
  const last = state.frames[state.frames.length - 1];
  if (!chart || !first || !last) return;
  const range = Number(rangeSelect.value);
  const min = Math.max(first.at / 1000, last.at / 1000 - range);
  chart.setScale('x', { min, max: Math.max(min + 1, last.at / 1000) });
}

/** Draws the newest frame: appended to the columns, unless it brings a series the chart lacks. */
function updateChart(frame: LagFrame, dropped: number): void {
  framesSinceBuild += 1;
  const repick = state.group !== ALL && !state.drawAll && framesSinceBuild >= REPICK_FRAMES && keysNow().join('\u0000') !== seriesKeys.join('\u0000');
  if (!chart || bringsNewSeries(frame) || repick) {
    buildChart();
    return;
  }
  if (dropped > 0) {
    data.xs.splice(0, dropped);
    for (const column of data.ys) column.splice(0, dropped);
  }
  appendColumns(frame, seriesKeys);
  const drawn = chart;
  // One redraw for both: new data, and the range moved on to it.
  drawn.batch(() => {
    drawn.setData([data.xs, ...data.ys] as uPlot.AlignedData, false);
    applyRange();
  });
}

function groupsNow(): string[] {
  return [...new Set([...state.details.map((group) => group.group), ...state.frames.flatMap((frame) => frame.groups.map((group) => group.group))])].sort();
}

function renderGroupSelect(): void {
  const groups = groupsNow();
  const current = state.group;
  const all = element('option', undefined, 'All groups');
  all.value = ALL;
  groupSelect.replaceChildren(all, ...groups.map((group) => {
    const option = element('option', undefined, group);
    option.value = group;
    return option;
  }));
  groupSelect.value = groups.includes(current) || current === ALL ? current : ALL;
  if (groupSelect.value !== current) state.group = groupSelect.value;
}

function statusBadge(status: PartitionStatus): HTMLElement {
  const badge = element('span', `status status-${status}`, STATUS_TEXT[status]);
  return badge;
}

function renderSummary(): void {
  const shown = state.group === ALL ? state.details : state.details.filter((group) => group.group === state.group);
  const lines = shown.map((group) => {
    const line = element('div', 'group-line');
    line.dataset.group = group.group;
    line.append(element('strong', undefined, group.group), statusBadge(group.status));
    const facts = [`${count(group.totalLag)} behind`];
    if (group.maxLagSeconds !== undefined) facts.push(`${seconds(group.maxLagSeconds)} behind the log end (estimate)`);
    if (group.produceRate !== undefined) facts.push(`${group.produceRate.toFixed(1)} msg/s in`);
    if (group.consumeRate !== undefined) facts.push(`${group.consumeRate.toFixed(1)} msg/s committed`);
    facts.push(`${group.members.length} member${group.members.length === 1 ? '' : 's'}`, group.rebalancing ? `rebalancing (${group.state})` : group.state);
    line.append(element('span', 'facts', facts.join(' · ')));
    if (group.missingTopics && group.missingTopics.length > 0) line.append(element('span', 'missing', `committed on deleted topic${group.missingTopics.length === 1 ? '' : 's'}: ${group.missingTopics.join(', ')}`));
    return line;
  });
  if (lines.length === 0) lines.push(element('div', 'group-line', state.frames.length === 0 ? 'Waiting for the first sample…' : 'No consumer group has committed or joined yet.'));
  summary.replaceChildren(...lines);
}

interface TableRow {
  readonly key: string;
  readonly className: string;
  readonly cells: readonly string[];
}

/** Which cells are numbers (right-aligned), by heading. */
const NUMERIC = new Set(['Partition', 'Log end', 'Committed', 'Lag', 'Lag (estimate)', 'Members']);
let tableShape = '';

/** Fills the table, re-using its rows and changing only the cells whose text changed: 200 rows a second stay cheap. */
function setRows(headings: readonly string[], rows: readonly TableRow[]): void {
  const shape = `${headings.join('|')}\u0000${rows.map((row) => row.key).join('|')}`;
  if (shape !== tableShape) {
    tableShape = shape;
    const head = element('tr');
    for (const heading of headings) head.append(element('th', undefined, heading));
    const built = rows.map((row) => {
      const line = element('tr');
      line.dataset.key = row.key;
      for (const heading of headings) line.append(element('td', NUMERIC.has(heading) ? 'num' : undefined));
      return line;
    });
    table.replaceChildren(head, ...built);
  }
  rows.forEach((row, index) => {
    const line = table.rows[index + 1];
    if (!line) return;
    if (line.className !== row.className) line.className = row.className;
    row.cells.forEach((text, cell) => {
      const target = line.cells[cell];
      if (target && target.textContent !== text) target.textContent = text;
    });
  });
}

/** The line under the chart that says what it draws, and the toggles for all partitions and all rows. */
function renderMore(total: number, listed: number): void {
  const parts: (string | HTMLElement)[] = [];
  if (total > DRAWN_PARTITIONS) {
    parts.push(state.drawAll ? `Drawing all ${total} partitions. ` : `Drawing the total and the ${DRAWN_PARTITIONS} partitions with the most lag, of ${total}. `);
    const draw = element('button', 'link', state.drawAll ? `Draw the ${DRAWN_PARTITIONS} with the most lag` : `Draw all ${total}`);
    draw.dataset.action = 'draw-all';
    parts.push(draw, ' ');
  }
  if (total > TABLE_ROWS) {
    parts.push(state.allRows ? `Listing all ${total} partitions. ` : `Listing the ${listed} partitions that need attention most, of ${total}. `);
    const rows = element('button', 'link', state.allRows ? `List the ${TABLE_ROWS} that need attention most` : `List all ${total}`);
    rows.dataset.action = 'all-rows';
    parts.push(rows);
  }
  more.replaceChildren(...parts);
  more.hidden = parts.length === 0;
}

function renderTable(): void {
  if (state.group === ALL) {
    more.hidden = true;
    setRows(
      ['Group', 'State', 'Status', 'Lag', 'Lag (estimate)', 'Members', 'Assignments'],
      state.details.map((group) => ({
        key: group.group,
        className: `status-${group.status}`,
        cells: [group.group, group.state, STATUS_TEXT[group.status], count(group.totalLag), seconds(group.maxLagSeconds), String(group.members.length), group.members.map((member) => `${member.clientId}: ${member.assignments.map((assignment) => `${assignment.topic} [${assignment.partitions.join(', ')}]`).join('; ')}`).join(' | ')],
      })),
    );
    return;
  }
  const group = state.details.find((entry) => entry.group === state.group);
  const partitions = byAttention(group);
  const listed = state.allRows ? partitions : partitions.slice(0, TABLE_ROWS);
  renderMore(partitions.length, listed.length);
  setRows(
    ['Topic', 'Partition', 'Log end', 'Committed', 'Lag', 'Lag (estimate)', 'Status', 'Trend', 'Member'],
    listed.map((partition) => ({
      key: `${partition.topic}:${partition.partition}`,
      className: `status-${partition.status}`,
      cells: [
        partition.topic,
        String(partition.partition),
        count(partition.logEnd),
        partition.committed === undefined ? 'none' : count(partition.committed),
        partition.lag === undefined ? 'unknown' : count(partition.lag),
        seconds(partition.lagSeconds, partition.atLeast),
        STATUS_TEXT[partition.status],
        partition.trend,
        partition.owner ?? 'unassigned',
      ],
    })),
  );
}

function renderBanner(): void {
  const last = state.frames[state.frames.length - 1];
  if (last?.error !== undefined) {
    const since = [...state.frames].reverse().find((frame) => frame.error === undefined);
    banner.textContent = `The cluster stopped answering${since ? ` after ${new Date(since.at).toLocaleTimeString('en-GB')}` : ''}: ${last.error} Sampling goes on; the chart carries on when it answers again.`;
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
  notes.textContent = 'Lag in messages is the log end offset minus the committed offset. Lag in seconds is an estimate: when the log end was at the committed offset, interpolated from the log end offsets seen and their times. A partition with no committed offset is a gap, not zero. Yellow: a rebalance; red: the cluster did not answer.';
}

function renderControls(): void {
  title.textContent = state.title;
  pauseButton.textContent = state.paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(state.paused));
  if (document.activeElement !== intervalInput) intervalInput.value = String(state.intervalSeconds);
}

let tablePending = false;

function render(update?: { frame: LagFrame; dropped: number }): void {
  renderControls();
  renderGroupSelect();
  renderBanner();
  renderSummary();
  if (update) updateChart(update.frame, update.dropped);
  else buildChart();
  // The table in the next frame: the chart and the table each fit in a frame of their own.
  if (!tablePending) {
    tablePending = true;
    requestAnimationFrame(() => {
      tablePending = false;
      renderTable();
    });
  }
  document.body.dataset.frames = String(state.frames.length);
  document.body.dataset.totalLag = String(state.details.reduce((sum, group) => sum + group.totalLag, 0));
}

/** Drops the frames older than the view keeps; returns how many went. */
function trim(): number {
  const last = state.frames[state.frames.length - 1];
  if (!last) return 0;
  const oldest = last.at - KEEP_MS;
  let drop = 0;
  while (drop < state.frames.length && (state.frames[drop]?.at ?? 0) < oldest) drop += 1;
  if (drop > 0) state.frames.splice(0, drop);
  return drop;
}

function onReset(params: LagResetParams): void {
  state.title = params.title;
  state.bootstrap = params.bootstrap;
  state.paused = params.paused;
  state.intervalSeconds = params.intervalSeconds;
  state.frames = [...params.frames];
  state.details = params.details;
  render();
}

function onFrame(params: LagFrameParams): void {
  state.frames.push(params.frame);
  state.details = params.details;
  const dropped = trim();
  render({ frame: params.frame, dropped });
}

function onSampling(params: LagSamplingParams): void {
  state.paused = params.paused;
  state.intervalSeconds = params.intervalSeconds;
  renderControls();
  summary.dataset.paused = params.reason ?? '';
}

groupSelect.addEventListener('change', () => {
  state.group = groupSelect.value;
  render();
});
rangeSelect.addEventListener('change', applyRange);
more.addEventListener('click', (event) => {
  const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
  if (action === 'draw-all') {
    state.drawAll = !state.drawAll;
    buildChart();
    renderTable();
  } else if (action === 'all-rows') {
    state.allRows = !state.allRows;
    renderTable();
  }
});
pauseButton.addEventListener('click', () => {
  const params: SetPausedParams = { paused: !state.paused };
  void bridge.request(LAG_SET_PAUSED, params);
});
intervalInput.addEventListener('change', () => {
  const value = Number(intervalInput.value);
  if (!Number.isFinite(value) || value <= 0) return;
  const params: SetIntervalParams = { seconds: value };
  void bridge.request(LAG_SET_INTERVAL, params);
});
exportButton.addEventListener('click', () => {
  const params: ExportCsvParams = { rangeSeconds: Number(rangeSelect.value), ...(state.group !== ALL ? { group: state.group } : {}) };
  void bridge.request(LAG_EXPORT_CSV, params);
});
new ResizeObserver(() => {
  if (chart) chart.setSize({ width: Math.max(320, chartBox.clientWidth), height: 280 });
}).observe(chartBox);
// A theme change re-colours the chart.
new MutationObserver(() => buildChart()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const bridge = new HostBridge((method, params) => {
  if (method === LAG_RESET) onReset(params as LagResetParams);
  else if (method === LAG_FRAME) onFrame(params as LagFrameParams);
  else if (method === LAG_SAMPLING) onSampling(params as LagSamplingParams);
});
