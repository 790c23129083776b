/**
 * Lab 07's PostgreSQL with no Docker: Start Services runs the embedded PostgreSQL, the Labs tree shows it
 * running with its port, the checks run against it (the reference solution passes all 15), and Stop
 * Services stops it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench } from './harness/session';
import { decodePng } from '../support/png';
import { clickDialogButton, notifications, openFile, openViewContainer, pickQuickItem, revealTreeRow, runCommand, runCommandUntil, waitFor, waitForWebview, webviewContent } from './harness/workbench';

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

  it('explains a query of the lab from its CodeLens, on the same database, and shows the plan beside it', async () => {
    const page = suite.workbench.page;
    await openFile(page, 'labs/07-analytics-star-schema/queries/revenue_by_month_category.sql');
    const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Explain Analyze' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await lens.click();
    await waitFor('the explain in the log', () => suite.session.extensionLog(), (log) => /Explain Analyze: \d+ nodes, [\d.]+ ms/.test(log), 60_000);
    const view = webviewContent(page);
    await view.locator('header h1', { hasText: 'Explain Analyze: ' }).waitFor({ timeout: 30_000 });
    // The plan reads the star schema the checks loaded: the fact table is scanned.
    await view.locator('.node-row .title', { hasText: /Seq Scan on dw\.fact_sales f/ }).first().waitFor({ timeout: 30_000 });
    await view.locator('.node-row.critical').first().waitFor({ timeout: 10_000 });
    // The selected node's full report comes from the host when it is selected.
    await view.locator('.details table.reported th', { hasText: 'Node Type' }).waitFor({ timeout: 10_000 });
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await suite.workbench.screenshot('services-03-plan');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

    // Exported as SVG where the save dialog proposes (the workspace folder), with the plan's nodes in it.
    await runCommand(page, 'Data Labs: Export Plan as SVG or PNG...');
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('the proposed file name', () => dialog.inputValue(), (value) => value.endsWith('plan.svg'));
    await dialog.press('Enter');
    const svgFile = join(suite.session.workspace, 'plan.svg');
    const svg = await waitFor('the SVG file', () => (existsSync(svgFile) ? readFileSync(svgFile, 'utf8') : ''), (text) => text.includes('</svg>'));
    if (!svg.includes('>Seq Scan on dw.fact_sales f</text>')) throw new Error(`the SVG lacks the fact table's scan:\n${svg.slice(0, 2000)}`);

    // And as PNG: the same drawing at twice its size, the expensive path's red marker beside the root node.
    await runCommand(page, 'Data Labs: Export Plan as SVG or PNG...');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const proposed = await waitFor('the proposed file name', () => dialog.inputValue(), (value) => value.endsWith('plan.svg'));
    await dialog.fill(proposed.replace(/plan\.svg$/, 'plan.png'));
    await dialog.press('Enter');
    const pngFile = join(suite.session.workspace, 'plan.png');
    const png = decodePng(await waitFor('the PNG file', () => (existsSync(pngFile) ? readFileSync(pngFile) : Buffer.alloc(0)), (bytes) => bytes.length > 0));
    const svgHeight = Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
    assert.deepEqual([png.width, png.height], [1920, 2 * svgHeight]);
    assert.deepEqual(png.pixel(2, 2), [255, 255, 255, 255], 'the background is white');
    assert.deepEqual(png.pixel(14, 150), [209, 36, 47, 255], 'the root node carries the expensive path\'s marker (#d1242f)');
  });

  it('compares the plan of a query before and after the learner creates an index', async () => {
    const page = suite.workbench.page;
    const labFolder = join(suite.session.workspace, 'labs', '07-analytics-star-schema');
    writeFileSync(join(labFolder, 'scratch.sql'), '-- The three largest order lines.\nselect order_id, line_number, net_amount from dw.fact_sales order by net_amount desc limit 3;\n');
    await openFile(page, 'labs/07-analytics-star-schema/scratch.sql');
    const explainAnalyze = async (): Promise<void> => {
      const explained = suite.session.extensionLog().split('\n').filter((line) => /Explain Analyze: \d+ nodes/.test(line)).length;
      await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Explain Analyze' }).first().click();
      await waitFor('the plan', () => suite.session.extensionLog().split('\n').filter((line) => /Explain Analyze: \d+ nodes/.test(line)).length, (count) => count > explained, 60_000);
    };
    await explainAnalyze();
    await webviewContent(page).locator('.node-row .title', { hasText: 'Seq Scan on dw.fact_sales' }).first().waitFor({ timeout: 30_000 });
    // The learner creates the index in a terminal, as lab 07's brief suggests, with psql.
    const port = /Started the embedded PostgreSQL of 07[^\n]* on 127\.0\.0\.1:(\d+)/.exec(suite.session.extensionLog())?.[1] ?? '';
    execFileSync('psql', ['-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-d', 'shop', '-v', 'ON_ERROR_STOP=1', '-c', 'create index fact_sales_net_amount_idx on dw.fact_sales (net_amount)', '-c', 'analyze dw.fact_sales']);
    await explainAnalyze();
    await webviewContent(page).locator('.node-row .title', { hasText: 'Index Scan Backward using fact_sales_net_amount_idx on dw.fact_sales' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Data Labs: Compare Plans');
    await pickQuickItem(page, 'The last two plans');
    const view = webviewContent(page);
    await view.locator('.summary li', { hasText: /became Index Scan Backward using fact_sales_net_amount_idx on dw\.fact_sales|New: Index Scan Backward using fact_sales_net_amount_idx/ }).first().waitFor({ timeout: 30_000 });
    await view.locator('.compare-row', { hasText: 'Seq Scan on dw.fact_sales' }).first().waitFor({ timeout: 10_000 });
    // Room for the comparison, as a learner reading it would make.
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await suite.workbench.screenshot('services-04-plan-compare');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  });

  /** WCAG's contrast ratio of two CSS rgb() colours. */
  const contrastRatio = (a: string, b: string): number => {
    const luminance = (colour: string): number => {
      const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => Number(channel) / 255).map((value) => (value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
  };

  it('reads on light and high-contrast themes: text and the expensive path stand out from the background', async () => {
    const page = suite.workbench.page;
    const explained = suite.session.extensionLog().split('\n').filter((line) => /Explain Analyze: \d+ nodes/.test(line)).length;
    await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Explain Analyze' }).first().click();
    await waitFor('the plan', () => suite.session.extensionLog().split('\n').filter((line) => /Explain Analyze: \d+ nodes/.test(line)).length, (count) => count > explained, 60_000);
    const view = webviewContent(page);
    await view.locator('.node-row.critical').first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    try {
      // As a learner gets there: the theme toggle, then the operating system's high-contrast mode (forced colours), which VS Code follows.
      const toLight = (): Promise<void> => runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      const toHighContrast = (): Promise<void> => page.emulateMedia({ forcedColors: 'active' });
      for (const [change, theme, kind, textContrast, shot] of [
        [toLight, 'Light Modern', 'vscode-light', 4.5, 'services-04b-plan-light'],
        [toHighContrast, 'Light High Contrast', 'vscode-high-contrast-light', 7, 'services-04c-plan-high-contrast-light'],
        [toLight, 'Dark High Contrast', 'vscode-high-contrast', 7, 'services-04d-plan-high-contrast'],
      ] as const) {
        await change();
        await view.locator(`body.${kind}`).waitFor({ timeout: 15_000 });
        const colours = await view.locator('body').evaluate((body) => [
          getComputedStyle(body).backgroundColor,
          getComputedStyle(body.querySelector('.node-row:not(.selected) .title') ?? body).color,
          getComputedStyle(body.querySelector('.node-row:not(.selected) .cost') ?? body).color,
          getComputedStyle(body.querySelector('.node-row.critical') ?? body).borderLeftColor,
        ]);
        const [background = '', title = '', cost = '', marker = ''] = colours;
        const contrast = { title: contrastRatio(title, background), detail: contrastRatio(cost, background), marker: contrastRatio(marker, background) };
        assert.ok(contrast.title >= textContrast, `${theme}: node titles have a contrast of ${contrast.title.toFixed(2)}, under ${textContrast}`);
        assert.ok(contrast.detail >= 4.5, `${theme}: costs and row counts have a contrast of ${contrast.detail.toFixed(2)}, under 4.5`);
        assert.ok(contrast.marker >= 3, `${theme}: the expensive path's marker has a contrast of ${contrast.marker.toFixed(2)}, under 3`);
        await suite.workbench.screenshot(shot);
      }
    } finally {
      // Back as the session started: the side bar, and the dark theme (out of high contrast VS Code takes the last light or dark one).
      await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      await page.emulateMedia({ forcedColors: 'none' });
      await page.locator('.monaco-workbench.vs, .monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
      if ((await page.locator('.monaco-workbench.vs').count()) > 0) await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
    }
  });

  it('shows names from a plan as text, never as markup', async () => {
    const page = suite.workbench.page;
    const hostile = [{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': '<img src=x onerror="document.body.dataset.pwned=1">', Alias: '<script>document.body.dataset.pwned=2</script>', 'Startup Cost': 0, 'Total Cost': 1, 'Plan Rows': 1, 'Plan Width': 4, Filter: '(name = \'</span><b>bold</b>\')' } }];
    await runCommand(page, 'File: New Untitled Text File');
    await page.keyboard.insertText(JSON.stringify(hostile));
    await runCommand(page, 'Data Labs: Open Plan...');
    const view = webviewContent(page);
    await view.locator('.node-row .title', { hasText: '<img src=x onerror=' }).first().waitFor({ timeout: 30_000 });
    await view.locator('.condition', { hasText: "Filter: (name = '</span><b>bold</b>')" }).first().waitFor({ timeout: 10_000 });
    await view.locator('.details table.reported td', { hasText: '<script>document.body.dataset.pwned=2</script>' }).waitFor({ timeout: 10_000 });
    // VS Code injects scripts of its own into the frame; none may carry the plan's text.
    const injected = (await view.locator('img, b').count()) + (await view.locator('script', { hasText: 'pwned' }).count());
    const pwned = await view.locator('body[data-pwned]').count();
    if (injected !== 0 || pwned !== 0) throw new Error(`markup from the plan was rendered: ${injected} elements, body marked ${pwned}`);
    await suite.workbench.screenshot('services-05-plan-escaped');
    await runCommand(page, 'View: Revert and Close Editor');
  });

  it('opens a plan of 2,102 nodes at once: the partitions wait behind a button, and search finds the last one', async () => {
    const page = suite.workbench.page;
    cpSync(join(__dirname, '..', 'fixtures', 'plans', 'partitions.json'), join(suite.session.workspace, 'partitions.json'));
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Data Labs: Open Plan...');
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    // The file dialog, not the palette that opened it: it proposes the workspace folder.
    await waitFor('the open dialog', () => dialog.inputValue(), (value) => value.startsWith('/'));
    await dialog.fill(join(suite.session.workspace, 'partitions.json'));
    // Enter once the dialog has caught up with the typed path (it lists the file), or it opens the folder instead.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'partitions.json' }).first().waitFor({ timeout: 15_000 });
    await dialog.press('Enter');
    await page.locator('.tab', { hasText: 'Plan: Plan from partitions.json' }).waitFor({ timeout: 30_000 });
    await page.locator('iframe.webview.ready:visible').waitFor({ timeout: 30_000 });
    await waitForWebview(page, (view) => view.locator('header .facts', { hasText: /^2,102 nodes/ }), 30_000);
    const view = webviewContent(page);
    // The aggregate, the Append and its first ten partitions; the other 2,090 wait behind a button.
    assert.equal(await view.locator('.node-row').count(), 12);
    await view.locator('button.more', { hasText: 'Show 200 more of 2,090 hidden' }).click();
    await view.locator('button.more', { hasText: 'Show 200 more of 1,890 hidden' }).waitFor({ timeout: 10_000 });
    assert.equal(await view.locator('.node-row').count(), 212);
    await view.locator('input.search').fill('events_2099 events_2100');
    await view.locator('.match-count', { hasText: /^1 match$/ }).waitFor({ timeout: 10_000 });
    // The view scrolls to the first match by itself.
    const match = view.locator('.node-row.match .title', { hasText: 'Seq Scan on events_2099 events_2100' });
    await waitFor('the match in view', () => match.evaluate((title) => title.getBoundingClientRect().bottom <= window.innerHeight && title.getBoundingClientRect().top >= 0), Boolean, 10_000);
    await suite.workbench.screenshot('services-05b-plan-2102-nodes');
  });

  it("draws lab 07's star schema beside its SQL, compares it with the running database, and marks the drift", async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'labs/07-analytics-star-schema/schema.sql');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommandUntil(page, 'Data Labs: Show ER Diagram', () => suite.session.extensionLog().includes('ER diagram of 07 PostgreSQL analytics schema (star/snowflake model): the DDL files: 6 tables'));
    await waitForWebview(page, (view) => view.locator('svg.er [data-table="dw.fact_sales"]'), 60_000);
    const view = webviewContent(page);
    // The checks loaded the learner's schema into the database: the two agree (the lab's own src tables are not the learner's).
    await view.locator('.drift summary', { hasText: 'The DDL files and the database agree.' }).waitFor({ timeout: 30_000 });
    assert.match((await view.locator('.drift .note').textContent()) ?? '', /^Compared with postgres, the embedded PostgreSQL \(127\.0\.0\.1:\d+\), at \d\d:\d\d:\d\d\.$/);
    assert.equal(await view.locator('svg.er path.er-edge').count(), 5);
    await suite.workbench.screenshot('services-06-er-star-schema');

    // A column the learner adds to the DDL, not yet in the database: marked as they type.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nalter table dw.dim_store add column region text;\n');
    await view.locator('.drift summary', { hasText: '1 difference between the DDL files and the database' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await view.locator('.drift li').allTextContents(), ['dw.dim_store.region is only in the DDL files']);
    assert.equal(await view.locator('svg.er g.node.mark-differs').getAttribute('data-table'), 'dw.dim_store');
    assert.ok((await view.locator('[data-table="dw.dim_store"] text').allTextContents()).includes('not in the database'));
    await view.locator('.drift summary').click();
    await suite.workbench.screenshot('services-07-er-drift');

    // The database itself: its tables, the lab's source tables among them.
    await view.locator('button[data-action="source-database"]').click();
    await view.locator('header h1', { hasText: 'ER diagram of 07 PostgreSQL analytics schema (star/snowflake model): its database' }).waitFor({ timeout: 30_000 });
    await view.locator('svg.er [data-table="src.order_items"]').waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  });

  it('stops it, and the tree says so', async () => {
    const page = suite.workbench.page;
    await runCommandUntil(page, 'Data Labs: Stop Services', () => suite.session.extensionLog().includes('Stopped the embedded PostgreSQL of 07'));
    await revealTreeRow(page, `${LAB_NAME}, passed`, 'postgres, stopped · embedded PostgreSQL');
    await suite.workbench.screenshot('services-06-stopped');
  });
});
