/**
 * Debian's Chromium, driven by playwright-core, opening the workbench of a code-server session.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep Chromium quiet on a machine with no network but loopback (DESIGN.md section 7). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'test-output', 'e2e');

export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  /** Saves a screenshot as test-output/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openWorkbench(url: string, executablePath = process.env.DELABS_CHROMIUM ?? '/usr/bin/chromium'): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    page,
    async screenshot(name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => browser.close(),
  };
}
