/**
 * Lab manifests (lab.yaml) in the editor: diagnostics against the lab schema and the lab package, as the
 * catalog's loader checks them, completion of keys and values from the lab JSON Schema, and hover with
 * each field's description.
 */
import { MarkupKind, type CompletionItem, type CompletionParams, type Connection, type Hover, type HoverParams, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { manifestCompletions } from './manifestCompletion';
import { manifestDiagnostics } from './manifestDiagnostics';
import { manifestHover } from './manifestHover';

export interface ManifestFeatures {
  /** Whether `uri` is a lab manifest these features serve. */
  handles(uri: string): boolean;
  completion(params: CompletionParams): CompletionItem[] | Promise<CompletionItem[]>;
  hover(params: HoverParams): Hover | null | Promise<Hover | null>;
}

const isManifest = (uri: string): boolean => /\/lab\.yaml$/.test(uri);

export function registerManifestFeatures(connection: Connection, documents: TextDocuments<TextDocument>): ManifestFeatures {
  // onDidChangeContent fires on open too, with the editor's text: unsaved changes are what is checked.
  documents.onDidChangeContent(({ document }) => {
    if (!isManifest(document.uri)) return;
    // A notification: nothing comes back to wait for, and a closed connection has no one to tell.
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: manifestDiagnostics(document) });
  });
  documents.onDidClose(({ document }) => {
    // A closed manifest's problems are the loader's to report (the Labs view), not the editor's.
    if (isManifest(document.uri)) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  return {
    handles: isManifest,
    completion(params) {
      const document = documents.get(params.textDocument.uri);
      return document ? manifestCompletions(document, params.position) : [];
    },
    hover(params) {
      const document = documents.get(params.textDocument.uri);
      if (!document) return null;
      const hover = manifestHover(document.getText(), document.offsetAt(params.position));
      if (!hover) return null;
      return {
        contents: { kind: MarkupKind.Markdown, value: hover.contents },
        range: { start: document.positionAt(hover.span.start), end: document.positionAt(hover.span.end) },
      };
    },
  };
}
