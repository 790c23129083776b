import * as vscode from 'vscode';
import type { NotificationMessage, ReplyMessage, RequestMessage } from '../../shared/webviewProtocol';
import { PLAN_COMPARE, PLAN_NODE_DETAILS, PLAN_PNG, PLAN_RENDER_PNG, PLAN_SHOW, type ComparePlansParams, type NodeDetailsParams, type PlanComparison, type PlanOnShow, type PngResult, type RenderPngParams, type ShowPlanParams } from '../../shared/planProtocol';
import { encodePlan } from '../../shared/planWire';
import { Disposable } from '../disposable';
import { createNonce, renderWebviewShell } from '../webviewHosts/webviewHtml';

/**
 * The plan webview beside the editor: one panel, re-used for each plan. Nothing is posted before the
 * webview says it is ready (its handler would not be there yet); the latest plan waits until then.
 */
export class PlanPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pending: NotificationMessage | undefined;
  /** The plan on show, for Export Plan. */
  current: PlanOnShow | undefined;
  /** The serial of the plan on show: a request about a node of an earlier plan is refused. */
  private serial = 0;
  private nextToken = 1;
  private readonly pngWaiters = new Map<number, { resolve(png: Uint8Array): void; reject(error: Error): void }>();

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  /** Has the webview draw `svg` as a PNG (it has a canvas; the host has none) and returns the PNG's bytes. */
  renderPng(svg: string, timeoutMs = 30_000): Promise<Uint8Array> {
    const panel = this.panel;
    if (!panel || !this.ready) return Promise.reject(new Error('the plan view is not open'));
    const token = this.nextToken++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pngWaiters.delete(token);
        reject(new Error(`the plan view did not draw the PNG within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pngWaiters.set(token, {
        resolve: (png) => (clearTimeout(timer), resolve(png)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      const params: RenderPngParams = { token, svg };
      void panel.webview.postMessage({ type: 'host/notify', method: PLAN_RENDER_PNG, params } satisfies NotificationMessage);
    });
  }

  show(shown: PlanOnShow): void {
    this.current = shown;
    this.serial += 1;
    const params: ShowPlanParams = { ...shown, plan: encodePlan(shown.plan), serial: this.serial };
    this.post({ type: 'host/notify', method: PLAN_SHOW, params }, `Plan: ${shown.title}`);
  }

  compare(comparison: PlanComparison): void {
    this.current = undefined;
    const params: ComparePlansParams = { ...comparison, before: encodePlan(comparison.before), after: encodePlan(comparison.after) };
    this.post({ type: 'host/notify', method: PLAN_COMPARE, params }, `Compare: ${comparison.beforeLabel} → ${comparison.afterLabel}`);
  }

  private post(message: NotificationMessage, title: string): void {
    this.pending = message;
    if (!this.panel) this.panel = this.createPanel();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = title.length > 48 ? `${title.slice(0, 47)}…` : title;
    this.flush();
  }

  private createPanel(): vscode.WebviewPanel {
    const assets = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webviews');
    const panel = vscode.window.createWebviewPanel('delabs.plan', 'Plan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [assets],
      retainContextWhenHidden: true,
    });
    const nonce = createNonce();
    panel.webview.html = renderWebviewShell({
      cspSource: panel.webview.cspSource,
      nonce,
      title: 'Plan',
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(assets, 'plan.js')).toString(),
      styleUris: [panel.webview.asWebviewUri(vscode.Uri.joinPath(assets, 'plan.css')).toString()],
      initialState: null,
    });
    this.ready = false;
    panel.webview.onDidReceiveMessage((message: unknown) => {
      const type = (message as { type?: unknown } | null)?.type;
      if (type === 'webview/ready') {
        this.ready = true;
        this.flush();
      } else if (type === 'webview/request') {
        this.answer(panel, message as RequestMessage);
      }
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.current = undefined;
      for (const waiter of this.pngWaiters.values()) waiter.reject(new Error('the plan view was closed'));
      this.pngWaiters.clear();
    });
    return panel;
  }

  /** The webview's requests: a node's details, and the PNG it was asked to draw. */
  private answer(panel: vscode.WebviewPanel, request: RequestMessage): void {
    let reply: ReplyMessage = { type: 'host/reply', id: request.id, result: null };
    if (request.method === PLAN_NODE_DETAILS) {
      const { serial, id } = request.params as NodeDetailsParams;
      const node = serial === this.serial ? this.current?.plan.nodes[id] : undefined;
      reply = node ? { type: 'host/reply', id: request.id, result: node.raw } : { type: 'host/reply', id: request.id, error: 'that plan is no longer on show' };
    } else if (request.method === PLAN_PNG) {
      const result = request.params as PngResult;
      const waiter = this.pngWaiters.get(result.token);
      this.pngWaiters.delete(result.token);
      if ('png' in result) waiter?.resolve(Buffer.from(result.png, 'base64'));
      else waiter?.reject(new Error(result.error));
    } else {
      reply = { type: 'host/reply', id: request.id, error: `unknown request ${request.method}` };
    }
    void panel.webview.postMessage(reply);
  }

  private flush(): void {
    if (!this.panel || !this.ready || !this.pending) return;
    const message = this.pending;
    this.pending = undefined;
    void this.panel.webview.postMessage(message);
  }
}
