/**
 * The ER diagram beside lab 05's schema, in the browser VS Code: Show ER Diagram draws the tables of the
 * learner's SQL, redraws as they type (a new table and its foreign key appear without a save), keeps the
 * last good diagram under the parser's message while a statement does not parse, opens a table's CREATE
 * TABLE on a click, and exports the diagram as Markdown. And a mermaid preview of the lab's model.md.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { openFile, pickQuickItem, runCommand, runCommandUntil, waitFor, waitForWebview, webviewContent } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_DIR = join(REPO, 'labs', '05-normalization-er');

describe('ER diagrams beside lab 05\'s schema (code-server + Chromium)', () => {
  const suite = useWorkbench('er', { settings: { 'dataEngLabs.services.useDocker': 'never' } });
  const tables = async (): Promise<string[]> => webviewContent(suite.workbench.page).locator('svg.er [data-table]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-table') ?? ''));

  it('draws the tables of the lab\'s SQL files beside the editor', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'Normalization', '05 Normalization and ER diagram case study');
    await page.locator('.tabs-container .tab', { hasText: 'schema.sql' }).first().waitFor({ timeout: 30_000 });
    const labFolder = join(suite.session.workspace, 'labs', '05-normalization-er');
    await waitFor('the starter in the workspace', () => existsSync(labFolder) && readdirSync(labFolder).includes('schema.sql'), Boolean);
    cpSync(join(LAB_DIR, 'solution', 'schema.sql'), join(labFolder, 'schema.sql'));
    // The editor shows the file as it is on disk now (it was not changed in the editor). Room for the
    // diagram, as a learner would make it: the brief and the side bar closed.
    await runCommand(page, 'File: Revert File');
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await openFile(page, 'labs/05-normalization-er/schema.sql');
    await runCommand(page, 'Data Labs: Show ER Diagram');
    await waitForWebview(page, (view) => view.locator('svg.er [data-table]'), 60_000);
    // The editor may still be taking the copied file from disk: the diagram follows it.
    await waitFor('the six tables of the solution', tables, (names) => names.join() === 'public.postcodes,public.customers,public.authors,public.books,public.orders,public.order_lines', 30_000);
    const view = webviewContent(page);
    assert.equal(await view.locator('svg.er path.er-edge').count(), 5);
    assert.equal(await view.locator('header h1').textContent(), 'ER diagram of 05 Normalization and ER diagram case study: the DDL files');
    // No database runs: the view says how to compare with one.
    assert.equal(await view.locator('.drift-note').textContent(), 'The database of 05 Normalization and ER diagram case study is not running: start its services (Data Labs: Start Services) to compare the DDL files with it.');
    await suite.workbench.screenshot('er-01-lab05');
  });

  it('redraws as the learner types: a new table and its foreign key appear before any save', async () => {
    const page = suite.workbench.page;
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    // Inserted as typed text arrives, without the editor's auto-closing of brackets.
    await page.keyboard.insertText('\ncreate table reviews (\n  isbn text not null references books,\n  stars smallint not null\n);\n');
    await waitFor('public.reviews in the diagram', tables, (names) => names.includes('public.reviews'), 30_000);
    const view = webviewContent(page);
    assert.equal(await view.locator('svg.er path.er-edge').count(), 6);
    assert.deepEqual(await view.locator('[data-table="public.reviews"] text').allTextContents(), ['public.reviews', 'text', 'isbn', 'FK', 'not null', 'smallint', 'stars', 'not null']);
    await suite.workbench.screenshot('er-02-typed');
  });

  it('keeps the last good diagram under the parser\'s message while a statement does not parse', async () => {
    const page = suite.workbench.page;
    await page.keyboard.insertText('create table broken (id int,, x int);\n');
    const view = webviewContent(page);
    await view.locator('.problems .problem', { hasText: 'syntax error at or near ","' }).first().waitFor({ timeout: 30_000 });
    const problem = (await view.locator('.problems .problem').first().textContent()) ?? '';
    assert.match(problem, /^schema\.sql:\d+:\d+ {2}syntax error at or near ","$/);
    assert.ok((await tables()).includes('public.reviews'), 'the last good diagram stays');
    assert.equal(await view.locator('.stage.stale').count(), 1);
    await suite.workbench.screenshot('er-03-parse-error');
    // Mended (the broken line deleted), the diagram is current again.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Delete');
    await view.locator('.problems').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  it('opens a table\'s CREATE TABLE when the learner clicks it', async () => {
    const page = suite.workbench.page;
    await webviewContent(page).locator('[data-table="public.authors"] .er-title').click();
    const expected = readFileSync(join(LAB_DIR, 'solution', 'schema.sql'), 'utf8').split('\n').findIndex((text) => /create table authors/i.test(text)) + 1;
    await waitFor('the cursor on CREATE TABLE authors', () => page.locator('.statusbar-item[id="status.editor.selection"]').textContent(), (text) => text?.trim() === `Ln ${expected}, Col 1`, 15_000);
  });

  it('exports the diagram as Markdown with a mermaid block', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Export Diagram as SVG or Markdown...');
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const proposed = await waitFor('the proposed file name', () => dialog.inputValue(), (value) => value.endsWith('normalization-er-er.svg'));
    await dialog.fill(proposed.replace(/\.svg$/, '.md'));
    await dialog.press('Enter');
    const file = join(suite.session.workspace, 'labs', '05-normalization-er', 'normalization-er-er.md');
    const markdown = await waitFor('the Markdown file', () => (existsSync(file) ? readFileSync(file, 'utf8') : ''), (text) => text.endsWith('```\n'));
    assert.ok(markdown.startsWith('# ER diagram of 05 Normalization and ER diagram case study\n\n```mermaid\nerDiagram\n'), markdown.slice(0, 200));
    assert.ok(markdown.includes('t6["public.reviews"] {'), markdown);
  });

  it('previews the mermaid diagram the learner writes in model.md', async () => {
    const page = suite.workbench.page;
    const labFolder = join(suite.session.workspace, 'labs', '05-normalization-er');
    cpSync(join(LAB_DIR, 'solution', 'model.md'), join(labFolder, 'model.md'));
    await openFile(page, 'labs/05-normalization-er/model.md');
    await runCommand(page, 'File: Revert File');
    await runCommandUntil(page, 'Data Labs: Preview Mermaid Diagram', () => suite.session.extensionLog().includes('Mermaid: labs/05-normalization-er/model.md: 1 diagrams'));
    await waitForWebview(page, (view) => view.locator('header h1', { hasText: 'Mermaid: labs/05-normalization-er/model.md' }), 60_000);
    const view = webviewContent(page);
    await view.locator('figure.diagram svg').first().waitFor({ timeout: 60_000 });
    assert.deepEqual(await view.locator('figure.diagram figcaption').allTextContents(), [`model.md, the block at line ${readFileSync(join(LAB_DIR, 'solution', 'model.md'), 'utf8').split('\n').findIndex((text) => text.startsWith('```mermaid')) + 2}`]);
    await suite.workbench.screenshot('er-04-mermaid-preview');
  });
});
