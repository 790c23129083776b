/**
 * The lag view's history: each sample becomes a chart frame (unknown lag as null, never zero) and every
 * group's lag in detail; a broker that did not answer is a frame with its sentence; old samples go; CSV.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LagHistory } from '../../../src/core/kafka/lagHistory';
import type { ClusterSample } from '../../../src/shared/lag';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function sample(seconds: number, partitions: [number, number | undefined][], state = 'Stable'): ClusterSample {
  return {
    at: T0 + seconds * 1000,
    groups: [
      {
        at: T0 + seconds * 1000,
        group: 'analytics',
        state,
        members: [{ id: 'm1', clientId: 'worker', host: '/127.0.0.1', assignments: [{ topic: 'trades', partitions: partitions.map((_, index) => index) }] }],
        partitions: partitions.map(([logEnd, committed], partition) => ({ topic: 'trades', partition, logEnd, ...(committed !== undefined ? { committed } : {}), owner: 'worker' })),
      },
    ],
  };
}

describe('the lag history', () => {
  it('turns each sample into a frame of the chart and every group\'s lag', () => {
    const history = new LagHistory();
    history.add(sample(0, [[0, 0], [0, undefined]]));
    history.add(sample(10, [[100, 40], [50, undefined]]));
    const { frame, details } = history.add(sample(20, [[200, 120], [100, undefined]], 'PreparingRebalance'));
    assert.deepEqual(frame, {
      at: T0 + 20_000,
      groups: [{ group: 'analytics', state: 'PreparingRebalance', status: 'no-offset', rebalancing: true, totalLag: 80, keys: ['trades:0', 'trades:1'], lags: [80, null] }],
    });
    assert.equal(details[0]?.partitions[0]?.lagSeconds, 8);
    assert.equal(history.allFrames().length, 3);
  });

  it('keeps a sample the broker did not answer as a frame with its sentence, and the last details', () => {
    const history = new LagHistory();
    history.add(sample(0, [[10, 5]]));
    const { frame, details } = history.add({ at: T0 + 1000, groups: [], error: 'the Kafka broker at 127.0.0.1:9092 does not answer' });
    assert.deepEqual(frame, { at: T0 + 1000, error: 'the Kafka broker at 127.0.0.1:9092 does not answer', groups: [] });
    assert.equal(details[0]?.totalLag, 5);
  });

  it('forgets samples older than it keeps, but not where the log end was when its history starts', () => {
    const history = new LagHistory(30_000);
    history.add(sample(0, [[0, 0]]));
    history.add(sample(10, [[100, 0]]));
    history.add(sample(50, [[200, 150]]));
    assert.equal(history.size, 1);
    // The log end passed 150 between 10 s (at 100) and 50 s (at 200): at 30 s; the sample is at 50 s.
    assert.equal(history.details()[0]?.partitions[0]?.lagSeconds, 20);
  });

  it('writes CSV: a row per partition per sample, an empty lag for no committed offset, a row for a broker that did not answer', () => {
    const history = new LagHistory();
    history.add(sample(0, [[0, 0], [4, undefined]]));
    history.add(sample(10, [[100, 40], [4, undefined]]));
    history.add({ at: T0 + 20_000, groups: [], error: 'the Kafka broker at 127.0.0.1:9092 does not answer, "really"' });
    assert.equal(
      history.csv(),
      [
        'time,group,state,topic,partition,log_end_offset,committed_offset,lag,lag_seconds_estimate,error',
        '2026-12-01T12:00:00.000Z,analytics,Stable,trades,0,0,0,0,0.0,',
        '2026-12-01T12:00:00.000Z,analytics,Stable,trades,1,4,,,,',
        '2026-12-01T12:00:10.000Z,analytics,Stable,trades,0,100,40,60,6.0,',
        '2026-12-01T12:00:10.000Z,analytics,Stable,trades,1,4,,,,',
        '2026-12-01T12:00:20.000Z,,,,,,,,,"the Kafka broker at 127.0.0.1:9092 does not answer, ""really"""',
        '',
      ].join('\n'),
    );
    assert.equal(history.csv({ since: T0 + 5_000, group: 'nobody' }).split('\n').length, 3);
  });
});
