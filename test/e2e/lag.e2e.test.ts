/**
 * The consumer-lag chart in the browser VS Code, on a real Kafka broker (Kafka 4 in KRaft mode, started by
 * the test from its Maven Central jars): a producer writes, a consumer group reads part of it, the lag
 * rises in the chart as more is produced and falls to zero as the group catches up; the partition table
 * of the group; CSV export; and the broker stopping and coming back, said in the view.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKafkaBroker, type KafkaBroker } from '../support/kafkaBroker';
import { createTopic, joinGroup, produce, type GroupConsumer } from '../support/kafkaClients';
import { useWorkbench } from './harness/session';
import { runCommand, waitFor, waitForWebview, webviewContent } from './harness/workbench';

const messages = (count: number, start: number): { key: string; value: string; partition: number }[] =>
  Array.from({ length: count }, (_, index) => ({ key: `trade-${start + index}`, value: JSON.stringify({ id: start + index, price: 100 + index }), partition: (start + index) % 3 }));

describe('The consumer-lag chart on a real Kafka broker (code-server + Chromium)', () => {
  let broker: KafkaBroker;
  let consumer: GroupConsumer | undefined;
  before(async () => {
    broker = await startKafkaBroker();
    await createTopic(broker.bootstrap, 'trades', 3);
    await produce(broker.bootstrap, 'trades', messages(30, 0));
  });
  const suite = useWorkbench('lag', { settings: { 'dataEngLabs.lag.sampleIntervalSeconds': 0.5 } });
  after(async () => {
    await consumer?.close();
    await broker?.dispose();
  });

  const totalLag = async (): Promise<string> => (await webviewContent(suite.workbench.page).locator('body').getAttribute('data-total-lag')) ?? '';

  it('samples the cluster the learner names, and shows the group as it reads part of the topic', async () => {
    const page = suite.workbench.page;
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'Data Labs: Show Consumer Lag');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(broker.bootstrap);
    await input.press('Enter');
    await waitForWebview(page, (view) => view.locator('header h1', { hasText: `Consumer lag: ${broker.bootstrap}` }), 60_000);
    consumer = await joinGroup(broker.bootstrap, 'trade-enricher', 'trades', 'enricher-1');
    await consumer.read(10);
    // The member read one partition's ten: the partitions it has not reached have no committed offset,
    // which the view says, instead of counting them as zero lag.
    const view = webviewContent(page);
    await view.locator('.group-line[data-group="trade-enricher"] .status', { hasText: 'no committed offset' }).waitFor({ timeout: 30_000 });
    await view.locator('select.group').selectOption('trade-enricher');
    await waitFor('the partitions listed', () => view.locator('table.partitions tr[data-key] td:nth-child(4)').allTextContents(), (committed) => committed.length === 3 && committed.filter((text) => text === 'none').length === 2, 15_000);
    await view.locator('select.group').selectOption('*');
  });

  it('draws the lag rising as the producer writes more than the group reads', async () => {
    const page = suite.workbench.page;
    await consumer?.read(20);
    await waitFor('the group caught up with the first 30', totalLag, (lag) => lag === '0', 30_000);
    await produce(broker.bootstrap, 'trades', messages(60, 30));
    await waitFor('60 behind', totalLag, (lag) => lag === '60', 30_000);
    const view = webviewContent(page);
    await view.locator('select.group').selectOption('trade-enricher');
    await waitFor('the partitions listed', () => view.locator('table.partitions tr[data-key]').count(), (rows) => rows === 3, 15_000);
    const cells = await view.locator('table.partitions tr[data-key="trades:0"] td').allTextContents();
    // Topic, partition, log end, committed, lag; the estimate; the state; the trend; the member.
    assert.deepEqual([...cells.slice(0, 5), cells[8]], ['trades', '0', '30', '10', '20', 'enricher-1']);
    assert.match(cells[5] ?? '', /^[≈≥] [\d.]+ s$/);
    // Burrow's rules: lagging, or OK while a zero lag is still in the window.
    assert.ok(['lagging', 'OK'].includes(cells[6] ?? ''), `the partition's state: ${cells[6] ?? ''}`);
    // The chart has drawn the climb: uPlot's canvas is there with the total and the three partitions.
    await view.locator('.chart canvas').first().waitFor({ timeout: 10_000 });
    await suite.workbench.screenshot('lag-01-rising');
  });

  it('draws the lag falling to zero as the group catches up', async () => {
    await consumer?.read(60);
    await waitFor('no lag', totalLag, (lag) => lag === '0', 30_000);
    const view = webviewContent(suite.workbench.page);
    await waitFor('caught up', () => view.locator('.group-line[data-group="trade-enricher"] .status').textContent(), (text) => text === 'caught up' || text === 'idle topic', 30_000);
    assert.deepEqual(await view.locator('table.partitions tr[data-key] td:nth-child(5)').allTextContents(), ['0', '0', '0']);
    await suite.workbench.screenshot('lag-02-caught-up');
  });

  it('exports the samples as CSV', async () => {
    const page = suite.workbench.page;
    await webviewContent(page).locator('button[data-action="export"]').click();
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('the proposed file name', () => dialog.inputValue(), (value) => value.endsWith('consumer-lag-trade-enricher.csv'));
    await dialog.press('Enter');
    const file = join(suite.session.workspace, 'consumer-lag-trade-enricher.csv');
    const csv = await waitFor('the CSV file', () => (existsSync(file) ? readFileSync(file, 'utf8') : ''), (text) => text.length > 0);
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'time,group,state,topic,partition,log_end_offset,committed_offset,lag,lag_seconds_estimate,error');
    assert.ok(lines.some((line) => /,trade-enricher,Stable,trades,0,30,10,20,/.test(line)), 'the rise is in the CSV');
    assert.ok(lines.some((line) => /,trade-enricher,Stable,trades,2,30,30,0,/.test(line)), 'and the catch-up');
  });

  it('says when the broker stops answering, and carries on when it returns', async () => {
    const view = webviewContent(suite.workbench.page);
    // The group's member leaves first (its client would retry the broker for the rest of the run).
    await consumer?.close();
    consumer = undefined;
    await broker.stop();
    await view.locator('.banner', { hasText: `The cluster stopped answering after` }).waitFor({ timeout: 30_000 });
    assert.match((await view.locator('.banner').textContent()) ?? '', new RegExp(`the Kafka broker at ${broker.bootstrap.replace(/\./g, '\\.')} does not answer`));
    await suite.workbench.screenshot('lag-03-broker-down');
    await broker.start();
    await view.locator('.banner').waitFor({ state: 'hidden', timeout: 60_000 });
    await waitFor('the group back', totalLag, (lag) => lag === '0', 30_000);
  });

  it('pauses sampling, and resumes', async () => {
    const page = suite.workbench.page;
    const view = webviewContent(page);
    await view.locator('button[data-action="pause"]').click();
    await view.locator('button[data-action="pause"]', { hasText: 'Resume' }).waitFor({ timeout: 10_000 });
    await waitFor('the pause in the log', () => suite.session.extensionLog(), (log) => log.includes('Consumer lag: sampling paused'), 10_000);
    const frames = Number(await view.locator('body').getAttribute('data-frames'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(Number(await view.locator('body').getAttribute('data-frames')), frames, 'no sample while paused');
  });
});
