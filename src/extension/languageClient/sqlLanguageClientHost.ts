import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { requireBundle } from '../lazyBundle';
import type { Logger } from '../logger';
import type { SqlLanguageClient, startSqlLanguageClient } from './sqlLanguageClient';

interface SqlLanguageClientBundle {
  startSqlLanguageClient: typeof startSqlLanguageClient;
}

/**
 * Starts the SQL language server the first time a SQL document is open, and not before: the client
 * library lives in its own bundle (dist/sqlLanguageClient.js) so activation never loads it.
 */
export class SqlLanguageClientHost extends Disposable {
  private starting: Promise<SqlLanguageClient> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
  ) {
    super();
    this.register(
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.languageId === 'sql') this.startInBackground();
      }),
    );
    if (vscode.workspace.textDocuments.some((document) => document.languageId === 'sql')) this.startInBackground();
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
      return client;
    } catch (error) {
      this.starting = undefined;
      this.logger.error('The SQL language server did not start', error);
      void vscode.window.showErrorMessage('Data Labs: the SQL language server did not start; SQL formatting is unavailable. See the log for details.');
      throw error;
    }
  }
}
