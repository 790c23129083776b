/**
 * npm run bench:plans: the plan view against dalibo's PEV2 on the same large plan, in the same headless
 * Chromium, in the same run. For each renderer and each run, a fresh page loads the renderer, is handed
 * the plan, and the clock stops at the first frame painted after the plan's nodes are in the DOM (two
 * animation frames after they appear). Printed: time to first render (median, min, max), JS heap and
 * DOM elements after it, and for the plan view the host's share (reading the JSON into the plan model
 * and serialising the message, in Node, as the extension does) added to its webview time, which starts
 * with the message's JSON as VS Code delivers it.
 *
 *   npm run bench:plans -- --runs 5 --plan test/fixtures/plans/partitions.json
 *
 * The plan view runs in its real shell (strict CSP with a nonce, its bundle and stylesheet from dist/);
 * PEV2 runs as its README says (Vue's global build, pev2.umd.js, Bootstrap's and PEV2's CSS).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { planFromJson } from '../src/core/plans/planModel';
import type { ShowPlanParams } from '../src/shared/planProtocol';
import { encodePlan } from '../src/shared/planWire';
import { renderWebviewShell } from '../src/extension/webviewHosts/webviewHtml';
import { CHROMIUM_FLAGS } from '../test/e2e/harness/browser';
import { argument, median } from './figures';

const root = join(__dirname, '..');
const ORIGIN = 'http://bench.invalid';
const BUDGET_MS = 300;
const RENDER_TIMEOUT_MS = Number(process.env.BENCH_RENDER_TIMEOUT_MS ?? 180_000);

interface Sample {
  /** From handing over the plan to the first frame painted with its nodes. */
  readonly renderMs: number;
  readonly heapMb: number;
  readonly domElements: number;
  /** What the renderer drew: node rows (plan view) or node boxes (PEV2). */
  readonly drawnNodes: number;
}

const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  '/ours/plan.js': { path: 'dist/webviews/plan.js', type: 'text/javascript' },
  '/ours/plan.css': { path: 'dist/webviews/plan.css', type: 'text/css' },
  '/pev2/vue.js': { path: 'node_modules/vue/dist/vue.global.prod.js', type: 'text/javascript' },
  '/pev2/pev2.js': { path: 'node_modules/pev2/dist/pev2.umd.js', type: 'text/javascript' },
  '/pev2/pev2.css': { path: 'node_modules/pev2/dist/pev2.css', type: 'text/css' },
  '/pev2/bootstrap.css': { path: 'node_modules/bootstrap/dist/css/bootstrap.min.css', type: 'text/css' },
};

const OURS_HTML = renderWebviewShell({
  cspSource: ORIGIN,
  nonce: 'bench-nonce',
  title: 'Plan',
  scriptUri: `${ORIGIN}/ours/plan.js`,
  styleUris: [`${ORIGIN}/ours/plan.css`],
  initialState: null,
}).replace('<body', '<body class="vscode-dark"');

