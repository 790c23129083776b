/**
 * A learner opens labs from the command palette, as in the brief of issue 3: the starter lands in their
 * workspace, the brief opens beside it, the Labs tree follows, and their own work is never lost.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { clickDialogButton, expandTreeRow, notifications, revealTreeRow, openViewContainer, pickQuickItem, runCommand, treeRow, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_07 = '07 PostgreSQL analytics schema (star/snowflake model)';

describe('Opening labs in VS Code (code-server + Chromium)', () => {
  const suite = useWorkbench('labs');
  const progressFile = () => join(suite.session.workspace, '.delabs', 'progress.json');
  const readProgress = () => (existsSync(progressFile()) ? (JSON.parse(readFileSync(progressFile(), 'utf8')) as { labs: Record<string, { folder: string }> }) : { labs: {} });

  it('lists the 13 levels of the curriculum in the Labs view', async () => {
    await openViewContainer(suite.workbench.page, 'Data Labs');
    for (const level of ['1. Foundational', '2. Data modeling and DBMS basics', '13. Documentation and communication']) {
      await treeRow(suite.workbench.page, new RegExp(`^${level.replace('.', '\\.')}`)).waitFor({ state: 'visible', timeout: 30_000 });
    }
    await revealTreeRow(suite.workbench.page, /^1\. Foundational/, '01 Heap-based ranking system, not started');
    await suite.workbench.screenshot('labs-01-levels');
  });

  it('opens lab 01 from the command palette: starter files, brief and main file open, tree in progress', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Open Lab...');
    await suite.workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Level 1 · Foundational' }).first().waitFor({ timeout: 15_000 });
    await suite.workbench.screenshot('labs-02-launcher');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');

    const labDir = join(suite.session.workspace, 'labs', '01-heap-ranking');
    const starterFiles = readdirSync(join(REPO, 'labs', '01-heap-ranking', 'starter'), { recursive: true }).map(String).sort();
    await waitFor('every starter file in the workspace', () => starterFiles.filter((file) => !existsSync(join(labDir, file))), (missing) => missing.length === 0);

    const tabs = suite.workbench.page.locator('.tabs-container .tab');
    await tabs.filter({ hasText: 'leaderboard.py' }).first().waitFor({ timeout: 15_000 });
    await tabs.filter({ hasText: 'Preview README.md' }).first().waitFor({ timeout: 15_000 });
    await suite.workbench.page.locator('.part.editor').getByText('Heap-based ranking system').first().waitFor({ timeout: 15_000 }).catch(() => undefined);

    await waitFor('lab 01 in the progress file', () => readProgress().labs['heap-ranking']?.folder, (folder) => folder === 'labs/01-heap-ranking');
    await openViewContainer(suite.workbench.page, 'Data Labs');
    await revealTreeRow(suite.workbench.page, /^1\. Foundational/, '01 Heap-based ranking system, in progress');
    await suite.workbench.screenshot('labs-03-lab-01-open');

    await suite.workbench.page.locator('.part.activitybar .action-item [aria-label^="Explorer"]').first().click();
    await expandTreeRow(treeRow(suite.workbench.page, 'labs'));
    await expandTreeRow(treeRow(suite.workbench.page, '01-heap-ranking'));
    await treeRow(suite.workbench.page, 'leaderboard.py').waitFor({ state: 'visible', timeout: 15_000 });
    await suite.workbench.screenshot('labs-04-explorer');
  });

  it('opens lab 07 after a warning that its prerequisite is not passed, and the tree shows it under level 2', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Open Lab...');
    await pickQuickItem(suite.workbench.page, 'analytics schema', '07 PostgreSQL analytics schema');
    const message = await clickDialogButton(suite.workbench.page, 'Open Anyway');
    assert.equal(message, `${LAB_07} builds on 05 Normalization and ER diagram case study, which you have not passed yet.`);
    await waitFor('lab 07 in the workspace', () => existsSync(join(suite.session.workspace, 'labs', '07-analytics-star-schema', 'schema.sql')), Boolean);
    // The starter is copied before progress is written: wait for both.
    await waitFor('lab 07 in the progress file', () => Object.keys(readProgress().labs).sort(), (ids) => ids.join() === 'analytics-star-schema,heap-ranking');
    await openViewContainer(suite.workbench.page, 'Data Labs');
    await revealTreeRow(suite.workbench.page, /^2\. Data modeling and DBMS basics/, `${LAB_07}, in progress`);
    await suite.workbench.screenshot('labs-05-lab-07-open');
  });

  it('reopens lab 01 without overwriting the learner\'s change', async () => {
    const file = join(suite.session.workspace, 'labs', '01-heap-ranking', 'leaderboard.py');
    writeFileSync(file, '# my own work\n');
    await runCommand(suite.workbench.page, 'Data Labs: Open Lab...');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');
    await waitFor('the "kept" notice', () => notifications(suite.workbench.page), (texts) => texts.some((text) => text.includes('your changes to leaderboard.py were kept')));
    assert.equal(readFileSync(file, 'utf8'), '# my own work\n');
  });

  it('resets lab 01 to its starter after a confirmation, with a backup of the learner\'s file', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Reset Lab...');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');
    const message = await clickDialogButton(suite.workbench.page, 'Reset Lab');
    assert.equal(message, 'Reset 01 Heap-based ranking system to its starter?');
    const file = join(suite.session.workspace, 'labs', '01-heap-ranking', 'leaderboard.py');
    const starter = readFileSync(join(REPO, 'labs', '01-heap-ranking', 'starter', 'leaderboard.py'), 'utf8');
    await waitFor('leaderboard.py back to the starter', () => readFileSync(file, 'utf8'), (text) => text === starter);
    const backups = readdirSync(join(suite.session.workspace, '.delabs', 'backups', '01-heap-ranking'));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(join(suite.session.workspace, '.delabs', 'backups', '01-heap-ranking', backups[0] ?? '', 'leaderboard.py'), 'utf8'), '# my own work\n');
  });

  it('peeks at the reference solution only after asking, read-only beside the learner\'s file', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Peek Solution...');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');
    assert.equal(await clickDialogButton(suite.workbench.page, 'Show Solution'), 'Peek at the reference solution of 01 Heap-based ranking system?');
    await suite.workbench.page.locator('.tabs-container .tab', { hasText: 'leaderboard.py: yours ↔ reference solution' }).first().waitFor({ timeout: 15_000 });
    await suite.workbench.screenshot('labs-06-peek-solution');
  });

  it('keeps a corrupt progress file as it is and says so', async () => {
    writeFileSync(progressFile(), '{"version": 1, "labs": {');
    // Progress is read again when the file changes and the Labs view asks for it.
    await openViewContainer(suite.workbench.page, 'Data Labs');
    await waitFor(
      'the warning about the progress file',
      () => notifications(suite.workbench.page),
      (texts) => texts.some((text) => text.includes('was kept as it is because it is not valid JSON')),
    );
    assert.equal(readFileSync(progressFile(), 'utf8'), '{"version": 1, "labs": {');
    await suite.workbench.screenshot('labs-07-corrupt-progress');
  });
});
