/**
 * Lab 07's services in Docker: its compose.yaml (written for postgres:16.6) runs on a PostgreSQL image
 * built on this machine, named through dataEngLabs.services.imageOverrides since no registry is reachable.
 * Check Environment is green, Start Services shows the container healthy in the Labs tree and the status
 * bar, the reference solution passes every check against it, and Stop Services stops it.
 */
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { LABEL } from '../../src/core/services/docker/labels';
import { ensureTestImages } from '../support/dockerImages';
import { useWorkbench } from './harness/session';
import { clickDialogButton, notifications, openViewContainer, pickQuickItem, revealTreeRow, runCommand, runCommandUntil, waitFor } from './harness/workbench';

const REPO = join(__dirname, '..', '..');
const LAB_DIR = join(REPO, 'labs', '07-analytics-star-schema');
const LAB_NAME = '07 PostgreSQL analytics schema (star/snowflake model)';
const LEVEL = /^2\. Data modeling and DBMS basics/;
const PROJECT = 'delabs-analytics-star-schema';
const docker = new Dockerode();

/** Removes the lab's containers, network and volumes, as `docker compose -p ... down -v` would. */
async function removeProject(): Promise<void> {
  const filters = { label: [`${LABEL.project}=${PROJECT}`] };
  for (const info of await docker.listContainers({ all: true, filters })) await docker.getContainer(info.Id).remove({ force: true });
  for (const network of await docker.listNetworks({ filters })) await docker.getNetwork(network.Id).remove();
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(volume.Name).remove();
}

describe("Lab 07's services in Docker, on a locally built image (code-server + Chromium)", () => {
  const suite = useWorkbench('docker-services', async () => {
    const images = await ensureTestImages(docker);
    await removeProject();
    return { settings: { 'dataEngLabs.services.useDocker': 'always', 'dataEngLabs.services.imageOverrides': { 'postgres:16.6': images.postgres } } };
  });
  after(removeProject);

  it('checks the environment: Docker, Compose, architecture, memory, disk and the lab\'s port', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'Data Labs: Open Lab...');
    await pickQuickItem(page, 'analytics schema', '07 PostgreSQL analytics schema');
    await clickDialogButton(page, 'Open Anyway');
    await page.locator('.tabs-container .tab', { hasText: 'schema.sql' }).first().waitFor({ timeout: 30_000 });
    const labFolder = join(suite.session.workspace, 'labs', '07-analytics-star-schema');
    await waitFor('the starter in the workspace', () => readdirSync(labFolder).includes('queries'), Boolean);
    cpSync(join(LAB_DIR, 'solution'), labFolder, { recursive: true });

    await runCommandUntil(page, 'Data Labs: Check Environment', () => suite.session.extensionLog().includes('Check Environment (07'));
    await waitFor(
      'the environment notice',
      () => notifications(page),
      (texts) => texts.some((text) => text.startsWith(`Data Labs: the environment is ready for ${LAB_NAME} (`)),
    );
    await waitFor('every line in the log', () => suite.session.extensionLog(), (log) => /Check Environment \(07[^\n]*\): OK Ports: 54307 free/.test(log));
  });

  it('starts the container, waits for it to be healthy and shows it in the Labs tree and the status bar', async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Start Services', () => suite.session.extensionLog().includes(`Starting the services of ${LAB_NAME} in Docker`));
    await suite.withLog(
      waitFor(
        'the notice with the address and health',
        () => notifications(page),
        (texts) => texts.includes(`Data Labs: the services of ${LAB_NAME} are running in Docker: postgres on 127.0.0.1:54307 (healthy).`),
        120_000,
      ),
    );
    await openViewContainer(page, 'Data Labs');
    await revealTreeRow(page, LEVEL, `${LAB_NAME}, in progress`);
    await revealTreeRow(page, `${LAB_NAME}, in progress`, 'postgres, running on 127.0.0.1:54307 · healthy · Docker');
    // The status bar speaks for the lab of the active editor (the brief's preview is not one).
    await page.locator('.tabs-container .tab', { hasText: 'schema.sql' }).first().click();
    await page.locator('.statusbar-item', { hasText: 'Docker 1/1' }).first().waitFor({ timeout: 30_000 });
    await suite.workbench.screenshot('docker-01-running-healthy');
  });

  it("runs the lab's checks against the container: the reference solution passes every one", async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Run Checks', () => suite.session.extensionLog().includes(`checks of ${LAB_NAME} in`));
    await waitFor('the all-pass notice', () => notifications(page), (texts) => texts.includes(`Data Labs: all 15 checks of ${LAB_NAME} pass.`), 120_000);
    await revealTreeRow(page, LEVEL, `${LAB_NAME}, passed`);
    await suite.workbench.screenshot('docker-02-checks-pass');
  });

  it('stops it; the tree follows Docker\'s events and says so', async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Stop Services', () => suite.session.extensionLog().includes(`Stopping the services of ${LAB_NAME}`));
    await waitFor('the stopped notice', () => notifications(page), (texts) => texts.includes(`Data Labs: stopped the services of ${LAB_NAME}; their data is kept.`));
    await revealTreeRow(page, `${LAB_NAME}, passed`, 'postgres, exited · Docker');
    await suite.workbench.screenshot('docker-03-stopped');
  });
});
