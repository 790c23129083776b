/**
 * Lab 02 (the key-value store) in the browser VS Code, as a learner meets it: open it from the command
 * palette, run its checks on the starter (the learner's server started, talked to by the real redis-cli
 * and redis-py, killed mid-write), see the engine's own verdicts in the Labs tree and a notice with the
 * counts; then lay the reference solution over the starter, run them again: every check passes.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { checkLab } from '../../src/core/checks/checkLab';
import type { CheckResult } from '../../src/core/checks/types';
import { loadCatalog, type Lab } from '../../src/core/labs/catalog';
import { ensureCheckPython } from '../support/nativePython';
import { useWorkbench } from './harness/session';
import { clickDialogButton, notifications, openViewContainer, pickQuickItem, revealTreeRow, runCommand, runCommandUntil, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_DIR = join(REPO, 'labs', '02-kv-store');
const OUTCOME_TEXT = { passed: 'passed', failed: 'failed', 'could-not-run': 'could not run' } as const;

describe('Lab 02, the key-value store, in VS Code (code-server + Chromium)', () => {
  let python = '';
  let lab: Lab;
  let labName = '';
  let mainFile = '';
  let starterVerdicts: CheckResult[] = [];
  const suite = useWorkbench('kv-store', async () => {
    python = await ensureCheckPython([join(LAB_DIR, 'starter', 'requirements.txt')]);
    return { settings: { 'dataEngLabs.python.interpreterPath': python } };
  });


  before(async () => {
    const catalog = await loadCatalog(join(REPO, 'labs'));
    lab = catalog.entries.find((entry): entry is Lab => entry.status === 'ok' && entry.manifest.id === 'kv-store') as Lab;
    assert.ok(lab, 'lab 02 loads from the catalog');
    labName = `02 ${lab.manifest.title}`;
    mainFile = lab.manifest.scaffold.open[0] ?? '';
    // What the engine says of the starter outside VS Code: the editor must say the same.
    const copy = mkdtempSync(join(tmpdir(), 'delabs-e2e-kv-starter-'));
    cpSync(join(LAB_DIR, 'starter'), copy, { recursive: true });
    starterVerdicts = [...(await checkLab({ lab, workDir: copy, python })).results];
    rmSync(copy, { recursive: true, force: true });
    assert.ok(starterVerdicts.some((result) => result.status === 'failed'), 'the starter fails some checks');
    assert.ok(starterVerdicts.every((result) => result.status !== 'could-not-run'), 'every check runs on this machine');
  });

  it('opens lab 02 from the command palette and runs its checks on the starter', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, lab.manifest.title, labName);
    // Lab 02 builds on lab 01 (its expiry heap is lab 01's lazy deletion), which this learner has not passed.
    await clickDialogButton(page, 'Open Anyway');
    const labFolder = join(suite.session.workspace, 'labs', '02-kv-store');
    await waitFor('the starter in the workspace', () => existsSync(join(labFolder, mainFile)), Boolean);
    await page.locator('.tabs-container .tab', { hasText: mainFile.split('/').pop() ?? mainFile }).first().waitFor({ timeout: 30_000 });

    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().includes(`checks of ${labName} in`));
    const passed = starterVerdicts.filter((result) => result.status === 'passed').length;
    const failed = starterVerdicts.filter((result) => result.status === 'failed').length;
    await suite.withLog(waitFor('the summary notice', () => notifications(page), (texts) => texts.includes(`Data Labs: ${labName}: ${passed} passed, ${failed} failed.`), 120_000));

    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, /^1\. Foundational/, `${labName}, in progress`);
    for (const result of starterVerdicts) await revealTreeRow(page, `${labName}, in progress`, `${result.title}, ${OUTCOME_TEXT[result.status]}`);
    await suite.workbench.screenshot('kv-store-01-starter');
  });

  it('passes every check once the reference solution is laid over the starter', async () => {
    const page = suite.workbench.page;
    cpSync(join(LAB_DIR, 'solution'), join(suite.session.workspace, 'labs', '02-kv-store'), { recursive: true });
    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().split('\n').filter((line) => line.includes(`checks of ${labName} in`)).length >= 2);
    const total = lab.manifest.checks.length;
    await suite.withLog(waitFor('the all-pass notice', () => notifications(page), (texts) => texts.includes(`Data Labs: all ${total} checks of ${labName} pass.`), 120_000));
    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, /^1\. Foundational/, `${labName}, passed`);
    for (const check of lab.manifest.checks) await revealTreeRow(page, `${labName}, passed`, `${check.title}, passed`);
    // The status bar counts the checks of the lab whose file is in the active editor.
    await page.locator('.tabs-container .tab', { hasText: mainFile.split('/').pop() ?? mainFile }).first().click();
    await page.locator('.statusbar-item', { hasText: `Checks ${total}/${total}` }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await suite.workbench.screenshot('kv-store-02-solution');
  });
});
