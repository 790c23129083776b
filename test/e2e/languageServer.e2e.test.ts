/**
 * The language server in the browser VS Code, on lab 07: a statement that does not parse is a problem in
 * the Problems panel with the PostgreSQL parser's message, at its line; completion offers the tables of
 * the lab's DDL files after FROM and a table's columns after its alias; hover tells a column's type.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { useWorkbench } from './harness/session';
import { clickDialogButton, openFile, pickQuickItem, runCommand, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');

/** The text area of the editor in the active group. */
const activeEditor = (page: Page): Locator => page.locator('.editor-group-container.active .monaco-editor .view-lines').first();

describe("The language server on lab 07's SQL (code-server + Chromium)", () => {
  const suite = useWorkbench('language-server', { settings: { 'dataEngLabs.services.useDocker': 'never' } });

  it('shows a statement that does not parse in the Problems panel, with the parser\'s message at its line', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'analytics schema', '07 PostgreSQL analytics schema');
    await clickDialogButton(page, 'Open Anyway');
    const labFolder = join(suite.session.workspace, 'labs', '07-analytics-star-schema');
    await waitFor('the starter in the workspace', () => existsSync(labFolder) && readdirSync(labFolder).includes('queries'), Boolean);
    cpSync(join(REPO, 'labs', '07-analytics-star-schema', 'solution'), labFolder, { recursive: true });
    // The lab opens its files and its brief; once it has, only the query file is wanted.
    await page.locator('.tabs-container .tab', { hasText: 'README' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'labs/07-analytics-star-schema/queries/top_customers.sql');
    await activeEditor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nselect customer_name,, country\n  from dw.dim_customer;\n');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: 'syntax error at or near ","' }).first();
    await marker.waitFor({ timeout: 30_000 });
    const row = (await marker.textContent()) ?? '';
    assert.match(row, /PostgreSQL parser/);
    assert.match(row, /\[Ln \d+, Col 22\]/);
    await suite.workbench.screenshot('language-server-01-problems');
  });

  it('completes the tables of the DDL files after FROM, and the columns of an alias after its dot', async () => {
    const page = suite.workbench.page;
    await activeEditor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('select s. from dw.dim_store s;');
    // The cursor after "s.": 9 characters into the line.
    await page.keyboard.press('Home');
    for (let step = 0; step < 9; step += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.filter({ hasText: 'store_name' }).first().waitFor({ timeout: 30_000 });
    const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    assert.deepEqual(labels.slice(0, 5), ['store_key', 'store_id', 'store_name', 'channel', 'city']);
    await suite.workbench.screenshot('language-server-02-completion');
    await page.keyboard.press('Escape');
  });
});
