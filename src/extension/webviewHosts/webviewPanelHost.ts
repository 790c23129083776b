import * as vscode from 'vscode';
import type { HostRequestMessage, NotificationMessage, ReplyMessage, RequestMessage, WebviewReplyMessage } from '../../shared/webviewProtocol';
import { Disposable } from '../disposable';
import { createNonce, renderWebviewShell } from './webviewHtml';

export interface PanelOptions {
  /** The panel's view type, `delabs.<name>`. */
  readonly viewType: string;
  /** The webview's bundle and stylesheet in dist/webviews/ (`<name>.js`, `<name>.css`). */
  readonly bundle: string;
  readonly title: string;
  /** Whether the bundle has a stylesheet beside it. */
  readonly hasStyles: boolean;
}

/** Longest panel title before it is cut with an ellipsis. */
const MAX_TITLE = 48;

/**
 * One webview panel beside the editor, re-used for everything it shows: its HTML shell (strict CSP,
 * nonce), the ready handshake (nothing is posted before the webview says its handler is there; until
 * then the latest notification of each method waits), the webview's requests answered by id with errors
 * sent back, and the host's own requests to the webview (a PNG to draw, an SVG to hand over).
 */
export abstract class WebviewPanelHost extends Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly pending = new Map<string, NotificationMessage>();
  private nextRequest = 1;
  private readonly waiters = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(
    protected readonly extensionUri: vscode.Uri,
    private readonly options: PanelOptions,
  ) {
    super();
    this.register({ dispose: () => this.panel?.dispose() });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The webview's requests: the result, or a rejection whose message goes back as the error. */
  protected abstract answer(method: string, params: unknown): Promise<unknown> | unknown;

  /** Called when the learner closes the panel. */
  protected panelClosed(): void {
    // Nothing by default.
  }

  /** Called when the panel is shown or hidden (another tab in front of it, say). */
  protected panelVisibilityChanged(_visible: boolean): void {
    // Nothing by default.
  }

  get visible(): boolean {
    return this.panel?.visible === true;
  }

  /** Posts a notification, opening (or revealing) the panel beside the editor with `title`. */
  protected show(method: string, params: unknown, title: string, preserveFocus = true): void {
    if (!this.panel) this.panel = this.createPanel(preserveFocus);
    else if (!this.panel.visible) this.panel.reveal(undefined, preserveFocus);
    this.panel.title = title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
    this.notify(method, params);
  }

  /** Posts a notification if the panel is open (once the webview is ready); the latest of each method wins. */
  protected notify(method: string, params: unknown): void {
    if (!this.panel) return;
    // Deleted first, so that a method posted again moves behind the others: the last posted arrives last.
    this.pending.delete(method);
    this.pending.set(method, { type: 'host/notify', method, params });
    this.flush();
  }

  /** Asks the webview for something only it can do, and waits at most `timeoutMs` for its reply. */
  protected ask<Result>(method: string, params: unknown, timeoutMs = 30_000): Promise<Result> {
    const panel = this.panel;
    if (!panel || !this.ready) return Promise.reject(new Error(`the ${this.options.title} view is not open`));
    const id = this.nextRequest++;
    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`the ${this.options.title} view did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as Result)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      void panel.webview.postMessage({ type: 'host/request', id, method, params } satisfies HostRequestMessage);
    });
  }

  private createPanel(preserveFocus: boolean): vscode.WebviewPanel {
    const assets = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webviews');
    const panel = vscode.window.createWebviewPanel(this.options.viewType, this.options.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
      enableScripts: true,
      localResourceRoots: [assets],
      retainContextWhenHidden: true,
    });
    const asset = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(assets, file)).toString();
    panel.webview.html = renderWebviewShell({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      title: this.options.title,
      scriptUri: asset(`${this.options.bundle}.js`),
      styleUris: this.options.hasStyles ? [asset(`${this.options.bundle}.css`)] : [],
      initialState: null,
    });
    this.ready = false;
    panel.webview.onDidReceiveMessage((message: unknown) => {
      const type = (message as { type?: unknown } | null)?.type;
      if (type === 'webview/ready') {
        this.ready = true;
        this.flush();
      } else if (type === 'webview/request') {
        void this.reply(panel, message as RequestMessage);
      } else if (type === 'webview/reply') {
        const reply = message as WebviewReplyMessage;
        const waiter = this.waiters.get(reply.id);
        this.waiters.delete(reply.id);
        if ('error' in reply) waiter?.reject(new Error(reply.error));
        else waiter?.resolve(reply.result);
      }
    });
    panel.onDidChangeViewState((event) => this.panelVisibilityChanged(event.webviewPanel.visible));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.pending.clear();
      for (const waiter of this.waiters.values()) waiter.reject(new Error(`the ${this.options.title} view was closed`));
      this.waiters.clear();
      this.panelClosed();
    });
    return panel;
  }

  private async reply(panel: vscode.WebviewPanel, request: RequestMessage): Promise<void> {
    let reply: ReplyMessage;
    try {
      reply = { type: 'host/reply', id: request.id, result: (await this.answer(request.method, request.params)) ?? null };
    } catch (error) {
      reply = { type: 'host/reply', id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    void panel.webview.postMessage(reply);
  }

  private flush(): void {
    if (!this.panel || !this.ready) return;
    const messages = [...this.pending.values()];
    this.pending.clear();
    // Not awaited: postMessage resolves when delivered; the order of posting is the order of arrival.
    for (const message of messages) void this.panel.webview.postMessage(message);
  }
}
