import type * as vscode from 'vscode';
import { PLAN_COMPARE, PLAN_NODE_DETAILS, PLAN_RENDER_PNG, PLAN_SHOW, type ComparePlansParams, type NodeDetailsParams, type PlanComparison, type PlanOnShow, type PngResult, type RenderPngParams, type ShowPlanParams } from '../../shared/planProtocol';
import { encodePlan } from '../../shared/planWire';
import { WebviewPanelHost } from '../webviewHosts/webviewPanelHost';

/** The plan webview beside the editor: one panel, re-used for each plan and each comparison. */
export class PlanPanel extends WebviewPanelHost {
  /** The plan on show, for Export Plan. */
  current: PlanOnShow | undefined;
  /** The serial of the plan on show: a request about a node of an earlier plan is refused. */
  private serial = 0;

  constructor(extensionUri: vscode.Uri) {
    super(extensionUri, { viewType: 'delabs.plan', bundle: 'plan', title: 'Plan', hasStyles: true });
  }

  /** Has the webview draw `svg` as a PNG (it has a canvas; the host has none) and returns the PNG's bytes. */
  async renderPng(svg: string, timeoutMs = 30_000): Promise<Uint8Array> {
    const params: RenderPngParams = { svg };
    const result = await this.ask<PngResult>(PLAN_RENDER_PNG, params, timeoutMs);
    return Buffer.from(result.png, 'base64');
  }

  showPlan(shown: PlanOnShow): void {
    this.current = shown;
    this.serial += 1;
    const params: ShowPlanParams = { ...shown, plan: encodePlan(shown.plan), serial: this.serial };
    this.show(PLAN_SHOW, params, `Plan: ${shown.title}`);
  }

  compare(comparison: PlanComparison): void {
    this.current = undefined;
    const params: ComparePlansParams = { ...comparison, before: encodePlan(comparison.before), after: encodePlan(comparison.after) };
    this.show(PLAN_COMPARE, params, `Compare: ${comparison.beforeLabel} → ${comparison.afterLabel}`);
  }

  /** The webview asks for everything PostgreSQL wrote about one node of the plan on show. */
  protected answer(method: string, params: unknown): unknown {
    if (method !== PLAN_NODE_DETAILS) throw new Error(`unknown request ${method}`);
    const { serial, id } = params as NodeDetailsParams;
    const node = serial === this.serial ? this.current?.plan.nodes[id] : undefined;
    if (!node) throw new Error('that plan is no longer on show');
    return node.raw;
  }

  protected override panelClosed(): void {
    this.current = undefined;
  }
}
