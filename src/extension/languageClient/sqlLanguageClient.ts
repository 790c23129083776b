/**
 * The language client, bundled on its own (dist/sqlLanguageClient.js) and loaded by
 * SqlLanguageClientHost only when the first SQL document or lab manifest opens.
 */
import type * as vscode from 'vscode';
import {
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  LanguageClient,
  NotificationType,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { LAB_CONTEXT_NOTIFICATION, type LabContextParams } from '../../shared/serverProtocol';

export interface SqlLanguageClient {
  format(document: vscode.TextDocument, options: vscode.TextEditorOptions, range?: vscode.Range): Promise<vscode.TextEdit[]>;
  /** Tells the server the workspace's labs (folders, and their databases while they run). */
  sendLabContext(params: LabContextParams): Promise<void>;
  stop(): Promise<void>;
}

const labContext = new NotificationType<LabContextParams>(LAB_CONTEXT_NOTIFICATION);

export async function startSqlLanguageClient(serverModule: string, outputChannel: vscode.OutputChannel): Promise<SqlLanguageClient> {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'sql' },
      { scheme: 'file', pattern: '**/lab.yaml' },
    ],
    outputChannel,
    synchronize: { configurationSection: 'dataEngLabs' },
  };
  const client = new LanguageClient('delabs.sql', 'Data Labs language server', serverOptions, clientOptions);
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
    sendLabContext: (params) => client.sendNotification(labContext, params),
    stop: () => client.stop(),
  };
}
