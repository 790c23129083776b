import * as vscode from 'vscode';
import type { NotificationMessage } from '../../shared/webviewProtocol';
import { PLAN_COMPARE, PLAN_SHOW, type ComparePlansParams, type ShowPlanParams } from '../../shared/planProtocol';
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
  /** The plan on show, for Export Plan as SVG. */
  current: ShowPlanParams | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  show(params: ShowPlanParams): void {
    this.current = params;
    this.post({ type: 'host/notify', method: PLAN_SHOW, params }, `Plan: ${params.title}`);
  }

  compare(params: ComparePlansParams): void {
    this.current = undefined;
    this.post({ type: 'host/notify', method: PLAN_COMPARE, params }, `Compare: ${params.beforeLabel} → ${params.afterLabel}`);
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
      if ((message as { type?: unknown } | null)?.type === 'webview/ready') {
        this.ready = true;
        this.flush();
      }
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.current = undefined;
    });
    return panel;
  }

  private flush(): void {
    if (!this.panel || !this.ready || !this.pending) return;
    const message = this.pending;
    this.pending = undefined;
    void this.panel.webview.postMessage(message);
  }
}
