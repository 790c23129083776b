import type * as vscode from 'vscode';
import { LAG_FRAME, LAG_RESET, LAG_SAMPLING, type LagFrameParams, type LagResetParams, type LagSamplingParams } from '../../shared/lagProtocol';
import { WebviewPanelHost } from '../webviewHosts/webviewPanelHost';

/** What the panel's webview asks of the monitor, and when the panel is shown, hidden or closed. */
export interface LagPanelEvents {
  request(method: string, params: unknown): Promise<unknown>;
  visibilityChanged(visible: boolean): void;
  closed(): void;
}

/** The consumer-lag webview beside the editor: one panel. */
export class LagPanel extends WebviewPanelHost {
  constructor(
    extensionUri: vscode.Uri,
    private readonly events: LagPanelEvents,
  ) {
    super(extensionUri, { viewType: 'delabs.lag', bundle: 'lag', title: 'Consumer Lag', hasStyles: true });
  }

  reset(params: LagResetParams): void {
    this.show(LAG_RESET, params, params.title);
  }

  frame(params: LagFrameParams): void {
    this.notify(LAG_FRAME, params);
  }

  sampling(params: LagSamplingParams): void {
    this.notify(LAG_SAMPLING, params);
  }

  protected answer(method: string, params: unknown): Promise<unknown> {
    return this.events.request(method, params);
  }

  protected override panelVisibilityChanged(visible: boolean): void {
    this.events.visibilityChanged(visible);
  }

  protected override panelClosed(): void {
    this.events.closed();
  }
}
