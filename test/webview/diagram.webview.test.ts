/**
 * The diagram view (dist/webviews/diagram.js) in headless Chromium, in its real shell: ER diagrams by
 * its own renderer and by mermaid, hostile names, search, focus, problems with the last good diagram,
 * pan and zoom kept across redraws, SVG export, and mermaid previews with their errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { schemaFromDdl, type SqlParse } from '../../src/core/er/ddl';
import { loadSqlParser } from '../../src/core/er/pgParser';
import type { ErModel } from '../../src/shared/er';
import type { DiagramShowParams, RenderedParams } from '../../src/shared/erProtocol';
import { markdownMermaidBlocks } from '../../src/shared/mermaidText';
import { erShowParams } from '../support/erShowParams';
import { openWebview, type WebviewPage } from '../support/webviewPage';

const LABS = join(__dirname, '..', '..', 'labs');
let parse: SqlParse;

function modelOf(sql: string): ErModel {
  const { model, errors } = schemaFromDdl([{ path: 'schema.sql', text: sql }], parse);
  assert.deepEqual(errors, []);
  return model;
}

async function show(view: WebviewPage, params: DiagramShowParams): Promise<RenderedParams> {
  await view.notify('diagram/show', params);
  await view.page.waitForFunction((serial) => document.body.dataset.rendered === String(serial), params.serial, { timeout: 60_000 });
  const rendered = (await view.posted()).filter((message) => message.method === 'diagram/rendered').map((message) => message.params as RenderedParams);
  return rendered.find((entry) => entry.serial === params.serial) ?? { serial: params.serial, renderer: 'builtin', drawMs: 0, viewMs: 0, entities: 0, errors: [] };
}

describe('the diagram view', () => {
  let view: WebviewPage;

  before(async () => {
    parse = await loadSqlParser();
    view = await openWebview('diagram', { variables: { '--vscode-charts-yellow': '#cca700' } });
  });

  after(async () => {
    await view?.close();
  });

  it("draws lab 07's star schema with its own renderer: six tables, five relationships, every column as text", async () => {
    const model = modelOf(readFileSync(join(LABS, '07-analytics-star-schema', 'solution', 'schema.sql'), 'utf8'));
    const rendered = await show(view, erShowParams(model, 1, 'builtin'));
    assert.deepEqual([rendered.renderer, rendered.entities, rendered.errors], ['builtin', 6, []]);
    const tables = await view.page.locator('#root svg.er [data-table]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-table')));
    assert.deepEqual(tables, ['dw.dim_date', 'dw.dim_category', 'dw.dim_product', 'dw.dim_customer', 'dw.dim_store', 'dw.fact_sales']);
    assert.equal(await view.page.locator('#root svg.er path.er-edge').count(), 5);
    const product = await view.page.locator('[data-table="dw.dim_product"] text').allTextContents();
    assert.deepEqual(product, ['dw.dim_product', 'integer', 'product_key', 'PK', 'not null', 'integer', 'product_id', 'UK', 'not null', 'text', 'product_name', 'not null', 'numeric(10,2)', 'list_price', 'not null', 'integer', 'category_key', 'FK', 'not null']);
    assert.equal(await view.page.locator('.status').textContent(), '6 of 6 tables, 5 relationships · dagre layout, drawn by Data Labs');
  });

  for (const renderer of ['builtin', 'mermaid'] as const) {
    it(`shows hostile names as text and runs nothing, drawn by ${renderer === 'builtin' ? 'its own renderer' : 'mermaid'}`, async () => {
      const model = modelOf(`create table "<img src=x onerror=window.__pwned=1>" ("<script>window.__pwned=2</script>" int primary key, "a""b" text);
create table "t&amp;" (x int constraint "</text><script>window.__pwned=3</script>" references "<img src=x onerror=window.__pwned=1>");`);
      const rendered = await show(view, erShowParams(model, renderer === 'builtin' ? 2 : 3, renderer, { subject: `er:hostile:${renderer}` }));
      assert.deepEqual([rendered.renderer, rendered.entities, rendered.errors], [renderer, 2, []]);
      const found = await view.page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        injected: document.querySelectorAll('#root img, #root script, #root iframe, #root foreignObject script').length,
        text: document.querySelector('#root svg')?.textContent ?? '',
      }));
      assert.equal(found.pwned, undefined);
      assert.equal(found.injected, 0);
      assert.ok(found.text.includes('public.<img src=x onerror=window.__pwned=1>'), found.text.slice(0, 300));
      assert.ok(found.text.includes('<script>window.__pwned=2</script>'), found.text.slice(0, 300));
      assert.ok(found.text.includes('public.t&amp;'), found.text.slice(0, 300));
      assert.ok(!view.console.some((line) => line.startsWith('dialog:')), view.console.join('\n'));
    });
  }

  it('searches tables and columns, dims the rest, and asks the host to open a clicked table', async () => {
    const model = modelOf(readFileSync(join(LABS, '05-normalization-er', 'solution', 'schema.sql'), 'utf8'));
    await show(view, erShowParams(model, 4, 'builtin', { subject: 'er:lab05' }));
    await view.page.fill('input.search', 'isbn');
    assert.deepEqual(await view.page.locator('g.node.match').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-table'))), ['public.books', 'public.order_lines']);
    assert.equal(await view.page.locator('g.node.dimmed').count(), 4);
    assert.match((await view.page.locator('.status').textContent()) ?? '', /2 matches \(Enter for the next\)$/);
    await view.page.fill('input.search', '');
    await view.page.locator('[data-table="public.authors"] .er-title').click();
    await view.page.waitForFunction(() => (window as unknown as { __posted: { method?: string }[] }).__posted.some((message) => message.method === 'er/revealTable'));
    const reveal = (await view.posted()).filter((message) => message.method === 'er/revealTable').at(-1);
    assert.deepEqual(reveal?.params, { table: 'public.authors' });
  });

  it('asks the host for a focus on a table and the hops around it', async () => {
    await view.page.selectOption('select.focus', 'public.books');
    const request = (await view.posted()).filter((message) => message.method === 'er/setView').at(-1);
    assert.deepEqual(request?.params, { view: { kind: 'focus', table: 'public.books', hops: 1 } });
  });

  it('keeps the place the learner panned and zoomed to across redraws of the same schema, and fits another', async () => {
    const model = modelOf(readFileSync(join(LABS, '05-normalization-er', 'solution', 'schema.sql'), 'utf8'));
    await view.page.click('[data-action="actual"]');
    await view.page.click('[data-action="zoom-in"]');
    const zoomed = await view.page.locator('.viewport').getAttribute('data-scale');
    assert.equal(zoomed, '1.200');
    await show(view, erShowParams(model, 5, 'builtin', { subject: 'er:lab05' }));
    assert.equal(await view.page.locator('.viewport').getAttribute('data-scale'), '1.200');
    await show(view, erShowParams(modelOf('create table a (id int primary key);'), 6, 'builtin', { subject: 'er:another' }));
    await view.page.waitForFunction(() => document.querySelector('.viewport')?.getAttribute('data-scale') !== '1.200');
  });

  it('lists the statements that do not parse above the last good diagram, and asks the host to open one', async () => {
    const model = modelOf('create table a (id int primary key);\ncreate table b (a_id int references a);');
    await show(view, erShowParams(model, 7, 'builtin', { subject: 'er:problems' }));
    await show(view, erShowParams(model, 8, 'builtin', { subject: 'er:problems', stale: true, problems: [{ file: 'schema.sql', line: 3, column: 24, message: 'syntax error at or near ","' }] }));
    assert.deepEqual(await view.page.locator('.problems .problem').allTextContents(), ['schema.sql:3:24  syntax error at or near ","']);
    assert.equal(await view.page.locator('.problems .stale').textContent(), 'The diagram below is the last one that could be drawn; it updates when the text parses again.');
    assert.equal(await view.page.locator('.stage.stale [data-table]').count(), 2);
    await view.page.click('.problems button.problem');
    await view.page.waitForFunction(() => (window as unknown as { __posted: { method?: string }[] }).__posted.some((message) => message.method === 'diagram/revealProblem'));
  });

  it('exports the diagram on show as a standalone SVG with the theme\'s colours written in', async () => {
    const model = modelOf('create table a (id int primary key);\ncreate table b (a_id int not null references a);');
    await show(view, erShowParams(model, 9, 'builtin', { subject: 'er:export' }));
    const { svg } = (await view.ask('diagram/svg', null)) as { svg: string };
    assert.ok(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg'), svg.slice(0, 120));
    assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.includes('--er-fg: #d4d4d4;'), 'the foreground colour is written in');
    assert.ok(!svg.includes('var(--vscode-'), 'no VS Code variable is left to resolve');
    assert.ok(!svg.includes('nonce='), 'no nonce');
    assert.ok(svg.includes('>public.a</text>') && svg.includes('>public.b</text>'));
  });

  it('draws every mermaid block of a Markdown file, and names a block that does not parse by its file line, keeping its last drawing', async () => {
    const markdown = '# Pipeline\n\n```mermaid\nflowchart LR\n  api --> kafka --> spark\n```\n\nText.\n\n```mermaid\nsequenceDiagram\n  A->>B: hello\n```\n';
    const params = (text: string, serial: number): DiagramShowParams => {
      const blocks = markdownMermaidBlocks(text);
      return {
        title: 'Mermaid: docs/architecture.md',
        serial,
        subject: 'mermaid:docs/architecture.md',
        diagrams: blocks.map((block) => ({ text: block.source, caption: `architecture.md, the block at line ${block.startLine}`, file: 'docs/architecture.md', startLine: block.startLine, lines: block.lines, maxTextSize: 50_000, maxEdges: 500 })),
        layout: 'dagre',
        problems: [],
        stale: false,
      };
    };
    const first = await show(view, params(markdown, 10));
    assert.deepEqual([first.renderer, first.errors], ['mermaid', []]);
    assert.equal(await view.page.locator('#root figure.diagram svg').count(), 2);
    assert.deepEqual(await view.page.locator('#root figure figcaption').allTextContents(), ['architecture.md, the block at line 4', 'architecture.md, the block at line 11']);
    const broken = await show(view, params(markdown.replace('api --> kafka --> spark', 'api --> kafka -->'), 11));
    assert.equal(broken.errors.length, 1);
    assert.match(broken.errors[0] ?? '', /^docs\/architecture\.md:5 {2}Parse error on line 5/);
    assert.equal(await view.page.locator('#root figure.diagram.stale svg').count(), 1, 'the broken block keeps its last drawing');
    assert.equal(await view.page.locator('#root figure.diagram svg').count(), 2);
  });

  it('says what to do when there is nothing to draw', async () => {
    await show(view, { title: 'ER diagram of 05: the DDL files', serial: 12, subject: 'er:empty', diagrams: [], layout: 'dagre', problems: [], stale: false, empty: 'No CREATE TABLE in the SQL files of 05 yet: write one, and the diagram appears as you type.' });
    assert.equal(await view.page.locator('.empty').textContent(), 'No CREATE TABLE in the SQL files of 05 yet: write one, and the diagram appears as you type.');
    assert.equal(await view.page.locator('.viewport').isHidden(), true);
  });
});