const PEV2_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<link rel="stylesheet" href="${ORIGIN}/pev2/bootstrap.css"><link rel="stylesheet" href="${ORIGIN}/pev2/pev2.css">
<script src="${ORIGIN}/pev2/vue.js"></script><script src="${ORIGIN}/pev2/pev2.js"></script>
</head><body><div id="app" class="d-flex flex-column vh-100"></div></body></html>`;

async function servePages(page: Page): Promise<void> {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/ours/index.html') return route.fulfill({ contentType: 'text/html', body: OURS_HTML });
    if (path === '/pev2/index.html') return route.fulfill({ contentType: 'text/html', body: PEV2_HTML });
    const file = FILES[path];
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: file.type, body: readFileSync(join(root, file.path)) });
  });
}

/**
 * The page's side, as source text (tsx would wrap functions passed to the page in its own helpers):
 * `__benchRun(arg)` hands the plan to the renderer and resolves with the milliseconds until the first
 * frame painted after its nodes are in the DOM (two animation frames after they appear).
 */
const PAGE_SCRIPT = `
window.__benchPainted = (selector, start) => new Promise((resolve, reject) => {
  const deadline = performance.now() + ${RENDER_TIMEOUT_MS};
  const check = () => {
    if (document.querySelector(selector)) requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
    else if (performance.now() > deadline) reject(new Error('nothing matching ' + selector + ' was drawn in ${RENDER_TIMEOUT_MS / 1000} s: ' + document.body.innerText.slice(0, 300)));
    else requestAnimationFrame(check);
  };
  check();
});
window.__benchDrawAll = async () => {
  const start = performance.now();
  document.querySelector('.tools button:nth-of-type(1)').click();
  for (let more = document.querySelector('button.more'); more; more = document.querySelector('button.more')) more.click();
  return window.__benchPainted('.node-row', start);
};
window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => undefined, setState() {} });
window.__benchRun = (arg) => {
  const start = performance.now();
  if (arg.renderer === 'ours') {
    // VS Code hands the webview the host's message after a trip through JSON.
    window.postMessage({ type: 'host/notify', method: 'plan/show', params: JSON.parse(arg.message) }, '*');
    return window.__benchPainted('body[data-rendered] .node-row', start);
  }
  const app = Vue.createApp({ render: () => Vue.h(pev2.Plan, { planSource: arg.source, planQuery: '' }) });
  app.mount('#app');
  return window.__benchPainted('.plan-node', start);
};
`;

async function pageFigures(page: Page, selector: string): Promise<Pick<Sample, 'heapMb' | 'domElements' | 'drawnNodes'>> {
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  const heap = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
  const counts = await page.evaluate((nodes) => ({ dom: document.getElementsByTagName('*').length, drawn: document.querySelectorAll(nodes).length }), selector);
  return { heapMb: heap.usedSize / (1024 * 1024), domElements: counts.dom, drawnNodes: counts.drawn };
}

interface OursSample extends Sample {
  /** Reading the JSON into the plan model and serialising the message, in Node, as the host does. */
  readonly hostMs: number;
  /** From "Expand all" to the frame with every node drawn (clicking "Show more" until none is left). */
  readonly allMs: number;
  readonly allDrawn: number;
}

async function renderOurs(browser: Browser, planJson: string): Promise<OursSample> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.addInitScript({ content: PAGE_SCRIPT });
    await servePages(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${ORIGIN}/ours/index.html`);
    // The host's share: the extension reads the JSON into the plan model and serialises the message.
    // Measured once the page has settled, as the extension host runs beside an idle webview.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    const hostStart = performance.now();
    const params: ShowPlanParams = { plan: encodePlan(planFromJson(planJson)), serial: 1, title: 'bench' };
    const message = JSON.stringify(params);
    const hostMs = performance.now() - hostStart;
    const renderMs = await page.evaluate((arg) => (window as unknown as { __benchRun(value: unknown): Promise<number> }).__benchRun(arg), { renderer: 'ours', message });
    const figures = await pageFigures(page, '.node-row');
    // Then every node, as a learner gets them: Expand all, and "Show more" until no member is hidden.
    const allMs = await page.evaluate(() => (window as unknown as { __benchDrawAll(): Promise<number> }).__benchDrawAll());
    const allDrawn = await page.evaluate(() => document.querySelectorAll('.node-row').length);
    if (errors.length > 0) throw new Error(`The plan view reported errors: ${errors.join('; ')}`);
    return { renderMs, hostMs, allMs, allDrawn, ...figures };
  } finally {
    await page.close();
  }
}

