/**
 * SQL (PostgreSQL) in the language server: syntax errors from the real parser for every statement,
 * published as the learner types; with the lab's database running, what PostgreSQL itself rejects
 * (checked by EXPLAIN, never run); completion, hover and go-to-definition from the lab's tables (its live
 * database, else its DDL files); formatting; and an Explain CodeLens above each statement of a lab.
 */
import {
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  NotificationType,
  ResponseError,
  type CodeLens,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Diagnostic,
  type DocumentFormattingParams,
  type DocumentRangeFormattingParams,
  type Hover,
  type HoverParams,
  type ServerCapabilities,
  type TextDocuments,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { splitSqlStatements, type SqlStatement } from '../../core/checks/postgres/statements';
import { cachedParse, loadSqlParser } from '../../core/er/pgParser';
import { explainable } from '../../core/plans/statementKinds';
import { formatSql, SqlFormatError } from '../../core/sqlFormat';
import { sqlSyntaxErrors, type SqlParse } from '../../core/sql/sqlSyntax';
import { LAB_CONTEXT_NOTIFICATION, type LabContextParams } from '../../shared/serverProtocol';
import type { ServerSettings } from '../serverSettings';
import { checkAgainstDatabase } from './liveCheck';
import { SchemaIndex } from './schemaIndex';
import { sqlCompletions, sqlDefinition, sqlHover } from './sqlLanguage';

export const SQL_CAPABILITIES: ServerCapabilities = {
  documentFormattingProvider: true,
  documentRangeFormattingProvider: true,
  definitionProvider: true,
  codeLensProvider: { resolveProvider: false },
};

/** How long after the last change the lab's database checks the file (syntax errors come at once). */
const LIVE_CHECK_DELAY_MS = 1_000;

export interface SqlFeatures {
  /** The editor's workspace folders, from initialize. */
  setWorkspaceFolders(uris: readonly string[]): void;
  completion(params: CompletionParams): Promise<CompletionItem[]>;
  hover(params: HoverParams): Promise<Hover | null>;
}

interface Analysis {
  readonly version: number;
  readonly statements: readonly SqlStatement[];
  readonly syntax: Diagnostic[];
}

const isSql = (document: TextDocument): boolean => document.languageId === 'sql' || document.uri.endsWith('.sql');

export function registerSqlFeatures(connection: Connection, documents: TextDocuments<TextDocument>, settings: ServerSettings): SqlFeatures {
  let parse: SqlParse | undefined;
  // The parser's WebAssembly loads once, in the background; until then nothing is published.
  const ready = loadSqlParser().then((loaded) => {
    parse = cachedParse(loaded);
    for (const document of documents.all()) if (isSql(document)) publish(document);
  });
  ready.catch((error: unknown) => connection.console.error(`The PostgreSQL parser did not load: ${error instanceof Error ? error.message : String(error)}`));
  const index = new SchemaIndex(documents, () => parse);
  const analyses = new Map<string, Analysis>();
  const liveProblems = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  const liveTimers = new Map<string, NodeJS.Timeout>();
  const liveRuns = new Map<string, AbortController>();

  const analyse = (document: TextDocument): Analysis | undefined => {
    const cached = analyses.get(document.uri);
    if (cached?.version === document.version) return cached;
    if (!parse) return undefined;
    const text = document.getText();
    const statements = splitSqlStatements(text);
    const syntax = sqlSyntaxErrors(text, parse, statements).map(
      (error): Diagnostic => ({
        range: { start: document.positionAt(error.offset), end: document.positionAt(error.offset + error.length) },
        severity: DiagnosticSeverity.Error,
        source: 'PostgreSQL parser',
        message: error.message,
      }),
    );
    const analysis = { version: document.version, statements, syntax };
    analyses.set(document.uri, analysis);
    return analysis;
  };

  const publish = (document: TextDocument): void => {
    const analysis = analyse(document);
    if (!analysis) return;
    const live = liveProblems.get(document.uri);
    const diagnostics = [...analysis.syntax, ...(live && live.version === document.version && analysis.syntax.length === 0 ? live.diagnostics : [])];
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
    scheduleLiveCheck(document, analysis);
  };

  const scheduleLiveCheck = (document: TextDocument, analysis: Analysis): void => {
    const database = index.labOf(document.uri)?.database;
    clearTimeout(liveTimers.get(document.uri));
    // Only a file that parses is worth asking the database about.
    if (!database || analysis.syntax.length > 0 || liveProblems.get(document.uri)?.version === document.version) return;
    liveTimers.set(
      document.uri,
      setTimeout(() => {
        liveRuns.get(document.uri)?.abort();
        const controller = new AbortController();
        liveRuns.set(document.uri, controller);
        void checkAgainstDatabase(database, analysis.statements, controller.signal)
          .then((problems) => {
            const current = documents.get(document.uri);
            if (!current || current.version !== analysis.version || controller.signal.aborted) return;
            liveProblems.set(document.uri, {
              version: analysis.version,
              diagnostics: problems.map((problem): Diagnostic => {
                const start = problem.statement.startOffset + problem.offset;
                const word = /^[A-Za-z0-9_$".]+/.exec(current.getText().slice(start, start + 200))?.[0] ?? ' ';
                return { range: { start: current.positionAt(start), end: current.positionAt(start + word.length) }, severity: DiagnosticSeverity.Warning, source: "PostgreSQL (the lab's database)", message: problem.message };
              }),
            });
            publish(current);
          })
          .catch((error: unknown) => connection.console.warn(`Checking ${document.uri} against the lab's database failed: ${error instanceof Error ? error.message : String(error)}`));
      }, LIVE_CHECK_DELAY_MS),
    );
  };

  documents.onDidChangeContent((event) => {
    if (isSql(event.document)) publish(event.document);
  });
  documents.onDidClose((event) => {
    analyses.delete(event.document.uri);
    liveProblems.delete(event.document.uri);
    clearTimeout(liveTimers.get(event.document.uri));
    liveRuns.get(event.document.uri)?.abort();
    if (isSql(event.document)) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onNotification(new NotificationType<LabContextParams>(LAB_CONTEXT_NOTIFICATION), (params) => {
    index.setLabs(params.labs);
    liveProblems.clear();
    for (const document of documents.all()) if (isSql(document)) publish(document);
    // The lenses depend on which files are in a lab.
    void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  });

  const formatEdits = async (params: DocumentFormattingParams | DocumentRangeFormattingParams): Promise<TextEdit[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const range = 'range' in params ? params.range : { start: { line: 0, character: 0 }, end: document.positionAt(document.getText().length) };
    const original = document.getText(range);
    try {
      const formatted = formatSql(original, { keywordCase: await settings.keywordCase(document.uri), tabWidth: params.options.tabSize, useTabs: !params.options.insertSpaces });
      return formatted === original ? [] : [{ range, newText: formatted }];
    } catch (error) {
      if (error instanceof SqlFormatError) throw new ResponseError(1, error.message);
      throw error;
    }
  };
  connection.onDocumentFormatting(formatEdits);
  connection.onDocumentRangeFormatting(formatEdits);

  connection.onDefinition(async (params) => {
    await ready;
    const document = documents.get(params.textDocument.uri);
    const analysis = document ? analyse(document) : undefined;
    if (!document || !analysis) return null;
    return sqlDefinition(document.getText(), document.offsetAt(params.position), analysis.statements, await index.schemaFor(document.uri));
  });

  connection.onCodeLens((params): CodeLens[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !index.labOf(document.uri)?.explains) return [];
    const statements = analyses.get(document.uri)?.statements ?? splitSqlStatements(document.getText());
    return statements.filter((statement) => explainable(statement.text)).flatMap((statement) => {
      const position = document.positionAt(statement.startOffset);
      const range = { start: position, end: position };
      return [
        { range, command: { title: '$(graph) Explain', command: 'delabs.explain.query', arguments: [document.uri, statement.startOffset] } },
        { range, command: { title: 'Explain Analyze', command: 'delabs.explain.analyze', arguments: [document.uri, statement.startOffset] } },
      ];
    });
  });

  return {
    setWorkspaceFolders: (uris) => index.setWorkspaceFolders(uris),
    async completion(params) {
      await ready;
      const document = documents.get(params.textDocument.uri);
      const analysis = document ? analyse(document) : undefined;
      if (!document || !analysis) return [];
      return sqlCompletions(document.getText(), document.offsetAt(params.position), analysis.statements, await index.schemaFor(document.uri));
    },
    async hover(params) {
      await ready;
      const document = documents.get(params.textDocument.uri);
      const analysis = document ? analyse(document) : undefined;
      if (!document || !analysis) return null;
      return sqlHover(document.getText(), document.offsetAt(params.position), analysis.statements, await index.schemaFor(document.uri));
    },
  };
}
