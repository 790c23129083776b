/**
 * Consumer lag from samples: lag now, each partition's state after Burrow's rules (with no offset, zero lag
 * and an idle topic kept apart), lag in seconds interpolated from the log-end history, and a group's
 * totals, rates and worst state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupLag, lagOf, partitionStatus, timeLag } from '../../../src/core/kafka/lagAnalysis';
import type { GroupSample } from '../../../src/shared/lag';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;

/** A window of one partition: [logEnd, committed] per second, with `members` members. */
function window(points: readonly (readonly [number, number | undefined])[], members = 1) {
  return points.map(([logEnd, committed], index) => ({ at: at(index), logEnd, ...(committed !== undefined ? { committed } : {}), members }));
}

describe('consumer lag of a partition', () => {
  it('is log end minus committed, and unknown (not zero) without a committed offset', () => {
    assert.equal(lagOf({ logEnd: 120, committed: 100 }), 20);
    assert.equal(lagOf({ logEnd: 120 }), undefined);
    assert.equal(lagOf({ logEnd: 0, committed: 0 }), 0);
  });

  it('in seconds: interpolated between the log-end offsets seen around the committed offset', () => {
    const points = [{ offset: 0, at: at(0) }, { offset: 100, at: at(10) }, { offset: 200, at: at(20) }];
    assert.deepEqual(timeLag(points, 150, at(30)), { seconds: 15, atLeast: false });
    assert.deepEqual(timeLag(points, 100, at(30)), { seconds: 20, atLeast: false });
    assert.deepEqual(timeLag(points, 200, at(30)), { seconds: 0, atLeast: false });
  });

  it('in seconds: at least the whole history when the committed offset is older than it', () => {
    assert.deepEqual(timeLag([{ offset: 100, at: at(10) }, { offset: 200, at: at(20) }], 50, at(30)), { seconds: 20, atLeast: true });
  });

  it('in seconds: from where the history restarts when the topic was re-created', () => {
    const points = [{ offset: 500, at: at(0) }, { offset: 600, at: at(10) }, { offset: 0, at: at(20) }, { offset: 50, at: at(30) }];
    assert.deepEqual(timeLag(points, 25, at(40)), { seconds: 15, atLeast: false });
  });
});

describe("a partition's state over the window (Burrow's rules)", () => {
  const cases: [string, ReturnType<typeof window>, string, string][] = [
    ['no committed offset', window([[10, undefined], [20, undefined]]), 'no-offset', 'steady'],
    ['zero lag while messages arrive', window([[10, 10], [20, 20], [30, 30]]), 'caught-up', 'steady'],
    ['zero lag and nothing produced: an idle topic', window([[30, 30], [30, 30], [30, 30]]), 'idle', 'steady'],
    ['lag falling while the group commits', window([[100, 50], [110, 80], [120, 110]]), 'ok', 'falling'],
    ['lag rising while the group commits', window([[100, 90], [120, 100], [140, 110]]), 'lagging', 'rising'],
    ['lag steady while the group commits', window([[100, 90], [110, 100], [120, 110]]), 'lagging', 'steady'],
    ['lag and the same committed offset with members: stalled', window([[100, 90], [110, 90], [120, 90]], 2), 'stalled', 'rising'],
    ['lag and the same committed offset with no members: stopped', window([[100, 90], [110, 90], [120, 90]], 0), 'stopped', 'rising'],
    ['the committed offset went backwards', window([[100, 100], [110, 40], [120, 50]]), 'rewound', 'rising'],
    ['a zero lag within the window is OK (Burrow rule 1)', window([[100, 100], [105, 100], [108, 100]], 1), 'ok', 'rising'],
  ];
  for (const [name, seen, status, trend] of cases) {
    it(`${name}: ${status}, ${trend}`, () => {
      assert.deepEqual(partitionStatus(seen), { status, trend });
    });
  }
});

describe("a group's lag", () => {
  const sample = (seconds: number, state: string, partitions: [number, number | undefined][], members = 1): GroupSample => ({
    at: at(seconds),
    group: 'analytics',
    state,
    members: Array.from({ length: members }, (_, index) => ({ id: `m${index}`, clientId: `worker-${index}`, host: '/127.0.0.1', assignments: [{ topic: 'trades', partitions: [0, 1] }] })),
    partitions: partitions.map(([logEnd, committed], partition) => ({ topic: 'trades', partition, logEnd, ...(committed !== undefined ? { committed } : {}), owner: 'worker-0' })),
  });

  it('totals the partitions, takes the worst state, and gives rates and lag in seconds', () => {
    const history = [
      sample(0, 'Stable', [[0, 0], [0, undefined]]),
      sample(10, 'Stable', [[100, 40], [50, undefined]]),
      sample(20, 'Stable', [[200, 120], [100, undefined]]),
    ];
    const lag = groupLag(history);
    assert.deepEqual(lag, {
      group: 'analytics',
      state: 'Stable',
      status: 'no-offset',
      totalLag: 80,
      maxLagSeconds: 8,
      produceRate: 15,
      consumeRate: 6,
      rebalancing: false,
      members: history[2]?.members,
      partitions: [
        { topic: 'trades', partition: 0, logEnd: 200, committed: 120, lag: 80, lagSeconds: 8, status: 'ok', trend: 'rising', owner: 'worker-0' },
        { topic: 'trades', partition: 1, logEnd: 100, status: 'no-offset', trend: 'steady', owner: 'worker-0' },
      ],
    });
  });

  it('says when the group rebalances, and is stopped when it has no members and no partitions', () => {
    assert.equal(groupLag([sample(0, 'PreparingRebalance', [[10, 5], [10, 5]])])?.rebalancing, true);
    assert.equal(groupLag([{ ...sample(0, 'Empty', [], 0), partitions: [] }])?.status, 'stopped');
  });
});
