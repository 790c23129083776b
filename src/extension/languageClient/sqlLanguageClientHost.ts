import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { requireBundle } from '../lazyBundle';
import type { Logger } from '../logger';
import type { Config } from '../config';
import type { LabService } from '../labs/labService';
import type { LabServices } from '../services/labServices';
import { labContextOf } from './labContext';
import type { SqlLanguageClient, startSqlLanguageClient } from './sqlLanguageClient';

/** How long the host waits for the labs and their services to settle before telling the server. */
const CONTEXT_DELAY_MS = 300;

/** The documents the server serves: SQL files, and lab manifests. */
function served(document: vscode.TextDocument): boolean {
  return document.languageId === 'sql' || (document.uri.scheme === 'file' && /[\\/]lab\.yaml$/.test(document.uri.fsPath));
}

interface SqlLanguageClientBundle {
  startSqlLanguageClient: typeof startSqlLanguageClient;
}

/**
 * Starts the language server the first time a SQL document or a lab manifest is open, and not before:
 * the client library lives in its own bundle (dist/sqlLanguageClient.js) so activation never loads it.
 * Once it runs, the server is told the workspace's labs, again whenever they or their services change.
 */
export class SqlLanguageClientHost extends Disposable {
  private starting: Promise<SqlLanguageClient> | undefined;
  private contextTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    private readonly labService: LabService,
    private readonly labServices: LabServices,
    private readonly config: Config,
  ) {
    super();
    this.register(
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (served(document)) this.startInBackground();
      }),
    );
    if (vscode.workspace.textDocuments.some(served)) this.startInBackground();
    const refresh = (): void => this.scheduleContext();
    this.register(labService.onDidChange(refresh));
    this.register(labServices.onDidChange(refresh));
    this.register(config.onDidChange(refresh));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(refresh));
    this.register({ dispose: () => clearTimeout(this.contextTimer) });
  }

  private scheduleContext(): void {
    if (!this.starting) return;
    clearTimeout(this.contextTimer);
    this.contextTimer = setTimeout(() => void this.sendContext(), CONTEXT_DELAY_MS);
  }

  private async sendContext(): Promise<void> {
    try {
      const client = await this.ensureStarted();
      const params = await labContextOf(this.labService, this.labServices, this.config, this.logger);
      await client.sendLabContext(params);
      this.logger.info(`Language server: ${params.labs.length} lab${params.labs.length === 1 ? '' : 's'} (${params.labs.filter((lab) => lab.database).length} with a database running)`);
    } catch (error) {
      this.logger.warn(`The language server was not told the labs: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Formats a document (or a range of it) with the server; resolves to the edits, empty when nothing changes. */
  async format(document: vscode.TextDocument, options: vscode.TextEditorOptions, range?: vscode.Range): Promise<vscode.TextEdit[]> {
    const client = await this.ensureStarted();
    return client.format(document, options, range);
  }

  ensureStarted(): Promise<SqlLanguageClient> {
    this.starting ??= this.start();
    return this.starting;
  }

  private startInBackground(): void {
    // A failed start is logged and reported by start(); nothing waits for it here.
    void this.ensureStarted().catch(() => undefined);
  }

  private async start(): Promise<SqlLanguageClient> {
    const serverModule = path.join(this.context.extensionPath, 'dist', 'server.js');
    try {
      const { startSqlLanguageClient } = requireBundle<SqlLanguageClientBundle>('sqlLanguageClient');
      const client = await startSqlLanguageClient(serverModule, this.logger.outputChannel);
      this.register({ dispose: () => void client.stop() });
      this.logger.info('SQL language server started');
      this.contextTimer = setTimeout(() => void this.sendContext(), 0);
      return client;
    } catch (error) {
      this.starting = undefined;
      this.logger.error('The SQL language server did not start', error);
      void vscode.window.showErrorMessage('Data Labs: the language server did not start; SQL diagnostics, completion and formatting are unavailable. See the log for details.');
      throw error;
    }
  }
}
