/**
 * The labs whose briefs are read with the plan view (06, the query planner; 10, the query performance
 * analyzer), as a learner with a PostgreSQL of their own meets them: the lab's service pointed at it by
 * dataEngLabs.services.overrides, the reference solution's checks all passing there (they load the
 * lab's data), then Explain Analyze from the CodeLens above one of the lab's queries, drawn beside it.
 * The screenshots are the ones the labs' READMEs show (docs/images/lab-NN-plan.png).
 */
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCatalog, type Lab } from '../../src/core/labs/catalog';
import { ensureCheckPython } from '../support/nativePython';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';
import { useWorkbench } from './harness/session';
import { clickDialogButton, notifications, openFile, pickQuickItem, runCommand, runCommandUntil, waitFor, webviewContent } from './harness/workbench';

const REPO = join(__dirname, '..', '..');

interface PlanLab {
  readonly folder: string;
  /** The file whose CodeLens is clicked, and which of its Explain Analyze lenses (0 = the first statement's). */
  readonly file: string;
  readonly lens: number;
  /** A node the plan must show: the proof that it ran on the data the checks loaded. */
  readonly node: RegExp;
}

const LABS: readonly PlanLab[] = [
  { folder: '06-query-planner', file: 'queries.sql', lens: 1, node: /Index Scan using \S+ on shop\.orders|Bitmap Index Scan on \S+/ },
  // kiosk-latest: the ten latest orders of a store, read backwards from the composite index, no sort.
  { folder: '10-query-performance', file: 'slow_queries.sql', lens: 1, node: /Index Scan Backward using orders_store_id_ordered_at_idx on (public\.)?orders/ },
];

describe('Labs 06 and 10 with the plan view, on a PostgreSQL of the learner\'s own (code-server + Chromium)', () => {
  let postgres: NativePostgres;
  const catalog = loadCatalog(join(REPO, 'labs'));
  const suite = useWorkbench('plan-labs', async () => {
    postgres = await startNativePostgres();
    const requirements = LABS.map((entry) => join(REPO, 'labs', entry.folder, 'starter', 'requirements.txt')).filter((file) => existsSync(file));
    const python = await ensureCheckPython(requirements);
    return { settings: { 'dataEngLabs.python.interpreterPath': python, 'dataEngLabs.services.useDocker': 'never', 'dataEngLabs.services.overrides': { postgres: `postgresql://lab:lab@127.0.0.1:${postgres.port}` } } };
  });
  let labs: Lab[] = [];
  before(async () => {
    labs = (await catalog).entries.filter((entry): entry is Lab => entry.status === 'ok' && LABS.some((planLab) => planLab.folder === entry.folder));
  });
  after(async () => {
    await postgres?.stop();
  });

  for (const planLab of LABS) {
    it(`lab ${planLab.folder}: the solution passes on the learner's PostgreSQL, and a query's plan shows beside it`, async () => {
      const page = suite.workbench.page;
      const lab = labs.find((entry) => entry.folder === planLab.folder);
      if (!lab) throw new Error(`lab ${planLab.folder} did not load`);
      const labName = `${planLab.folder.slice(0, 2)} ${lab.manifest.title}`;
      await runCommand(page, 'Data Labs: Open Lab...');
      await pickQuickItem(page, lab.manifest.title, labName);
      // Both build on earlier labs this learner has not passed.
      await clickDialogButton(page, 'Open Anyway');
      const labFolder = join(suite.session.workspace, 'labs', planLab.folder);
      await waitFor('the starter in the workspace', () => existsSync(join(labFolder, planLab.file)), Boolean);
      cpSync(join(lab.dir, 'solution'), labFolder, { recursive: true });
      const mainTab = page.locator('.tabs-container .tab', { hasText: lab.manifest.scaffold.open[0] ?? '' }).first();
      await mainTab.waitFor({ timeout: 30_000 });
      // Run Checks runs the lab of the active editor (the README's preview opens beside it and takes focus).
      await mainTab.click();

      const runs = (): number => suite.session.extensionLog().split('\n').filter((line) => line.includes(`checks of ${labName} in`)).length;
      await runCommandUntil(page, 'Data Labs: Run Checks', () => runs() >= 1);
      const total = lab.manifest.checks.length;
      await suite.withLog(waitFor('the all-pass notice', () => notifications(page), (texts) => texts.includes(`Data Labs: all ${total} checks of ${labName} pass.`), 180_000));

      // The query beside its plan, nothing else: the screenshot the lab's README shows.
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, `labs/${planLab.folder}/${planLab.file}`);
      const lenses = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Explain Analyze' });
      await lenses.nth(planLab.lens).waitFor({ state: 'visible', timeout: 30_000 });
      // The lenses in the order of their lines.
      const boxes = await Promise.all((await lenses.all()).map(async (lens) => ({ lens, y: (await lens.boundingBox())?.y ?? 0 })));
      const lens = boxes.sort((a, b) => a.y - b.y)[planLab.lens]?.lens;
      if (!lens) throw new Error(`no Explain Analyze lens number ${planLab.lens + 1} in ${planLab.file}`);
      const explained = (): number => suite.session.extensionLog().split('\n').filter((line) => /Explain Analyze: \d+ nodes/.test(line)).length;
      const before = explained();
      await lens.click();
      await waitFor('the plan', explained, (count) => count > before, 60_000);
      const view = webviewContent(page);
      await view.locator('header h1', { hasText: 'Explain Analyze: ' }).waitFor({ timeout: 30_000 });
      await view.locator('.node-row .title', { hasText: planLab.node }).first().waitFor({ timeout: 30_000 });
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await suite.workbench.screenshot(`lab-${planLab.folder.slice(0, 2)}-plan`);
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await runCommand(page, 'View: Close All Editors');
    });
  }
});
