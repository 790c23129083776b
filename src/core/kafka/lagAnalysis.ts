/**
 * Consumer lag from a history of samples: each partition's lag now, its state over the evaluation window
 * after Burrow's rules (github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules), and its lag in
 * seconds, interpolated from the history of log-end offsets and the times they were seen, as
 * kafka-lag-exporter does. Pure: the sampler reads the cluster, this reads the samples.
 */
import type { GroupLag, GroupSample, LagTrend, PartitionLag, PartitionSample, PartitionStatus } from '../../shared/lag';

/** How many of the latest samples Burrow's rules look at (Burrow's default window holds 10 offsets). */
export const EVALUATION_WINDOW = 10;

/** From the worst to the best: a group's status is its worst partition's. */
export const STATUS_SEVERITY: readonly PartitionStatus[] = ['stopped', 'stalled', 'rewound', 'lagging', 'no-offset', 'ok', 'caught-up', 'idle'];

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance']);

export interface OffsetPoint {
  readonly offset: number;
  /** ms since the epoch. */
  readonly at: number;
}

/** Log end minus committed; undefined with no committed offset (unknown, not zero). */
export function lagOf(partition: Pick<PartitionSample, 'logEnd' | 'committed'>): number | undefined {
  return partition.committed === undefined ? undefined : Math.max(0, partition.logEnd - partition.committed);
}

/**
 * How long ago the log end was at `committed`, from (offset, time) points of the log end, oldest first:
 * interpolated between the two points around it. Older than the whole history: a lower bound (`atLeast`).
 * The history restarts where the offset goes down (the topic was re-created).
 */
export function timeLag(points: readonly OffsetPoint[], committed: number, now: number): { seconds: number; atLeast: boolean } | undefined {
  let start = 0;
  for (let index = 1; index < points.length; index += 1) {
    if ((points[index]?.offset ?? 0) < (points[index - 1]?.offset ?? 0)) start = index;
  }
  const history = points.slice(start);
  const last = history[history.length - 1];
  if (!last) return undefined;
  if (committed >= last.offset) return { seconds: 0, atLeast: false };
  const after = history.findIndex((point) => point.offset > committed);
  const passed = history[after];
  const before = history[after - 1];
  if (!passed) return undefined;
  if (!before) return { seconds: Math.max(0, (now - passed.at) / 1000), atLeast: true };
  // The log end went from before.offset to passed.offset between the two times; committed lies in between.
  const share = (committed - before.offset) / (passed.offset - before.offset);
  const reached = before.at + share * (passed.at - before.at);
  return { seconds: Math.max(0, (now - reached) / 1000), atLeast: false };
}

interface Seen {
  readonly at: number;
  readonly logEnd: number;
  readonly committed?: number;
  readonly members: number;
}

function trendOf(first: number | undefined, last: number | undefined): LagTrend {
  if (first === undefined || last === undefined || first === last) return 'steady';
  return last > first ? 'rising' : 'falling';
}

/** Burrow's rules over the window (oldest first), with the states other tools blur kept apart. */
export function partitionStatus(window: readonly Seen[]): { status: PartitionStatus; trend: LagTrend } {
  const latest = window[window.length - 1];
  if (!latest || latest.committed === undefined) return { status: 'no-offset', trend: 'steady' };
  const committed = window.filter((entry): entry is Seen & { committed: number } => entry.committed !== undefined);
  const lags = committed.map((entry) => Math.max(0, entry.logEnd - entry.committed));
  const latestLag = lags[lags.length - 1] ?? 0;
  const trend = trendOf(lags[0], latestLag);
  for (let index = 1; index < committed.length; index += 1) {
    if ((committed[index]?.committed ?? 0) < (committed[index - 1]?.committed ?? 0)) return { status: 'rewound', trend };
  }
  if (latestLag === 0) return { status: window[0]?.logEnd === latest.logEnd ? 'idle' : 'caught-up', trend };
  const moved = committed[0]?.committed !== latest.committed;
  if (!moved && latest.members === 0) return { status: 'stopped', trend };
  // Burrow rule 1: a zero lag anywhere in the window is OK.
  if (lags.includes(0)) return { status: 'ok', trend };
  if (!moved && committed.length > 1) return { status: 'stalled', trend };
  if (committed.length < 2) return { status: 'lagging', trend };
  return { status: trend === 'falling' ? 'ok' : 'lagging', trend };
}

function worst(statuses: readonly PartitionStatus[]): PartitionStatus {
  return STATUS_SEVERITY.find((status) => statuses.includes(status)) ?? 'idle';
}

