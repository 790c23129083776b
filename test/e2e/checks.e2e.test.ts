/**
 * Lab 01's checks in the browser VS Code, as a learner meets them: run them on the starter (failures in
 * the Labs tree, the Testing view and a notice with the counts), lay the reference solution over it, run
 * them again from the CodeLens (all green). The verdicts must be the engine's own on the same files.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { checkLab } from '../../src/core/checks/checkLab';
import type { CheckResult } from '../../src/core/checks/types';
import { loadCatalog, type Lab } from '../../src/core/labs/catalog';
import { ensureCheckPython } from '../support/nativePython';
import { useWorkbench } from './harness/session';
import { notifications, openViewContainer, pickQuickItem, revealTreeRow, runCommand, runCommandUntil, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_DIR = join(REPO, 'labs', '01-heap-ranking');
const LAB_NAME = '01 Heap-based ranking system';
const OUTCOME_TEXT = { passed: 'passed', failed: 'failed', 'could-not-run': 'could not run' } as const;

describe('Running lab 01\'s checks in VS Code (code-server + Chromium)', () => {
  let python = '';
  let lab: Lab;
  let starterVerdicts: CheckResult[] = [];
  const suite = useWorkbench('checks', async () => {
    python = await ensureCheckPython([join(LAB_DIR, 'starter', 'requirements.txt')]);
    return { settings: { 'dataEngLabs.python.interpreterPath': python, 'dataEngLabs.checks.runOnSave': true } };
  });


  before(async () => {
    const catalog = await loadCatalog(join(REPO, 'labs'));
    lab = catalog.entries.find((entry): entry is Lab => entry.status === 'ok' && entry.manifest.id === 'heap-ranking') as Lab;
    // What the engine says of the starter, outside VS Code: the editor must say the same.
    const copy = mkdtempSync(join(tmpdir(), 'delabs-e2e-starter-'));
    cpSync(join(LAB_DIR, 'starter'), copy, { recursive: true });
    starterVerdicts = [...(await checkLab({ lab, workDir: copy, python })).results];
    rmSync(copy, { recursive: true, force: true });
    assert.ok(starterVerdicts.some((result) => result.status === 'failed'), 'the starter fails some checks');
    assert.ok(starterVerdicts.every((result) => result.status !== 'could-not-run'), 'every check runs on this machine');
  });

  it('runs the checks on the starter and shows each verdict in the Labs tree and a summary notice', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'Heap-based', LAB_NAME);
    await page.locator('.tabs-container .tab', { hasText: 'leaderboard.py' }).first().waitFor({ timeout: 30_000 });

    // The extension's log says when the checks start.
    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().includes(`checks of ${LAB_NAME} in`));
    const passed = starterVerdicts.filter((result) => result.status === 'passed').length;
    const failed = starterVerdicts.filter((result) => result.status === 'failed').length;
    const summary = `Data Labs: ${LAB_NAME}: ${passed} passed, ${failed} failed.`;
    await suite.withLog(waitFor('the summary notice', () => notifications(page), (texts) => texts.includes(summary), 90_000));

    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, /^1\. Foundational/, `${LAB_NAME}, in progress`);
    for (const result of starterVerdicts) {
      await revealTreeRow(page, `${LAB_NAME}, in progress`, `${result.title}, ${OUTCOME_TEXT[result.status]}`);
    }
    await suite.workbench.screenshot('checks-01-starter-tree');
  });

  it('shows the same verdicts in the Testing view, one test item per check', async () => {
    const page = suite.workbench.page;
    await openViewContainer(page, 'Testing');
    // With one test controller, the Testing view shows its items at the top level: the lab, then its checks.
    // Each row's label carries the verdict: "<title> (Failed), in 0.4s".
    const labRow = new RegExp(`^${LAB_NAME} \\(Failed\\)`);
    await revealTreeRow(page, /^Test Explorer|^Data Labs/, labRow, 60_000);
    for (const result of starterVerdicts) {
      await revealTreeRow(page, labRow, new RegExp(`^${escapeRegExp(result.title)} \\(${result.status === 'passed' ? 'Passed' : 'Failed'}\\)`));
    }
    await suite.workbench.screenshot('checks-02-testing-view');
    await page.keyboard.press('Escape');
  });

  it('passes every check once the reference solution is laid over the starter, run from the CodeLens', async () => {
    const page = suite.workbench.page;
    const labFolder = join(suite.session.workspace, 'labs', '01-heap-ranking');
    for (const file of readdirSync(join(LAB_DIR, 'solution'))) cpSync(join(LAB_DIR, 'solution', file), join(labFolder, file));
    await page.locator('.tabs-container .tab', { hasText: 'leaderboard.py' }).first().click();
    const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run Checks' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await lens.click();
    const total = lab.manifest.checks.length;
    await suite.withLog(waitFor('the all-pass notice', () => notifications(page), (texts) => texts.includes(`Data Labs: all ${total} checks of ${LAB_NAME} pass.`), 90_000));

    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, /^1\. Foundational/, `${LAB_NAME}, passed`);
    for (const check of lab.manifest.checks) await revealTreeRow(page, `${LAB_NAME}, passed`, `${check.title}, passed`);
    await page.locator('.statusbar-item', { hasText: `Checks ${total}/${total}` }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await suite.workbench.screenshot('checks-03-solution-green');
  });

  it('re-runs the checks when a file of the lab is saved (watch mode), once for two quick saves', async () => {
    const page = suite.workbench.page;
    const saveRuns = (): number => suite.session.extensionLog().split('\n').filter((line) => line.includes(`checks of ${LAB_NAME} in`) && line.endsWith('(save)')).length;
    assert.equal(saveRuns(), 0, 'no save has run the checks yet');
    await page.locator('.tabs-container .tab', { hasText: 'leaderboard.py' }).first().click();
    // The solution was copied on disk behind the editor's back: load it, or the save below would meet
    // "the content of the file is newer".
    await runCommand(page, 'File: Revert File');
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    // A syntax error: every pytest check fails at it.
    await page.keyboard.type('\ndef broken(:\n');
    await page.keyboard.press('Control+S');
    await page.keyboard.type('\n');
    await page.keyboard.press('Control+S');
    await waitFor('the checks to run after the saves', saveRuns, (runs) => runs >= 1, 30_000);
    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, /^1\. Foundational/, `${LAB_NAME}, in progress`, 90_000);
    await revealTreeRow(page, `${LAB_NAME}, in progress`, `${lab.manifest.checks[0]?.title ?? ''}, failed`);
    // Two saves within the debounce time are one run.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(saveRuns(), 1);
    await suite.workbench.screenshot('checks-04-watch-mode');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
