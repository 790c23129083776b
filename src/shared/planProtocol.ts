/**
 * The plan view's messages, on top of the envelope in webviewProtocol.ts. Types only: the webview and
 * the host both import this file and nothing else of each other.
 */
import type { Plan } from './plan';

/** Host to webview: draw this plan. */
export interface ShowPlanParams {
  readonly plan: Plan;
  /** "Explain Analyze: select ... (lab 07, postgres at 127.0.0.1:54307)". */
  readonly title: string;
  /** The statement that was explained, when known. */
  readonly sql?: string;
  /** When it was explained, ISO 8601. */
  readonly at?: string;
}

export const PLAN_SHOW = 'plan/show';

/** One row of a comparison: a pair of nodes (by id in each plan), or a node on one side only. */
export interface CompareRowView {
  readonly kind: 'matched' | 'added' | 'removed';
  readonly beforeId?: number;
  readonly afterId?: number;
  readonly depth: number;
  readonly typeChanged?: boolean;
}

/** Host to webview: draw two plans compared node by node. */
export interface ComparePlansParams {
  readonly before: Plan;
  readonly after: Plan;
  readonly beforeLabel: string;
  readonly afterLabel: string;
  readonly rows: readonly CompareRowView[];
  readonly summary: readonly string[];
}

export const PLAN_COMPARE = 'plan/compare';
