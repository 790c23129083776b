/**
 * The consumer-lag view (dist/webviews/lag.js) in headless Chromium, in its real shell: what the chart and
 * the table say of a group, a partition with no committed offset, a cluster that stops answering, names
 * that hold markup, the requests its buttons make, and a group of 200 partitions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LagHistory } from '../../src/core/kafka/lagHistory';
import type { ClusterSample } from '../../src/shared/lag';
import { openWebview, type WebviewPage } from '../support/webviewPage';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function sample(second: number, group: string, partitions: [number, number | undefined][], topic = 'trades'): ClusterSample {
  const at = T0 + second * 1000;
  return {
    at,
    groups: [
      {
        at,
        group,
        state: 'Stable',
        members: [{ id: 'm1', clientId: 'enricher-1', host: '/127.0.0.1', assignments: [{ topic, partitions: partitions.map((_, index) => index) }] }],
        partitions: partitions.map(([logEnd, committed], partition) => ({ topic, partition, logEnd, ...(committed !== undefined ? { committed } : {}), owner: 'enricher-1' })),
      },
    ],
  };
}

describe('the consumer-lag view', () => {
  let view: WebviewPage;
  const history = new LagHistory();

  before(async () => {
    view = await openWebview('lag');
  });

  after(async () => {
    await view?.close();
  });

  const frame = async (clusterSample: ClusterSample): Promise<void> => {
    const before = Number((await view.page.locator('body').getAttribute('data-frames')) ?? '0');
    await view.notify('lag/frame', history.add(clusterSample));
    await view.page.waitForFunction((count) => Number(document.body.dataset.frames) > count, before);
    // The table follows in the next animation frame.
    await view.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  };

  it('lists each group with its state, and a partition with no committed offset as unknown, never as zero', async () => {
    await view.notify('lag/reset', { title: 'Consumer lag: 127.0.0.1:9092', bootstrap: '127.0.0.1:9092', intervalSeconds: 1, paused: false, frames: [], details: [] });
    await frame(sample(0, 'enricher', [[10, 4], [10, undefined]]));
    await frame(sample(1, 'enricher', [[20, 8], [20, undefined]]));
    assert.equal(await view.page.locator('header h1').textContent(), 'Consumer lag: 127.0.0.1:9092');
    assert.equal(await view.page.locator('.group-line[data-group="enricher"] .status').textContent(), 'lagging', 'the worst state of its partitions');
    assert.match((await view.page.locator('.group-line[data-group="enricher"] .facts').textContent()) ?? '', /^12 behind · /);
    await view.page.selectOption('select.group', 'enricher');
    await view.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    assert.deepEqual(await view.page.locator('table.partitions tr[data-key="trades:1"] td').allTextContents(), ['trades', '1', '20', 'none', 'unknown', '', 'no committed offset', 'steady', 'enricher-1']);
    const zero = await view.page.locator('table.partitions tr[data-key="trades:0"] td').allTextContents();
    assert.deepEqual([zero[3], zero[4], zero[6]], ['8', '12', 'lagging']);
  });

  it('says when the cluster stops answering, and carries on when it answers again', async () => {
    await frame({ at: T0 + 2000, groups: [], error: 'the Kafka broker at 127.0.0.1:9092 does not answer: start the lab\'s services (Data Labs: Start Services), or check the address.' });
    assert.match((await view.page.locator('.banner').textContent()) ?? '', /^The cluster stopped answering after \d\d:\d\d:\d\d: the Kafka broker at 127\.0\.0\.1:9092 does not answer/);
    await frame(sample(3, 'enricher', [[30, 30], [30, 30]]));
    assert.equal(await view.page.locator('.banner').isHidden(), true);
  });

  it('shows names that hold markup as text', async () => {
    await frame(sample(4, '<img src=x onerror=window.__pwned=1>', [[5, 1]], '<script>window.__pwned=2</script>'));
    await view.page.selectOption('select.group', '*');
    await view.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const found = await view.page.evaluate(() => ({ pwned: (window as unknown as { __pwned?: number }).__pwned, injected: document.querySelectorAll('#root img, #root script').length, text: document.getElementById('root')?.textContent ?? '' }));
    assert.deepEqual([found.pwned, found.injected], [undefined, 0]);
    assert.ok(found.text.includes('<img src=x onerror=window.__pwned=1>'));
    assert.ok(found.text.includes('<script>window.__pwned=2</script> [0]'), 'the assignment names the topic as written');
  });

  it('asks the host to pause, to sample at another interval, and to export the range on show as CSV', async () => {
    await view.page.click('button[data-action="pause"]');
    await view.page.fill('input.interval', '2.5');
    await view.page.press('input.interval', 'Enter');
    await view.page.selectOption('select.range', '60');
    await view.page.click('button[data-action="export"]');
    const requests = (await view.posted()).filter((message) => message.type === 'webview/request').map((message) => [message.method, message.params]);
    assert.deepEqual(requests.slice(-3), [['lag/setPaused', { paused: true }], ['lag/setInterval', { seconds: 2.5 }], ['lag/exportCsv', { rangeSeconds: 60 }]]);
    await view.notify('lag/sampling', { paused: true, intervalSeconds: 2.5 });
    assert.equal(await view.page.locator('button[data-action="pause"]').textContent(), 'Resume');
  });

  it('draws the total and the 20 partitions with the most lag of a group of 200, and all of them when asked', async () => {
    const big = new LagHistory();
    for (let second = 0; second < 5; second += 1) big.add(sample(second, 'wide', Array.from({ length: 200 }, (_, partition) => [second * 10 + partition, second * 10] as [number, number])));
    await view.notify('lag/reset', { title: 'Consumer lag: wide', bootstrap: '127.0.0.1:9092', intervalSeconds: 1, paused: false, frames: big.allFrames(), details: big.details() });
    await view.page.waitForFunction(() => document.body.dataset.frames === '5');
    await view.page.selectOption('select.group', 'wide');
    await view.page.waitForFunction(() => document.body.dataset.series === '21');
    assert.equal(await view.page.locator('.more').textContent(), 'Drawing the total and the 20 partitions with the most lag, of 200. Draw all 200 Listing the 50 partitions that need attention most, of 200. List all 200');
    assert.equal(await view.page.locator('table.partitions tr[data-key]').count(), 50);
    assert.equal(await view.page.locator('table.partitions tr[data-key]').first().getAttribute('data-key'), 'trades:199', 'the most lag first');
    await view.page.click('button[data-action="draw-all"]');
    await view.page.waitForFunction(() => document.body.dataset.series === '201');
    await view.page.click('button[data-action="all-rows"]');
    assert.equal(await view.page.locator('table.partitions tr[data-key]').count(), 200);
  });
});
