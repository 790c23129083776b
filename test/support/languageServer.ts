/**
 * The Data Labs language server (src/server/serverMain.ts) over two in-memory streams, with a protocol
 * client in the test: no VS Code, no process. The client answers the server's configuration requests
 * from `settings`, keeps every diagnostics notification, and sends what an editor sends.
 */
import { PassThrough } from 'node:stream';
import {
  CodeLensRequest,
  CompletionRequest,
  ConfigurationRequest,
  createConnection,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Definition,
  type Diagnostic,
  type Hover,
  type LocationLink,
  type ProtocolConnection,
  type TextEdit,
} from 'vscode-languageserver/node';
import { startServer } from '../../src/server/serverMain';

export interface TestServer {
  readonly client: ProtocolConnection;
  open(uri: string, languageId: string, text: string): Promise<void>;
  change(uri: string, text: string): Promise<void>;
  close(uri: string): Promise<void>;
  /**
   * The diagnostics of the document's `version` (or any, without one), once the server publishes them; after
   * `close`, the clearing the server publishes after it.
   */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<Diagnostic[]>;
  completion(uri: string, line: number, character: number): Promise<CompletionItem[]>;
  hover(uri: string, line: number, character: number): Promise<Hover | null>;
  definition(uri: string, line: number, character: number): Promise<Definition | LocationLink[] | null>;
  format(uri: string, tabSize?: number): Promise<TextEdit[]>;
  codeLenses(uri: string): Promise<CodeLens[]>;
  dispose(): void;
}

interface Published {
  readonly version: number | undefined;
  readonly diagnostics: Diagnostic[];
}

export async function startTestServer(settings: Readonly<Record<string, unknown>> = {}): Promise<TestServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published = new Map<string, Published[]>();
  const waiters = new Set<() => void>();
  client.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, [...(published.get(params.uri) ?? []), { version: params.version, diagnostics: params.diagnostics }]);
    for (const waiter of waiters) waiter();
  });
  client.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section ? settings[item.section] : undefined) ?? null));
  client.listen();
  await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: null,
  });
  await client.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();
  const closed = new Set<string>();
  const position = (uri: string, line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });
  return {
    client,
    async open(uri, languageId, text) {
      // A document opened again starts at version 1 again: what was published for its earlier opening must not answer for it.
      published.delete(uri);
      closed.delete(uri);
      versions.set(uri, 1);
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    },
    async change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      await client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    async close(uri) {
      // What the server published while the document was open must not answer for it once closed.
      published.delete(uri);
      versions.delete(uri);
      closed.add(uri);
      await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    diagnostics(uri, version, timeoutMs = 10_000) {
      const wanted = version ?? versions.get(uri);
      // A closed document has no version: only a clearing without one is about it.
      const onlyUnversioned = version === undefined && closed.has(uri);
      return new Promise<Diagnostic[]>((resolve, reject) => {
        const check = (): boolean => {
          const found = [...(published.get(uri) ?? [])]
            .reverse()
            .find((entry) => (onlyUnversioned ? entry.version === undefined : wanted === undefined || entry.version === undefined || entry.version === wanted));
          if (!found) return false;
          waiters.delete(check as () => void);
          clearTimeout(timer);
          resolve(found.diagnostics);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check as () => void);
          reject(new Error(`no diagnostics for ${uri} (version ${wanted}) within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check as () => void);
      });
    },
    async completion(uri, line, character) {
      const result = (await client.sendRequest(CompletionRequest.type, position(uri, line, character))) as CompletionItem[] | CompletionList | null;
      return Array.isArray(result) ? result : (result?.items ?? []);
    },
    hover: (uri, line, character) => client.sendRequest(HoverRequest.type, position(uri, line, character)),
    definition: (uri, line, character) => client.sendRequest(DefinitionRequest.type, position(uri, line, character)),
    async format(uri, tabSize = 4) {
      return (await client.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize, insertSpaces: true } })) ?? [];
    },
    async codeLenses(uri) {
      return (await client.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    },
    dispose() {
      client.dispose();
      toServer.end();
      toClient.end();
    },
  };
}
