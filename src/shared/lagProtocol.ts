/**
 * The consumer-lag view's messages, on top of the envelope in webviewProtocol.ts. Types only: the webview
 * and the host both import this file and nothing else of each other.
 */
import type { GroupLag, PartitionStatus } from './lag';

/** One group at one sample, as the chart draws it: the lag of each partition, in the order of `keys`. */
export interface GroupPoint {
  readonly group: string;
  readonly state: string;
  readonly status: PartitionStatus;
  readonly rebalancing: boolean;
  readonly totalLag: number;
  /** `topic:partition` of each entry of `lags`. */
  readonly keys: readonly string[];
  /** Each partition's lag; null with no committed offset (unknown, drawn as a gap, never as zero). */
  readonly lags: readonly (number | null)[];
}

/** One sample of the cluster, as the chart draws it. */
export interface LagFrame {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
  /** The broker did not answer, in a sentence: the chart shows the gap and says why. */
  readonly error?: string;
  readonly groups: readonly GroupPoint[];
}

/** Host to webview: start afresh (a new cluster, or the view opened), with the history kept so far. */
export interface LagResetParams {
  /** "Consumer lag: kafka of 37 Kafka consumer lag visualizer (127.0.0.1:9092)". */
  readonly title: string;
  readonly bootstrap: string;
  readonly intervalSeconds: number;
  readonly paused: boolean;
  readonly frames: readonly LagFrame[];
  /** Every group's lag now, in detail (the latest sample), for the table. */
  readonly details: readonly GroupLag[];
}

export const LAG_RESET = 'lag/reset';

/** Host to webview: a new sample, with every group's lag in detail. */
export interface LagFrameParams {
  readonly frame: LagFrame;
  readonly details: readonly GroupLag[];
}

export const LAG_FRAME = 'lag/frame';

/** Host to webview: sampling paused or resumed, or its interval changed. */
export interface LagSamplingParams {
  readonly paused: boolean;
  readonly intervalSeconds: number;
  /** Why sampling is paused when the learner did not pause it (the view is hidden, say). */
  readonly reason?: string;
}

export const LAG_SAMPLING = 'lag/sampling';

/** Webview to host, a request: pause or resume sampling. */
export interface SetPausedParams {
  readonly paused: boolean;
}

export const LAG_SET_PAUSED = 'lag/setPaused';

/** Webview to host, a request: sample every `seconds` (within the setting's bounds). */
export interface SetIntervalParams {
  readonly seconds: number;
}

export const LAG_SET_INTERVAL = 'lag/setInterval';

/** Webview to host, a request: export the samples of the last `rangeSeconds` (all kept when absent) as CSV, of one group or all. */
export interface ExportCsvParams {
  readonly rangeSeconds?: number;
  readonly group?: string;
}

export const LAG_EXPORT_CSV = 'lag/exportCsv';
