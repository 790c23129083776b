/**
 * The HTML shell of every webview: a strict Content-Security-Policy whose only script is the bundle
 * carrying a fresh nonce, and escaping for anything interpolated. No vscode import, so it is unit-tested.
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce for one rendering of one webview. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

export interface WebviewShell {
  /** The webview's `cspSource` (what VS Code lets it load from). */
  readonly cspSource: string;
  readonly nonce: string;
  readonly title: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  /** Configuration handed to the script as JSON in a data attribute (escaped). */
  readonly initialState: unknown;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderWebviewShell(shell: WebviewShell): string {
  const styles = shell.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(shell.cspSource, shell.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(shell.title)}</title>
    ${styles}
  </head>
  <body data-state="${escapeHtml(JSON.stringify(shell.initialState ?? null))}">
    <div id="root"></div>
    <script nonce="${escapeHtml(shell.nonce)}" src="${escapeHtml(shell.scriptUri)}"></script>
  </body>
</html>
`;
}
