/**
 * A webview's bundle in headless Chromium, in its real shell (the CSP with a nonce, its stylesheet, the
 * theme class VS Code puts on <body>), with a stand-in for VS Code's webview API that records what the
 * webview posts and answers its requests. For the webview tests and the benchmarks: what they measure
 * and assert is the bundle the .vsix ships (dist/webviews/<name>.js).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderWebviewShell } from '../../src/extension/webviewHosts/webviewHtml';
import { CHROMIUM_FLAGS } from '../e2e/harness/browser';

const ROOT = join(__dirname, '..', '..');
const ORIGIN = 'http://webview.invalid';
export const NONCE = 'test-nonce-0123456789';

export interface WebviewPageOptions {
  /** `vscode-dark` (default), `vscode-light`, `vscode-high-contrast`, `vscode-high-contrast-light`. */
  readonly theme?: string;
  /** CSS variables VS Code would set, e.g. `--vscode-editor-background`. */
  readonly variables?: Readonly<Record<string, string>>;
  readonly viewport?: { readonly width: number; readonly height: number };
}

export interface WebviewPage {
  readonly browser: Browser;
  readonly page: Page;
  /** Console messages and page errors, as `type: text`. */
  readonly console: string[];
  /** Posts a host notification to the webview, as VS Code delivers it (after a trip through JSON). */
  notify(method: string, params: unknown): Promise<void>;
  /** Sends a host request and waits for the webview's reply (its result, or its error as an Error). */
  ask(method: string, params: unknown): Promise<unknown>;
  /** Every message the webview posted so far. */
  posted(): Promise<{ type: string; method?: string; params?: unknown }[]>;
  close(): Promise<void>;
}

const DEFAULT_VARIABLES: Readonly<Record<string, string>> = {
  '--vscode-font-family': 'Liberation Sans, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'Liberation Mono, monospace',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-foreground': '#cccccc',
};

/** Opens dist/webviews/<bundle>.js in its shell. The build must have run (npm run build or package). */
export async function openWebview(bundle: string, options: WebviewPageOptions = {}): Promise<WebviewPage> {
  const script = join(ROOT, 'dist', 'webviews', `${bundle}.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const stylesheet = join(ROOT, 'dist', 'webviews', `${bundle}.css`);
  const variables = Object.entries({ ...DEFAULT_VARIABLES, ...(options.variables ?? {}) }).map(([name, value]) => `${name}: ${value}`).join('; ');
  const html = renderWebviewShell({
    cspSource: ORIGIN,
    nonce: NONCE,
    title: bundle,
    scriptUri: `${ORIGIN}/${bundle}.js`,
    styleUris: existsSync(stylesheet) ? [`${ORIGIN}/${bundle}.css`] : [],
    initialState: null,
  })
    // As VS Code does it: the theme's variables in a style element of the page (allowed by its nonce).
    .replace('</head>', `<style nonce="${NONCE}">html { ${variables}; }</style>\n  </head>`)
    .replace('<body', `<body class="${options.theme ?? 'vscode-dark'}"`);
  const browser = await chromium.launch({ executablePath: process.env.DELABS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const messages: string[] = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    messages.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.addInitScript({
    content: `
      window.__posted = [];
      window.__replies = new Map();
      window.acquireVsCodeApi = () => ({
        postMessage(message) {
          const copy = JSON.parse(JSON.stringify(message));
          window.__posted.push(copy);
          if (copy.type === 'webview/request') setTimeout(() => window.postMessage({ type: 'host/reply', id: copy.id, result: null }, '*'), 0);
          if (copy.type === 'webview/reply') window.__replies.set(copy.id, copy);
        },
        getState: () => undefined,
        setState() {},
      });`,
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === `/${bundle}.js`) return route.fulfill({ contentType: 'text/javascript', body: readFileSync(script) });
    if (path === `/${bundle}.css`) return route.fulfill({ contentType: 'text/css', body: readFileSync(stylesheet) });
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'webview/ready'));
  let nextId = 1;
  return {
    browser,
    page,
    console: messages,
    async notify(method, params) {
      // postMessage delivers later: resolve from a listener added after the view's own, so that the view
      // has handled the notice (its synchronous part) when notify returns.
      await page.evaluate(
        (message) =>
          new Promise<void>((resolve) => {
            window.addEventListener('message', () => resolve(), { once: true });
            window.postMessage(JSON.parse(message), '*');
          }),
        JSON.stringify({ type: 'host/notify', method, params }),
      );
    },
    async ask(method, params) {
      const id = nextId++;
      await page.evaluate((message) => window.postMessage(JSON.parse(message), '*'), JSON.stringify({ type: 'host/request', id, method, params }));
      const handle = await page.waitForFunction((wanted) => (window as unknown as { __replies: Map<number, unknown> }).__replies.get(wanted), id, { timeout: 60_000 });
      const reply = (await handle.jsonValue()) as { result?: unknown; error?: string };
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.result;
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: { type: string; method?: string; params?: unknown }[] }).__posted),
    close: () => browser.close(),
  };
}
