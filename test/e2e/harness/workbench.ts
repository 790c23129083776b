/**
 * What a learner does in the workbench, as steps a test can take: run a command from the palette,
 * open a view or a file, read the editor. Each step waits for what the learner would wait for.
 */
import type { Locator, Page } from 'playwright-core';

const isMac = process.platform === 'darwin';

/**
 * Opens the command palette, types the command's full label and runs it. Throws when the palette has no
 * entry with exactly that label, which is how a command missing from the manifest fails a test.
 */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    await page.keyboard.press('Escape');
    throw new Error(`The command palette has no command "${label}"`);
  }
  const rowLabel = (await row.locator('.label-name').first().textContent())?.replace(/\u00a0/g, ' ').trim();
  if (rowLabel !== label) {
    await page.keyboard.press('Escape');
    throw new Error(`The command palette has no command "${label}" (closest: "${rowLabel ?? ''}")`);
  }
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
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
  await page.keyboard.press(isMac ? 'Meta+P' : 'Control+P');
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