function rate(first: number, last: number, fromMs: number, toMs: number): number | undefined {
  return toMs > fromMs ? Math.max(0, ((last - first) * 1000) / (toMs - fromMs)) : undefined;
}

/** The log-end points of a partition (`topic`, `partition`), oldest first, for lag in seconds. */
export type LogEndPoints = (topic: string, partition: number) => readonly OffsetPoint[];

/** The moments each partition's log end moved, from a group's history (what LagHistory keeps as it goes). */
export function logEndPointsOf(history: readonly GroupSample[]): LogEndPoints {
  const points = new Map<string, OffsetPoint[]>();
  for (const sample of history) {
    for (const entry of sample.partitions) {
      const key = `${entry.topic}\u0000${entry.partition}`;
      const list = points.get(key) ?? [];
      // Only the moments the log end moved: the interpolation needs where it was when.
      if (list[list.length - 1]?.offset !== entry.logEnd) list.push({ offset: entry.logEnd, at: sample.at });
      points.set(key, list);
    }
  }
  return (topic, partition) => points.get(`${topic}\u0000${partition}`) ?? [];
}

const partitionKey = (entry: Pick<PartitionSample, 'topic' | 'partition'>): string => `${entry.topic}\u0000${entry.partition}`;

/**
 * One group's lag now, from its samples (oldest first): the latest sample for the offsets, the last
 * `window` samples for each partition's state, and the log end's history (all samples by default) for
 * lag in seconds and rates.
 */
export function groupLag(history: readonly GroupSample[], window = EVALUATION_WINDOW, points: LogEndPoints = logEndPointsOf(history)): GroupLag | undefined {
  const latest = history[history.length - 1];
  if (!latest) return undefined;
  const recent = history.slice(-window);
  const first = recent[0] ?? latest;
  const indexed = recent.map((sample) => ({ sample, byKey: new Map(sample.partitions.map((entry) => [partitionKey(entry), entry])) }));
  const partitions: PartitionLag[] = latest.partitions.map((partition) => {
    const seen: Seen[] = [];
    for (const { sample, byKey } of indexed) {
      const entry = byKey.get(partitionKey(partition));
      if (entry) seen.push({ at: sample.at, logEnd: entry.logEnd, ...(entry.committed !== undefined ? { committed: entry.committed } : {}), members: sample.members.length });
    }
    const lag = lagOf(partition);
    const seconds = partition.committed !== undefined ? timeLag(points(partition.topic, partition.partition), partition.committed, latest.at) : undefined;
    const { status, trend } = partitionStatus(seen);
    return {
      topic: partition.topic,
      partition: partition.partition,
      logEnd: partition.logEnd,
      ...(partition.committed !== undefined ? { committed: partition.committed } : {}),
      ...(lag !== undefined ? { lag } : {}),
      ...(seconds ? { lagSeconds: seconds.seconds, ...(seconds.atLeast ? { atLeast: true } : {}) } : {}),
      status,
      trend,
      ...(partition.owner ? { owner: partition.owner } : {}),
    };
  });
  const firstByKey = indexed[0]?.byKey ?? new Map<string, PartitionSample>();
  // Rates over the partitions both ends of the window have (a partition added meanwhile is not a burst).
  let produced = 0;
  let consumed = 0;
  let consumedKnown = false;
  for (const entry of latest.partitions) {
    const before = firstByKey.get(partitionKey(entry));
    if (!before) continue;
    produced += entry.logEnd - before.logEnd;
    if (entry.committed !== undefined && before.committed !== undefined) {
      consumed += entry.committed - before.committed;
      consumedKnown = true;
    }
  }
  const produceRate = rate(0, produced, first.at, latest.at);
  const consumeRate = consumedKnown ? rate(0, consumed, first.at, latest.at) : undefined;
  const estimates = partitions.map((partition) => partition.lagSeconds).filter((value): value is number => value !== undefined);
  return {
    group: latest.group,
    state: latest.state,
    status: partitions.length > 0 ? worst(partitions.map((partition) => partition.status)) : latest.members.length === 0 ? 'stopped' : 'no-offset',
    totalLag: partitions.reduce((total, partition) => total + (partition.lag ?? 0), 0),
    ...(estimates.length > 0 ? { maxLagSeconds: Math.max(...estimates) } : {}),
    ...(produceRate !== undefined ? { produceRate } : {}),
    ...(consumeRate !== undefined ? { consumeRate } : {}),
    rebalancing: REBALANCING.has(latest.state),
    members: latest.members,
    partitions,
    ...(latest.missingTopics ? { missingTopics: latest.missingTopics } : {}),
  };
}
