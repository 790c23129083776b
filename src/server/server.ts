/**
 * The Data Labs language server: SQL (PostgreSQL dialect) and lab manifests. It runs in its own
 * process, started by the host's language client when the first SQL document opens.
 */
import {
  createConnection,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type DocumentFormattingParams,
  type DocumentRangeFormattingParams,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, type KeywordCase } from '../core/settings';
import { formatSql, SqlFormatError } from '../core/sqlFormat';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let clientHasConfiguration = false;

connection.onInitialize((params): InitializeResult => {
  clientHasConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
    },
    serverInfo: { name: 'data-eng-labs-sql' },
  };
});

async function keywordCaseFor(uri: string): Promise<KeywordCase> {
  if (!clientHasConfiguration) return DEFAULT_SETTINGS.sqlKeywordCase;
  const value: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'dataEngLabs.sql.formatter.keywordCase' });
  return value === 'preserve' || value === 'lower' || value === 'upper' ? value : DEFAULT_SETTINGS.sqlKeywordCase;
}

async function formatEdits(params: DocumentFormattingParams | DocumentRangeFormattingParams): Promise<TextEdit[]> {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const range = 'range' in params ? params.range : { start: { line: 0, character: 0 }, end: document.positionAt(document.getText().length) };
  const original = document.getText(range);
  try {
    const formatted = formatSql(original, {
      keywordCase: await keywordCaseFor(document.uri),
      tabWidth: params.options.tabSize,
      useTabs: !params.options.insertSpaces,
    });
    return formatted === original ? [] : [{ range, newText: formatted }];
  } catch (error) {
    if (error instanceof SqlFormatError) throw new ResponseError(1, error.message);
    throw error;
  }
}

connection.onDocumentFormatting(formatEdits);
connection.onDocumentRangeFormatting(formatEdits);

documents.listen(connection);
connection.listen();
