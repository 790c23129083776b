import type * as vscode from 'vscode';
import { DIAGRAM_SHOW, DIAGRAM_SVG, type DiagramShowParams, type SvgResult } from '../../shared/erProtocol';
import { WebviewPanelHost } from '../webviewHosts/webviewPanelHost';

/** What the panel's webview asks of whoever fills it. */
export type DiagramRequestHandler = (method: string, params: unknown) => Promise<unknown>;

/** The diagram webview beside the editor (ER diagrams and mermaid previews): one panel, re-used. */
export class DiagramPanel extends WebviewPanelHost {
  private serial = 0;
  /** The last diagram shown, for Export. */
  current: DiagramShowParams | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly onRequest: DiagramRequestHandler,
    private readonly onClosed: () => void,
  ) {
    super(extensionUri, { viewType: 'delabs.diagram', bundle: 'diagram', title: 'Diagram', hasStyles: true });
  }

  /** Draws `params` (opening the panel beside the editor if it is closed); returns its serial. */
  showDiagram(params: Omit<DiagramShowParams, 'serial'>, panelTitle: string): number {
    this.serial += 1;
    const shown: DiagramShowParams = { ...params, serial: this.serial };
    this.current = shown;
    this.show(DIAGRAM_SHOW, shown, panelTitle);
    return this.serial;
  }

  /** Re-draws in the open panel only (an update as the learner types); a closed panel stays closed. */
  updateDiagram(params: Omit<DiagramShowParams, 'serial'>): number | undefined {
    if (!this.isOpen) return undefined;
    this.serial += 1;
    const shown: DiagramShowParams = { ...params, serial: this.serial };
    this.current = shown;
    this.notify(DIAGRAM_SHOW, shown);
    return this.serial;
  }

  /** The diagram on show as a standalone SVG document, from the webview that drew it. */
  async svg(): Promise<string> {
    return (await this.ask<SvgResult>(DIAGRAM_SVG, null)).svg;
  }

  protected answer(method: string, params: unknown): Promise<unknown> {
    return this.onRequest(method, params);
  }

  protected override panelClosed(): void {
    this.current = undefined;
    this.onClosed();
  }
}
