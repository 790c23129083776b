import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, createNonce, escapeHtml, renderWebviewShell } from '../../src/extension/webviewHosts/webviewHtml';

describe('webview HTML shell', () => {
  it('allows scripts only by nonce and nothing by default', () => {
    assert.equal(
      contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123'),
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-abc123'; font-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abc123'",
    );
  });

  it('makes a fresh 24-character nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{24}$/);
  });

  it('escapes markup and quotes', () => {
    assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('puts hostile state and titles into the page only as inert text', () => {
    const html = renderWebviewShell({
      cspSource: 'vscode-resource:',
      nonce: 'n0nce',
      title: '</title><script>alert(1)</script>',
      scriptUri: 'vscode-resource:/dist/webviews/explain.js',
      styleUris: [],
      initialState: { relation: '"><img src=x onerror=alert(1)>' },
    });
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'the bundle is the only script element');
    assert.ok(html.includes('<script nonce="n0nce" src="vscode-resource:/dist/webviews/explain.js"></script>'));
    assert.ok(html.includes('<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>'));
    assert.ok(html.includes('data-state="{&quot;relation&quot;:&quot;\\&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&quot;}"'));
  });
});