async function renderPev2(browser: Browser, planJson: string): Promise<Sample> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.addInitScript({ content: PAGE_SCRIPT });
    await servePages(page);
    await page.goto(`${ORIGIN}/pev2/index.html`);
    const renderMs = await page.evaluate((arg) => (window as unknown as { __benchRun(value: unknown): Promise<number> }).__benchRun(arg), {
      renderer: 'pev2',
      source: planJson,
    });
    return { renderMs, ...(await pageFigures(page, '.plan-node')) };
  } finally {
    await page.close();
  }
}

function summary(name: string, samples: readonly Sample[], extra = ''): string {
  const times = samples.map((sample) => sample.renderMs);
  return [
    `${name}: first render ${median(times).toFixed(0)} ms median (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})${extra}`,
    `  JS heap ${median(samples.map((sample) => sample.heapMb)).toFixed(1)} MB, ${median(samples.map((sample) => sample.domElements))} DOM elements, ${median(samples.map((sample) => sample.drawnNodes))} plan nodes drawn`,
  ].join('\n');
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(argument('--runs', '5')) || 5);
  const planPath = argument('--plan', 'test/fixtures/plans/partitions.json');
  const planJson = readFileSync(join(root, planPath), 'utf8');
  const nodeCount = planFromJson(planJson).nodes.length;
  console.log(`plan: ${planPath}, ${nodeCount.toLocaleString('en-US')} nodes, ${(planJson.length / 1024).toFixed(0)} KiB of JSON; ${runs} runs each, a fresh page per run`);

  const browser = await chromium.launch({ executablePath: process.env.DELABS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const ours: OursSample[] = [];
  const pev2: Sample[] = [];
  try {
    // One warm-up each (the browser's caches), then the runs alternate so both meet the same machine load.
    await renderOurs(browser, planJson);
    await renderPev2(browser, planJson);
    for (let run = 1; run <= runs; run += 1) {
      const a = await renderOurs(browser, planJson);
      const b = await renderPev2(browser, planJson);
      ours.push(a);
      pev2.push(b);
      console.log(`run ${run}: plan view ${(a.hostMs + a.renderMs).toFixed(0)} ms (host ${a.hostMs.toFixed(1)} + webview ${a.renderMs.toFixed(0)}; every node ${a.allMs.toFixed(0)} ms more), PEV2 ${b.renderMs.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
  }

  const totals = ours.map((sample) => ({ ...sample, renderMs: sample.renderMs + sample.hostMs }));
  console.log('');
  console.log(summary('plan view (host model + webview)', totals, `; host ${median(ours.map((sample) => sample.hostMs)).toFixed(1)} ms of it`));
  console.log(`  every node drawn (Expand all, then Show more until none is hidden): ${median(ours.map((sample) => sample.allMs)).toFixed(0)} ms median, ${median(ours.map((sample) => sample.allDrawn))} nodes`);
  console.log(summary('PEV2 1.21 (dalibo)', pev2));
  const ratio = median(pev2.map((sample) => sample.renderMs)) / median(totals.map((sample) => sample.renderMs));
  const times = (ratioValue: number): string => (ratioValue >= 1 ? `${ratioValue.toFixed(1)}× faster` : `${(1 / ratioValue).toFixed(1)}× SLOWER`);
  const everyNode = median(pev2.map((sample) => sample.renderMs)) / median(ours.map((sample) => sample.hostMs + sample.renderMs + sample.allMs));
  const firstRender = median(totals.map((sample) => sample.renderMs));
  console.log(`budget (DESIGN.md section 8): a plan of 2,000 nodes drawn under ${BUDGET_MS} ms: ${firstRender < BUDGET_MS ? 'within' : 'OVER'} (${firstRender.toFixed(0)} ms)`);
  console.log(`plan view against PEV2: ${times(ratio)} to first render; ${times(everyNode)} to every node drawn (PEV2 draws every node in its first render)`);
  if (ours.some((sample) => sample.drawnNodes === 0 || sample.allDrawn !== nodeCount) || pev2.some((sample) => sample.drawnNodes === 0)) throw new Error('A renderer drew no plan nodes');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
