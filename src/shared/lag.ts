/**
 * Consumer lag as sampled from a Kafka cluster: per consumer group, per partition, the log-end offset and
 * the group's committed offset at one moment. Types only, shared by the sampler (src/core/kafka/), the
 * host and the lag webview.
 */

/** One partition of one group at one sample. */
export interface PartitionSample {
  readonly topic: string;
  readonly partition: number;
  /** The log-end offset (the offset the next message will take). */
  readonly logEnd: number;
  /** The group's committed offset; absent when the group has committed none for this partition (lag unknown, not zero). */
  readonly committed?: number;
  /** The member the partition is assigned to now (its client id), if any. */
  readonly owner?: string;
}

/** A member of a consumer group, with the partitions assigned to it. */
export interface GroupMember {
  readonly id: string;
  readonly clientId: string;
  readonly host: string;
  readonly assignments: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

/** One consumer group at one moment. */
export interface GroupSample {
  /** When the sample was taken (ms since the epoch). */
  readonly at: number;
  readonly group: string;
  /** Kafka's state: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  readonly state: string;
  readonly members: readonly GroupMember[];
  readonly partitions: readonly PartitionSample[];
  /** Topics the group committed offsets on that no longer exist (deleted). */
  readonly missingTopics?: readonly string[];
}

/** Every group sampled at one moment, or why the cluster could not be read. */
export interface ClusterSample {
  readonly at: number;
  readonly groups: readonly GroupSample[];
  /** The broker did not answer (or another failure), in a sentence; `groups` is then empty. */
  readonly error?: string;
}

/**
 * A partition's state over the evaluation window, after Burrow's rules, with the states other tools blur
 * kept apart:
 * - `caught-up`: no lag, and messages keep arriving;
 * - `idle`: no lag, and nothing was produced in the window;
 * - `ok`: lag that falls, or that touched zero in the window;
 * - `lagging`: the group commits, but its lag does not fall;
 * - `stalled`: lag exists and the committed offset does not move while the group has members;
 * - `stopped`: lag exists and nobody commits: the group has no members;
 * - `rewound`: the committed offset went backwards;
 * - `no-offset`: the group has never committed an offset for the partition.
 */
export type PartitionStatus = 'caught-up' | 'idle' | 'ok' | 'lagging' | 'stalled' | 'stopped' | 'rewound' | 'no-offset';

/** Whether the lag rose, fell or stayed over the window. */
export type LagTrend = 'rising' | 'falling' | 'steady';

/** A partition's lag and state, as the chart's table shows it. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly logEnd: number;
  readonly committed?: number;
  /** Log-end minus committed; absent with no committed offset. */
  readonly lag?: number;
  /**
   * How long ago the committed offset was the log end, interpolated from the log-end history (as
   * kafka-lag-exporter does), in seconds; absent when it cannot be told (no offset, too little history).
   * An estimate: a lower bound when the committed offset is older than the history (`atLeast`).
   */
  readonly lagSeconds?: number;
  readonly atLeast?: boolean;
  readonly status: PartitionStatus;
  readonly trend: LagTrend;
  readonly owner?: string;
}

/** A group's status: the worst of its partitions, with the group's own state. */
export interface GroupLag {
  readonly group: string;
  readonly state: string;
  readonly status: PartitionStatus;
  /** The sum of the partitions' lag (those with a committed offset). */
  readonly totalLag: number;
  /** The largest estimate of lag in seconds over the partitions. */
  readonly maxLagSeconds?: number;
  /** Messages produced per second to the group's partitions, over the window. */
  readonly produceRate?: number;
  /** Messages committed per second by the group, over the window. */
  readonly consumeRate?: number;
  /** The group is rebalancing now (PreparingRebalance or CompletingRebalance). */
  readonly rebalancing: boolean;
  readonly members: readonly GroupMember[];
  readonly partitions: readonly PartitionLag[];
  /** Topics the group committed offsets on that no longer exist (deleted). */
  readonly missingTopics?: readonly string[];
}
