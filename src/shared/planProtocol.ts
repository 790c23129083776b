/**
 * The plan view's messages, on top of the envelope in webviewProtocol.ts. Types only: the webview and
 * the host both import this file and nothing else of each other.
 */
import type { Plan } from './plan';

/** A plan to show, as the host holds it. */
export interface PlanOnShow {
  readonly plan: Plan;
  /** "Explain Analyze: select ... (lab 07, postgres at 127.0.0.1:54307)". */
  readonly title: string;
  /** The statement that was explained, when known. */
  readonly sql?: string;
  /** When it was explained, ISO 8601. */
  readonly at?: string;
}

/** Host to webview: draw this plan. */
export interface ShowPlanParams extends Omit<PlanOnShow, 'plan'> {
  /** The plan as `encodePlan` writes it (planWire.ts): JSON text, flat, without each node's raw keys. */
  readonly plan: string;
  /** Which plan this is, for asking the host about one of its nodes. */
  readonly serial: number;
}

export const PLAN_SHOW = 'plan/show';

/** Webview to host, a request: everything PostgreSQL wrote about one node of the plan on show. */
export interface NodeDetailsParams {
  readonly serial: number;
  readonly id: number;
}

/** The node's keys as PostgreSQL wrote them (without its children). */
export type NodeDetailsResult = Readonly<Record<string, unknown>>;

export const PLAN_NODE_DETAILS = 'plan/nodeDetails';

/** One row of a comparison: a pair of nodes (by id in each plan), or a node on one side only. */
export interface CompareRowView {
  readonly kind: 'matched' | 'added' | 'removed';
  readonly beforeId?: number;
  readonly afterId?: number;
  readonly depth: number;
  readonly typeChanged?: boolean;
}

/** Two plans compared node by node, as the host holds them. */
export interface PlanComparison {
  readonly before: Plan;
  readonly after: Plan;
  readonly beforeLabel: string;
  readonly afterLabel: string;
  readonly rows: readonly CompareRowView[];
  readonly summary: readonly string[];
}

/** Host to webview: draw two plans compared node by node (each as `encodePlan` writes it). */
export interface ComparePlansParams extends Omit<PlanComparison, 'before' | 'after'> {
  readonly before: string;
  readonly after: string;
}

export const PLAN_COMPARE = 'plan/compare';

/** Host to webview, a request: draw this SVG (the plan as Export Plan writes it) on a canvas; the reply is the PNG. */
export interface RenderPngParams {
  readonly svg: string;
}

/** The PNG drawn, base64. */
export interface PngResult {
  readonly png: string;
}

export const PLAN_RENDER_PNG = 'plan/renderPng';
