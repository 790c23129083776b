/**
 * The extension in a real VS Code in a real browser, as a learner meets it: installed from its .vsix,
 * with its Labs view in the activity bar, its commands in the palette and its SQL language server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { openFile, openViewContainer, runCommand, saveActiveEditor, waitFor } from './harness/workbench';

const version = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

describe('Data Engineering Labs in VS Code (code-server + Chromium)', () => {
  const suite = useWorkbench('skeleton', {
    workspaceFiles: { 'queries/report.sql': 'select id, name from users where active order by name;\n' },
    // The formatter indents by the editor's tab size for SQL, so the test sets it.
    settings: { '[sql]': { 'editor.tabSize': 2, 'editor.detectIndentation': false } },
  });

  it('shows the Labs view in the Data Labs activity-bar container', async () => {
    const sidebar = await openViewContainer(suite.workbench.page, 'Data Labs');
    // The container's only view: VS Code titles the side bar "Data Labs: Labs" and hides the pane header.
    await sidebar.locator('.composite.title', { hasText: 'Data Labs: Labs' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await sidebar.getByRole('treeitem', { name: /^1\. Foundational/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await suite.workbench.screenshot('01-labs-view');
  });

  it('activates and logs its activation time; "Data Labs: Show Logs" reveals the log', async () => {
    const log = await waitFor('the activation line in the extension log', () => suite.session.extensionLog(), (text) => text.includes('activated in'));
    assert.match(log, new RegExp(`\\[info\\] Data Engineering Labs ${version.replace(/\./g, '\\.')} activated in \\d+\\.\\d\\d ms`));

    await runCommand(suite.workbench.page, 'Data Labs: Show Logs');
    const output = suite.workbench.page.locator('.part.panel');
    await output.locator('.monaco-select-box, select', { hasText: 'Data Engineering Labs' }).first().waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
      // Newer workbenches show the channel name in an action bar instead of a select box.
      await output.getByText('Data Engineering Labs', { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
    });
    await output.locator('.view-lines', { hasText: 'activated in' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await suite.workbench.screenshot('02-show-logs');
  });

  it('opens the getting-started walkthrough with "Data Labs: Get Started"', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Get Started');
    const editor = suite.workbench.page.locator('.part.editor');
    await editor.getByText('Get started with Data Engineering Labs').first().waitFor({ state: 'visible', timeout: 30_000 });
    for (const step of ['Find the Labs view', 'Open a lab', "Start the lab's services", 'Run the checks']) {
      await editor.getByText(step, { exact: true }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    await suite.workbench.screenshot('03-walkthrough');
    await suite.workbench.page.keyboard.press('Control+W');
  });

  it('formats the open SQL file with "Data Labs: Format SQL" through its language server', async () => {
    await openFile(suite.workbench.page, 'queries/report.sql');
    await runCommand(suite.workbench.page, 'Data Labs: Format SQL');
    await waitFor(
      'the formatted text in the editor',
      () => suite.workbench.page.locator('.editor-instance .view-lines').first().innerText(),
      (text) => text.replace(/\u00a0/g, ' ').startsWith('SELECT\n'),
    );
    await saveActiveEditor(suite.workbench.page);
    const saved = await waitFor(
      'report.sql to be saved formatted',
      () => readFileSync(join(suite.session.workspace, 'queries', 'report.sql'), 'utf8'),
      (text) => text.startsWith('SELECT'),
    );
    assert.equal(saved, 'SELECT\n  id,\n  name\nFROM\n  users\nWHERE\n  active\nORDER BY\n  name;\n');
    await suite.workbench.screenshot('04-format-sql');
  });
});
