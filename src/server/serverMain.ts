/**
 * The Data Labs language server, on a connection given to it: SQL (PostgreSQL dialect) and lab manifests.
 * server.ts runs it in its own process for the editor; the tests run it over in-memory streams.
 */
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerManifestFeatures } from './manifest/manifestFeatures';
import { registerSqlFeatures, SQL_CAPABILITIES } from './sql/sqlFeatures';
import { MANIFEST_CAPABILITIES } from './manifest/manifestCapabilities';
import { ServerSettings } from './serverSettings';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const settings = new ServerSettings(connection);
  const sql = registerSqlFeatures(connection, documents, settings);
  const manifest = registerManifestFeatures(connection, documents);

  connection.onInitialize((params): InitializeResult => {
    settings.initialize(params.capabilities.workspace?.configuration === true);
    sql.setWorkspaceFolders((params.workspaceFolders ?? []).map((folder) => folder.uri));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...SQL_CAPABILITIES,
        ...MANIFEST_CAPABILITIES,
        // Both languages complete and hover: one provider each, dispatched by the document's language.
        completionProvider: { triggerCharacters: ['.', ' ', ':', '-'], resolveProvider: false },
        hoverProvider: true,
      },
      serverInfo: { name: 'data-eng-labs' },
    };
  });

  connection.onCompletion((params) => (manifest.handles(params.textDocument.uri) ? manifest.completion(params) : sql.completion(params)));
  connection.onHover((params) => (manifest.handles(params.textDocument.uri) ? manifest.hover(params) : sql.hover(params)));

  documents.listen(connection);
  connection.listen();
}
