/**
 * What a learner does in the workbench, as steps a test can take: run a command from the palette,
 * open a view or a file, read the editor. Each step waits for what the learner would wait for.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

const isMac = process.platform === 'darwin';

/**
 * Opens the command palette, types the command's full label and runs it. Throws when the palette has no
 * entry with exactly that label, which is how a command missing from the manifest fails a test.
 */
export async function runCommand(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  // Extensions' commands register a moment after the workbench shows (later still in an empty window),
  // and an open palette does not refresh its list: so reopen it until the command shows, up to 30 s.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      // A notification or a dialog closing can take the palette away mid-typing: retry rather than wait.
      await input.fill(`>${label}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`The command palette has no command "${label}"`);
    }
  }
  const rowLabel = (await row.locator('.label-name').first().textContent())?.replace(/\u00a0/g, ' ').trim();
  if (rowLabel !== label) {
    await page.keyboard.press('Escape');
    throw new Error(`The command palette has no command "${label}" (closest: "${rowLabel ?? ''}")`);
  }
  await input.press('Enter');
  // The command may open a quick pick of its own at once, so wait for the palette's text to go, not the widget.
  await waitFor(
    `the command palette to run "${label}"`,
    async () => (await input.isVisible()) && (await input.inputValue()) === `>${label}`,
    (stillThere) => !stillThere,
    10_000,
  );
}

/**
 * Shows an activity-bar container by its title and returns its side bar. Clicking the icon of the
 * container already showing would close the side bar, so it clicks only when another one is showing.
 */
export async function openViewContainer(page: Page, title: string): Promise<Locator> {
  const sidebar = page.locator('.part.sidebar');
  const sidebarTitle = sidebar.locator('.composite.title', { hasText: title }).first();
  if (await sidebarTitle.isVisible()) return sidebar;
  const item = page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item [aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await item.click();
  await sidebarTitle.waitFor({ state: 'visible', timeout: 30_000 });
  return sidebar;
}

/** Opens a workspace file with Quick Open, by its relative path. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  // F1, then the palette's text without its ">": Quick Open. A webview with focus passes F1 to the
  // workbench, but may keep Ctrl+P.
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop() ?? relativePath;
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await input.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
}

/** Saves the active editor. */
export async function saveActiveEditor(page: Page): Promise<void> {
  await page.keyboard.press(isMac ? 'Meta+S' : 'Control+S');
}

/** Polls until predicate holds, or throws with the last value seen. */
export async function waitFor<T>(what: string, read: () => T | Promise<T>, predicate: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!predicate(last)) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

/** Clicks a button of the modal dialog VS Code shows (showWarningMessage with modal: true, say). */
export async function clickDialogButton(page: Page, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  // With a detail line VS Code shows the message as the dialog's text; without one, as its detail.
  const text = dialog.locator('.dialog-message-text');
  const message = ((await ((await text.count()) > 0 ? text : dialog.locator('.dialog-message-detail')).first().textContent()) ?? '').trim();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return message;
}

/** In an open quick pick, filters by text and picks the first row that shows it. */
export async function pickQuickItem(page: Page, filter: string, rowText = filter): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(filter);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
}

/** A row of a tree view in the side bar, by its accessible label (a tree item's label and description). */
export function treeRow(page: Page, ariaLabel: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.monaco-tl-contents') }).and(page.getByRole('treeitem', { name: ariaLabel, exact: typeof ariaLabel === 'string' }));
}

/** Expands a tree row if it is collapsed. */
export async function expandTreeRow(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

/** The text of every notification toast now showing. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
}

/**
 * Waits until a tree row shows, expanding its parent whenever the parent is collapsed: the tree may
 * refresh (and re-render collapsed) between a click and the row appearing.
 */
export async function revealTreeRow(page: Page, parent: string | RegExp, row: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const target = treeRow(page, row);
  const parentRow = treeRow(page, parent);
  const deadline = Date.now() + timeoutMs;
  while (!(await target.isVisible())) {
    if (Date.now() > deadline) {
      const rows = await page.locator('.part.sidebar .monaco-list-row').evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label')));
      throw new Error(`The tree row ${String(row)} did not show under ${String(parent)} within ${timeoutMs} ms; the rows showing: ${JSON.stringify(rows)}`);
    }
    // The twistie, not the row: a click on a row may open its item (a test's file) instead of expanding it.
    if ((await parentRow.isVisible()) && (await parentRow.getAttribute('aria-expanded')) === 'false') await parentRow.locator('.monaco-tl-twistie').first().click();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * Runs a command until `done` says it took effect (the extension's log, say), at most three times, 15 s
 * apart: on a busy machine the palette can close on Enter without running the command.
 */
export async function runCommandUntil(page: Page, label: string, done: () => boolean): Promise<void> {
  for (let attempt = 1; !done(); attempt += 1) {
    await runCommand(page, label);
    await waitFor(`"${label}" to take effect`, done, Boolean, 15_000).catch((error: unknown) => {
      if (attempt >= 3) throw error;
    });
  }
}

/**
 * The content of the webview whose panel is shown (code-server nests it: iframe.webview, then #active-frame).
 * The visible one: the frames of closed panels can linger, hidden, after the new panel's.
 */
export function webviewContent(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready:visible').last().contentFrame().frameLocator('#active-frame');
}

/**
 * Waits for something in a webview that may not exist yet: the frames are looked up again on every try,
 * since a frame found while a new panel is still loading (its pending frame) never gets the content.
 */
export async function waitForWebview(page: Page, target: (view: FrameLocator) => Locator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await target(webviewContent(page)).first().waitFor({ timeout: 2_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
