/** The server's view of the dataEngLabs settings it uses, asked of the client per document when it can answer. */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type KeywordCase } from '../core/settings';

export class ServerSettings {
  private clientHasConfiguration = false;

  constructor(private readonly connection: Connection) {}

  initialize(clientHasConfiguration: boolean): void {
    this.clientHasConfiguration = clientHasConfiguration;
  }

  async keywordCase(uri: string): Promise<KeywordCase> {
    if (!this.clientHasConfiguration) return DEFAULT_SETTINGS.sqlKeywordCase;
    const value: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'dataEngLabs.sql.formatter.keywordCase' });
    return value === 'preserve' || value === 'lower' || value === 'upper' ? value : DEFAULT_SETTINGS.sqlKeywordCase;
  }
}
