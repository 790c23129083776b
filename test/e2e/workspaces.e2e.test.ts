/**
 * Where labs go: with no folder open, the learner chooses a folder, the lab is scaffolded into it, VS Code
 * opens the folder and the lab is there after the reload; in a multi-root workspace, the learner is asked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { clickDialogButton, pickQuickItem, runCommand, waitFor } from './harness/workbench';

/** Where the progress file in `root` says lab 01 is, once it has been written. */
function progressFolder(root: string): string | undefined {
  const file = join(root, '.delabs', 'progress.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { labs: Record<string, { folder: string }> }).labs['heap-ranking']?.folder;
}

describe('Opening a lab with no folder open', () => {
  // ew=true: an empty window, no folder.
  const suite = useWorkbench('no-folder', {}, (session) => `${session.url}/?ew=true`);

  it('offers to choose a folder, scaffolds the lab there, opens the folder and shows the lab', async () => {
    const chosen = join(suite.session.workspace, '..', 'my-labs');
    mkdirSync(chosen);
    await runCommand(suite.workbench.page, 'Data Labs: Open Lab...');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');
    assert.equal(await clickDialogButton(suite.workbench.page, 'Choose Folder...'), 'Labs are copied into a folder of yours. Use an existing folder, or create a new one?');

    // VS Code's own folder dialog: a path box with an OK button named by openLabel.
    // It fills in its starting folder once it has read it; typing before that would be overwritten.
    const input = suite.workbench.page.locator('.quick-input-widget input.input');
    await waitFor('the folder dialog to show its starting folder', () => input.inputValue().catch(() => ''), (value) => value.startsWith('/'), 15_000);
    // It may still replace what was typed once more while it lists the starting folder: type until it stays.
    await waitFor(
      'the dialog to take the typed folder',
      async () => {
        if ((await input.inputValue()) !== `${chosen}/`) await input.fill(`${chosen}/`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return input.inputValue();
      },
      (value) => value === `${chosen}/`,
      20_000,
    );
    await suite.workbench.page.locator('.quick-input-widget .monaco-button', { hasText: 'Use for Labs' }).first().click();

    await waitFor('the starter in the chosen folder', () => existsSync(join(chosen, 'labs', '01-heap-ranking', 'leaderboard.py')), Boolean);
    await waitFor('lab 01 in the chosen folder\'s progress', () => progressFolder(chosen), (folder) => folder === 'labs/01-heap-ranking');

    await waitFor('the folder to open', () => suite.workbench.page.url(), (url) => url.includes(`folder=${encodeURIComponent(chosen).replace(/%2F/g, '/')}`) || url.includes(`folder=${encodeURIComponent(chosen)}`), 30_000);
    await suite.workbench.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    const tabs = suite.workbench.page.locator('.tabs-container .tab');
    await tabs.filter({ hasText: 'leaderboard.py' }).first().waitFor({ timeout: 60_000 });
    await tabs.filter({ hasText: 'Preview README.md' }).first().waitFor({ timeout: 30_000 });
    await suite.workbench.screenshot('no-folder-lab-open');
  });
});

describe('Opening a lab in a multi-root workspace', () => {
  const suite = useWorkbench(
    'multi-root',
    {
      workspaceFiles: {
        'course.code-workspace': JSON.stringify({ folders: [{ path: 'notes' }, { path: 'practice' }] }),
        'notes/README.md': '# my notes\n',
        'practice/.keep': '',
      },
    },
    (session) => `${session.url}/?workspace=${encodeURIComponent(join(session.workspace, 'course.code-workspace'))}`,
  );

  it('asks which folder the lab goes in, and scaffolds it there', async () => {
    await runCommand(suite.workbench.page, 'Data Labs: Open Lab...');
    await pickQuickItem(suite.workbench.page, 'Heap-based', '01 Heap-based ranking system');
    await suite.workbench.page.locator('.quick-input-widget input.input[placeholder="Where should 01 Heap-based ranking system go?"]').waitFor({ timeout: 15_000 });
    await suite.workbench.screenshot('multi-root-asks-where');
    await pickQuickItem(suite.workbench.page, 'practice');
    const practice = join(suite.session.workspace, 'practice');
    await waitFor('the starter in the chosen folder', () => existsSync(join(practice, 'labs', '01-heap-ranking', 'leaderboard.py')), Boolean);
    await waitFor('lab 01 in the practice folder\'s progress', () => progressFolder(practice), (folder) => folder === 'labs/01-heap-ranking');
    assert.equal(existsSync(join(suite.session.workspace, 'notes', 'labs')), false);
  });
});
