/**
 * The learner's Python: Set Up Python Environment makes lab 01's .venv and installs its pinned
 * requirements from PyPI with pip, and the lab's checks then run with that interpreter (no setting, no
 * Python extension in this VS Code).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { notifications, pickQuickItem, runCommand, runCommandUntil, waitFor } from './harness/workbench';

const LAB_NAME = '01 Heap-based ranking system';

describe("Lab 01's Python environment (code-server + Chromium)", () => {
  const suite = useWorkbench('python');

  it('creates the lab\'s .venv with its requirements, and the checks run with it', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'Heap-based', LAB_NAME);
    await page.locator('.tabs-container .tab', { hasText: 'leaderboard.py' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: 'leaderboard.py' }).first().click();

    const labFolder = join(suite.session.workspace, 'labs', '01-heap-ranking');
    await runCommandUntil(page, 'Data Labs: Set Up Python Environment', () => suite.session.extensionLog().includes(`Setting up the Python environment of ${LAB_NAME}`));
    await waitFor(
      'the ready notice',
      () => notifications(page),
      (texts) => texts.some((text) => /^Data Labs: the Python environment of 01 Heap-based ranking system is ready in \.venv \(\d+ packages installed\)\.$/.test(text)),
      240_000,
    );
    await waitFor('pytest in the .venv', () => existsSync(join(labFolder, '.venv', 'bin', 'pytest')), Boolean);
    await suite.workbench.screenshot('python-01-environment-ready');

    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().includes(`Python for the checks of ${LAB_NAME}:`));
    await waitFor(
      'the checks run with the .venv',
      () => suite.session.extensionLog(),
      (log) => log.includes(`Python for the checks of ${LAB_NAME}: ${join(labFolder, '.venv', 'bin', 'python')}`),
    );
    // Every check ran (none "could not run" for want of pytest): the starter fails some, as a starter does.
    await waitFor(
      "the starter's summary notice",
      () => notifications(page),
      (texts) => texts.some((text) => /^Data Labs: 01 Heap-based ranking system: \d+ passed, [1-9]\d* failed\.$/.test(text)),
      120_000,
    );
  });
});
