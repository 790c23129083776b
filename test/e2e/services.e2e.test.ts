/**
 * Lab 07's PostgreSQL with no Docker: Start Services runs the embedded PostgreSQL, the Labs tree shows it
 * running with its port, the checks run against it (the reference solution passes all 15), and Stop
 * Services stops it.
 */
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { clickDialogButton, notifications, openViewContainer, pickQuickItem, revealTreeRow, runCommand, runCommandUntil, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_DIR = join(REPO, 'labs', '07-analytics-star-schema');
const LAB_NAME = '07 PostgreSQL analytics schema (star/snowflake model)';
const LEVEL = /^2\. Data modeling and DBMS basics/;

describe('Lab 07\'s services on the embedded PostgreSQL (code-server + Chromium)', () => {
  // Docker runs on this machine too; the learner here chose the embedded PostgreSQL.
  const suite = useWorkbench('services', { settings: { 'dataEngLabs.services.useDocker': 'never' } });

  it('starts the embedded PostgreSQL and shows it running in the Labs tree', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'analytics schema', '07 PostgreSQL analytics schema');
    // Lab 07 builds on lab 05, which this learner has not passed.
    await clickDialogButton(page, 'Open Anyway');
    await page.locator('.tabs-container .tab', { hasText: 'schema.sql' }).first().waitFor({ timeout: 30_000 });
    const labFolder = join(suite.session.workspace, 'labs', '07-analytics-star-schema');
    await waitFor('the starter in the workspace', () => readdirSync(labFolder).includes('queries'), Boolean);
    cpSync(join(LAB_DIR, 'solution'), labFolder, { recursive: true });

    await runCommandUntil(page, 'Data Labs: Start Services', () => suite.session.extensionLog().includes('Started the embedded PostgreSQL of 07'));
    const port = /Started the embedded PostgreSQL of 07[^\n]* on 127\.0\.0\.1:(\d+)/.exec(suite.session.extensionLog())?.[1];
    await waitFor(
      'the notice with the address',
      () => notifications(page),
      (texts) => texts.some((text) => text.startsWith(`Data Labs: PostgreSQL for ${LAB_NAME} is running on 127.0.0.1:${port} (embedded).`)),
    );
    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, LEVEL, `${LAB_NAME}, in progress`);
    await revealTreeRow(page, `${LAB_NAME}, in progress`, `postgres, running on 127.0.0.1:${port} · embedded PostgreSQL`);
    await suite.workbench.screenshot('services-01-embedded-running');
  });

  it('runs the lab\'s checks against it: the reference solution passes every one', async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().includes(`checks of ${LAB_NAME} in`));
    await waitFor('the all-pass notice', () => notifications(page), (texts) => texts.includes(`Data Labs: all 15 checks of ${LAB_NAME} pass.`), 90_000);
    await revealTreeRow(page, LEVEL, `${LAB_NAME}, passed`);
    await suite.workbench.screenshot('services-02-checks-on-embedded');
  });

  it('stops it, and the tree says so', async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Stop Services', () => suite.session.extensionLog().includes('Stopped the embedded PostgreSQL of 07'));
    await revealTreeRow(page, `${LAB_NAME}, passed`, 'postgres, stopped · embedded PostgreSQL');
    await suite.workbench.screenshot('services-03-stopped');
  });
});
