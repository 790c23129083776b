/**
 * npm run bench:lag: the consumer-lag view with 200 partitions, 10 minutes of history sampled every
 * second (600 samples), then a new sample every second as the host sends them, in headless Chromium in
 * the view's real shell and bundle (dist/webviews/lag.js). The samples are built by the host's own
 * LagHistory from a synthetic cluster whose producer and consumer move. Printed: the time to draw the
 * history, each update's time (from the message to the end of the frame that shows it: median, 95th
 * percentile, worst), the
 * frames the page dropped while updating (animation frames more than 50 ms apart), and the JS heap.
 *
 *   npm run bench:lag -- --partitions 200 --minutes 10 --updates 30
 */
import { join } from 'node:path';
import { LagHistory } from '../src/core/kafka/lagHistory';
import type { ClusterSample } from '../src/shared/lag';
import type { LagFrame } from '../src/shared/lagProtocol';
import type { GroupLag } from '../src/shared/lag';
import { openWebview } from '../test/support/webviewPage';
import { argument, median } from './figures';

/** A cluster of one topic whose producer writes ~20 messages a second a partition and whose consumer keeps up, then falls behind, then catches up. */
function syntheticSample(second: number, partitions: number, start: number): ClusterSample {
  const at = start + second * 1000;
  const behind = second < 200 ? 5 : second < 400 ? 5 + (second - 200) * 3 : Math.max(5, 605 - (second - 400) * 4);
  return {
    at,
    groups: [
      {
        at,
        group: 'trade-enricher',
        state: second % 150 === 0 && second > 0 ? 'PreparingRebalance' : 'Stable',
        members: [0, 1, 2, 3].map((member) => ({ id: `m${member}`, clientId: `enricher-${member}`, host: '/127.0.0.1', assignments: [{ topic: 'trades', partitions: Array.from({ length: partitions / 4 }, (_, index) => index * 4 + member) }] })),
        partitions: Array.from({ length: partitions }, (_, partition) => {
          const logEnd = second * 20 + partition;
          return { topic: 'trades', partition, logEnd, ...(partition === 7 ? {} : { committed: Math.max(0, logEnd - behind - (partition % 5)) }), owner: `enricher-${partition % 4}` };
        }),
      },
    ],
  };
}

async function main(): Promise<void> {
  const partitions = Number(argument('--partitions', '200'));
  const minutes = Number(argument('--minutes', '10'));
  const updates = Number(argument('--updates', '30'));
  const start = Date.now() - minutes * 60_000;
  const history = new LagHistory();
  let hostMs = 0;
  let latest: { frame: LagFrame; details: GroupLag[] } | undefined;
  for (let second = 0; second < minutes * 60; second += 1) {
    const began = performance.now();
    latest = history.add(syntheticSample(second, partitions, start));
    hostMs = Math.max(hostMs, performance.now() - began);
  }
  const view = await openWebview('lag', { viewport: { width: 1440, height: 900 } });
  const cdp = await view.page.context().newCDPSession(view.page);
  await cdp.send('Performance.enable');
  try {
    const reset = { title: `Consumer lag: ${partitions} partitions (bench)`, bootstrap: '127.0.0.1:9092', intervalSeconds: 1, paused: false, frames: history.allFrames(), details: history.details() };
    const drawn = (await view.page.evaluate(`new Promise((resolve) => {
      const started = performance.now();
      window.postMessage(${JSON.stringify({ type: 'host/notify', method: 'lag/reset', params: reset })}, '*');
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
    })`)) as number;
    // One group on show: its total and every partition, the chart's heaviest case.
    const groupStarted = performance.now();
    await view.page.selectOption('select.group', 'trade-enricher');
    await view.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const groupMs = performance.now() - groupStarted;
    const series = (await view.page.evaluate("document.querySelectorAll('.u-series').length || 0")) as number;
    // Watch the page's animation frames while it updates: a gap of more than 50 ms is a dropped frame.
    await view.page.evaluate(`window.__gaps = []; (() => { let last = performance.now(); const tick = (now) => { window.__gaps.push(now - last); last = now; window.__raf = requestAnimationFrame(tick); }; window.__raf = requestAnimationFrame(tick); })()`);
    const times: number[] = [];
    for (let update = 0; update < updates; update += 1) {
      const second = minutes * 60 + update;
      const began = performance.now();
      latest = history.add(syntheticSample(second, partitions, start));
      hostMs = Math.max(hostMs, performance.now() - began);
      const message = { type: 'host/notify', method: 'lag/frame', params: latest };
      // The message is put in the page first, untimed (as VS Code holds it before delivering it); then
      // timed from posting it to the end of the frame that shows it (the task after that frame's rendering).
      await view.page.evaluate(`window.__next = ${JSON.stringify(message)}`);
      times.push(
        (await view.page.evaluate(`new Promise((resolve) => {
          const started = performance.now();
          window.postMessage(window.__next, '*');
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
        })`)) as number,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const gaps = (await view.page.evaluate('(cancelAnimationFrame(window.__raf), window.__gaps)')) as number[];
    await view.page.screenshot({ path: join(__dirname, '..', 'test-output', 'lag-bench.png') });
    const metrics = Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((metric) => [metric.name, metric.value]));
    const sorted = [...times].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
    const dropped = gaps.filter((gap) => gap > 50).length;
    const shown = await view.page.evaluate('document.body.dataset.frames');
    console.log(`lag view: ${partitions} partitions, ${minutes * 60} samples of history (${shown} frames held), then ${updates} updates a second apart`);
    console.log(`history drawn in ${drawn.toFixed(0)} ms (all groups); one group with its ${partitions} partitions drawn in ${groupMs.toFixed(0)} ms (${series > 0 ? `${series} legend rows` : 'legend off'})`);
    console.log(`each update (message to the end of the frame that shows it): median ${median(times).toFixed(1)} ms, 95th percentile ${p95.toFixed(1)} ms, worst ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms`);
    console.log(`animation frames while updating: ${gaps.length}, dropped (over 50 ms apart): ${dropped}; JS heap ${((metrics.JSHeapUsedSize ?? 0) / 1024 / 1024).toFixed(1)} MB, ${metrics.Nodes ?? 0} DOM nodes`);
    console.log(`host, per sample (LagHistory.add, ${partitions} partitions): at most ${hostMs.toFixed(1)} ms`);
    if (view.console.some((line) => line.startsWith('pageerror'))) console.log(view.console.filter((line) => line.startsWith('pageerror')).join('\n'));
  } finally {
    await view.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
