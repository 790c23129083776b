/**
 * The language client, bundled on its own (dist/sqlLanguageClient.js) and loaded by
 * SqlLanguageClientHost only when the first SQL document opens.
 */
import type * as vscode from 'vscode';
import {
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

export interface SqlLanguageClient {
  format(document: vscode.TextDocument, options: vscode.TextEditorOptions, range?: vscode.Range): Promise<vscode.TextEdit[]>;
  stop(): Promise<void>;
}

export async function startSqlLanguageClient(serverModule: string, outputChannel: vscode.OutputChannel): Promise<SqlLanguageClient> {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
    ],
    outputChannel,
    synchronize: { configurationSection: 'dataEngLabs' },
  };
  const client = new LanguageClient('delabs.sql', 'Data Labs SQL', serverOptions, clientOptions);
  await client.start();

  return {
    async format(document, options, range) {
      const formattingOptions = {
        tabSize: typeof options.tabSize === 'number' ? options.tabSize : 2,
        insertSpaces: options.insertSpaces !== false,
      };
      const textDocument = client.code2ProtocolConverter.asTextDocumentIdentifier(document);
      const edits = range
        ? await client.sendRequest(DocumentRangeFormattingRequest.type, {
            textDocument,
            range: client.code2ProtocolConverter.asRange(range),
            options: formattingOptions,
          })
        : await client.sendRequest(DocumentFormattingRequest.type, { textDocument, options: formattingOptions });
      return (await client.protocol2CodeConverter.asTextEdits(edits)) ?? [];
    },
    stop: () => client.stop(),
  };
}
