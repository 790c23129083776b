/**
 * The samples of one cluster the lag view has taken, kept for an hour: each new sample becomes a frame
 * for the chart and every group's lag in detail, computed incrementally (each partition's log-end points
 * grow as samples come, so lag in seconds never rescans the history); and the history as CSV.
 */
import type { ClusterSample, GroupLag, GroupSample } from '../../shared/lag';
import type { GroupPoint, LagFrame } from '../../shared/lagProtocol';
import { EVALUATION_WINDOW, groupLag, timeLag, type OffsetPoint } from './lagAnalysis';

/** How long samples are kept: the longest range the chart offers. */
export const HISTORY_MS = 60 * 60 * 1000;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

function pointOf(lag: GroupLag): GroupPoint {
  return {
    group: lag.group,
    state: lag.state,
    status: lag.status,
    rebalancing: lag.rebalancing,
    totalLag: lag.totalLag,
    keys: lag.partitions.map((partition) => `${partition.topic}:${partition.partition}`),
    lags: lag.partitions.map((partition) => partition.lag ?? null),
  };
}

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class LagHistory {
  private readonly samples: ClusterSample[] = [];
  private readonly frames: LagFrame[] = [];
  /** Per group, its samples (oldest first), for the evaluation window. */
  private readonly groups = new Map<string, GroupSample[]>();
  /** Per partition, the moments its log end moved. */
  private readonly points = new Map<string, OffsetPoint[]>();
  private latest: GroupLag[] = [];

  constructor(private readonly keepMs = HISTORY_MS) {}

  /** Adds a sample; returns the chart's frame of it and every group's lag now. */
  add(sample: ClusterSample): { frame: LagFrame; details: GroupLag[] } {
    this.samples.push(sample);
    this.forgetBefore(sample.at - this.keepMs);
    if (sample.error !== undefined) {
      const frame: LagFrame = { at: sample.at, error: sample.error, groups: [] };
      this.frames.push(frame);
      return { frame, details: this.latest };
    }
    for (const group of sample.groups) {
      for (const partition of group.partitions) {
        const list = this.points.get(key(partition.topic, partition.partition)) ?? [];
        if (list[list.length - 1]?.offset !== partition.logEnd) list.push({ offset: partition.logEnd, at: sample.at });
        this.points.set(key(partition.topic, partition.partition), list);
      }
      const history = this.groups.get(group.group) ?? [];
      history.push(group);
      // The window is all the state needs; more would only cost.
      if (history.length > EVALUATION_WINDOW) history.splice(0, history.length - EVALUATION_WINDOW);
      this.groups.set(group.group, history);
    }
    const present = new Set(sample.groups.map((group) => group.group));
    for (const name of [...this.groups.keys()]) if (!present.has(name)) this.groups.delete(name);
    this.latest = sample.groups
      .map((group) => groupLag(this.groups.get(group.group) ?? [group], EVALUATION_WINDOW, (topic, partition) => this.points.get(key(topic, partition)) ?? []))
      .filter((lag): lag is GroupLag => lag !== undefined);
    const frame: LagFrame = { at: sample.at, groups: this.latest.map(pointOf) };
    this.frames.push(frame);
    return { frame, details: this.latest };
  }

  /** The frames kept, oldest first. */
  allFrames(): readonly LagFrame[] {
    return this.frames;
  }

  /** Every group's lag at the latest sample that answered. */
  details(): readonly GroupLag[] {
    return this.latest;
  }

  get size(): number {
    return this.samples.length;
  }

  clear(): void {
    this.samples.length = 0;
    this.frames.length = 0;
    this.groups.clear();
    this.points.clear();
    this.latest = [];
  }

  /**
   * The samples since `since` (ms, all kept when absent), of `group` (all when absent), one row per
   * partition per sample: time, group, state, topic, partition, log end, committed, lag, lag in seconds.
   * A sample the broker did not answer is one row saying so.
   */
  csv(options: { readonly since?: number; readonly group?: string } = {}): string {
    const rows = ['time,group,state,topic,partition,log_end_offset,committed_offset,lag,lag_seconds_estimate,error'];
    for (const sample of this.samples) {
      if (options.since !== undefined && sample.at < options.since) continue;
      const time = new Date(sample.at).toISOString();
      if (sample.error !== undefined) {
        rows.push([time, '', '', '', '', '', '', '', '', csvField(sample.error)].join(','));
        continue;
      }
      for (const group of sample.groups) {
        if (options.group !== undefined && group.group !== options.group) continue;
        for (const partition of group.partitions) {
          const lag = partition.committed === undefined ? undefined : Math.max(0, partition.logEnd - partition.committed);
          const points = (this.points.get(key(partition.topic, partition.partition)) ?? []).filter((point) => point.at <= sample.at);
          const seconds = partition.committed === undefined ? undefined : timeLag(points, partition.committed, sample.at);
          rows.push(
            [time, csvField(group.group), csvField(group.state), csvField(partition.topic), partition.partition, partition.logEnd, csvField(partition.committed), csvField(lag), seconds ? seconds.seconds.toFixed(1) : '', ''].join(','),
          );
        }
      }
    }
    return `${rows.join('\n')}\n`;
  }

  private forgetBefore(oldest: number): void {
    let drop = 0;
    while (drop < this.samples.length && (this.samples[drop]?.at ?? 0) < oldest) drop += 1;
    if (drop === 0) return;
    this.samples.splice(0, drop);
    this.frames.splice(0, drop);
    for (const [name, list] of this.points) {
      // Keep the last point before the cut: it says where the log end was when the kept history starts.
      const from = list.findIndex((point) => point.at >= oldest);
      if (from > 1) list.splice(0, from - 1);
      else if (from === -1 && list.length > 1) list.splice(0, list.length - 1);
      if (list.length === 0) this.points.delete(name);
    }
  }
}
