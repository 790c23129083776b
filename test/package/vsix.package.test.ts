/**
 * What the .vsix carries and what it must not. Run after `npm run package` (npm test does both).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { readZip, type ZipEntry } from '../support/zip';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = join(root, `${manifest.name}-${manifest.version}.vsix`);

function filesUnder(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The .vsix's files under `prefix`, written into a new temporary folder: what an installed extension has, and nothing else. */
function unpack(entries: readonly ZipEntry[], folderPrefix: string, prefix: string): string {
  const unpacked = mkdtempSync(join(tmpdir(), folderPrefix));
  for (const entry of entries.filter((candidate) => candidate.name.startsWith(prefix))) {
    const target = join(unpacked, entry.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.read());
  }
  return unpacked;
}

describe('the packaged .vsix', () => {
  let entries: ZipEntry[];
  let names: string[];

  before(() => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run package first`);
    entries = readZip(vsixPath);
    names = entries.map((entry) => entry.name);
  });

  it('holds exactly the manifest, docs, release bundles, media and walkthrough outside labs/', () => {
    const outsideLabs = names.filter((name) => !name.startsWith('extension/labs/')).sort();
    assert.deepEqual(outsideLabs, [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/catalog.js',
      'extension/dist/checks.js',
      'extension/dist/cli.js',
      'extension/dist/diagrams.js',
      'extension/dist/docker.js',
      'extension/dist/embeddedPostgres.mjs',
      'extension/dist/extension.js',
      'extension/dist/initdb.wasm',
      'extension/dist/kafka.js',
      'extension/dist/lab.schema.json',
      'extension/dist/libpg-query.wasm',
      'extension/dist/mermaid.js',
      'extension/dist/pglite.data',
      'extension/dist/pglite.wasm',
      'extension/dist/server.js',
      'extension/dist/sqlLanguageClient.js',
      ...filesUnder('dist/webviews').filter((file) => file.endsWith('.js') || file.endsWith('.css')).map((file) => `extension/${file}`),
      'extension/media/icon.png',
      'extension/media/labs.svg',
      'extension/package.json',
      'extension/readme.md',
      ...filesUnder('syntaxes').map((file) => `extension/${file}`),
      'extension/walkthrough/checks.md',
      'extension/walkthrough/labs-view.md',
      'extension/walkthrough/open-lab.md',
      'extension/walkthrough/services.md',
    ].sort());
  });

  it('carries every lab file except the known-wrong solutions', () => {
    const expected = filesUnder('labs').filter((file) => !/^labs\/[^/]+\/wrong\//.test(file)).map((file) => `extension/${file}`);
    assert.deepEqual(names.filter((name) => name.startsWith('extension/labs/')).sort(), expected.sort());
  });

  it('carries no sources, tests, source maps or node_modules', () => {
    const forbidden = names.filter((name) => /\.(ts|map)$/.test(name) || /(^|\/)(node_modules|src|test|scripts|bench|webviews|\.ci)\//.test(name.replace(/^extension\/dist\/webviews\//, '')));
    assert.deepEqual(forbidden, []);
  });

  it('ships minified bundles with no reference to a source map', () => {
    for (const bundle of ['extension', 'catalog', 'checks', 'diagrams', 'kafka', 'mermaid', 'server', 'cli', 'sqlLanguageClient', 'embeddedPostgres']) {
      const text = entries.find((entry) => entry.name === `extension/dist/${bundle}.${bundle === 'embeddedPostgres' ? 'mjs' : 'js'}`)?.read().toString('utf8') ?? '';
      assert.ok(!text.includes('sourceMappingURL'), `${bundle}.js points to a source map`);
      // Minified code keeps no doc comments and runs long lines (multi-line strings, such as the pytest
      // plugin the checks carry, keep their own line breaks).
      const averageLineLength = text.length / text.split('\n').length;
      assert.ok(averageLineLength > 500, `${bundle}.js averages ${Math.round(averageLineLength)} characters a line: not minified`);
      assert.ok(!/^\s*\/\*\*$/m.test(text), `${bundle}.js keeps doc comments: not minified`);
    }
  });

  it('keeps the language client library out of the host bundle, so activation does not load it', () => {
    const host = entries.find((entry) => entry.name === 'extension/dist/extension.js')?.read().toString('utf8') ?? '';
    const client = entries.find((entry) => entry.name === 'extension/dist/sqlLanguageClient.js')?.read().toString('utf8') ?? '';
    assert.ok(client.includes('textDocument/formatting'), 'the lazy client bundle holds the LSP client');
    assert.ok(!host.includes('textDocument/formatting'), 'the host bundle must not');
  });

  it('keeps the lab catalog\'s parsers out of the host bundle too', () => {
    const host = entries.find((entry) => entry.name === 'extension/dist/extension.js')?.read().toString('utf8') ?? '';
    const catalog = entries.find((entry) => entry.name === 'extension/dist/catalog.js')?.read().toString('utf8') ?? '';
    for (const marker of ['Implicit keys need to be on a single line', 'Unrecognized key']) {
      assert.ok(catalog.includes(marker), `the catalog bundle holds "${marker}"`);
      assert.ok(!host.includes(marker), `the host bundle must not hold "${marker}"`);
    }
  });

  it('keeps the check engine out of the host bundle, and mermaid in one bundle that the checks and the CLI share', () => {
    const read = (bundle: string): string => entries.find((entry) => entry.name === `extension/dist/${bundle}.js`)?.read().toString('utf8') ?? '';
    const [host, checks, cli, mermaid] = [read('extension'), read('checks'), read('cli'), read('mermaid')];
    // pg's protocol parser and mermaid's ER grammar, by strings only they contain.
    const pgMarker = 'received invalid response: ';
    const mermaidMarker = 'Parse error on line';
    assert.ok(checks.includes(pgMarker) && cli.includes(pgMarker), 'the checks bundle and the CLI hold the PostgreSQL driver');
    assert.ok(!host.includes(pgMarker), 'the host bundle must not hold the PostgreSQL driver');
    assert.ok(mermaid.includes(mermaidMarker), 'the mermaid bundle holds mermaid');
    for (const [name, text] of [['extension', host], ['checks', checks], ['cli', cli]] as const) {
      assert.ok(!text.includes(mermaidMarker), `${name}.js must not carry its own copy of mermaid`);
    }
    assert.ok(checks.includes('"./mermaid.js"') && cli.includes('"./mermaid.js"'), 'both load dist/mermaid.js');
  });

  it('checks a lab with the packaged CLI on the embedded PostgreSQL, with nothing but the .vsix', async () => {
    const unpacked = unpack(entries, 'delabs-vsix-', 'extension/');
    const labFolder = mkdtempSync(join(tmpdir(), 'delabs-vsix-lab07-'));
    cpSync(join(root, 'labs', '07-analytics-star-schema', 'starter'), labFolder, { recursive: true });
    cpSync(join(root, 'labs', '07-analytics-star-schema', 'solution'), labFolder, { recursive: true });
    // From a folder with no node_modules above it, so nothing outside the package can be loaded.
    const { stdout } = await promisify(execFile)(process.execPath, [join(unpacked, 'extension', 'dist', 'cli.js'), 'check', '7', '--embedded', '--dir', labFolder], { cwd: unpacked });
    assert.match(stdout, /\n15 passed, 0 failed in \d+\.\d s\n$/);
  });

  it('reads a schema with the packaged diagrams bundle: the PostgreSQL parser\'s WebAssembly is found beside it', async () => {
    const unpacked = unpack(entries, 'delabs-vsix-diagrams-', 'extension/dist/');
    const script = `const bundle = require(${JSON.stringify(join(unpacked, 'extension', 'dist', 'diagrams.js'))});
      bundle.loadSqlParser().then((parse) => {
        const { model, errors } = bundle.schemaFromDdl([{ path: 'schema.sql', text: require('node:fs').readFileSync(${JSON.stringify(join(root, 'labs', '07-analytics-star-schema', 'solution', 'schema.sql'))}, 'utf8') }], parse);
        const diagram = bundle.erDiagram(model);
        process.stdout.write(JSON.stringify({ tables: model.tables.map((table) => table.schema + '.' + table.name), errors: errors.length, relationships: diagram.relationshipCount }));
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: unpacked });
    assert.deepEqual(JSON.parse(stdout), { tables: ['dw.dim_date', 'dw.dim_category', 'dw.dim_product', 'dw.dim_customer', 'dw.dim_store', 'dw.fact_sales'], errors: 0, relationships: 5 });
  });

  it('loads the packaged Kafka client on its own, and the checks and the CLI load it from there', async () => {
    const unpacked = unpack(entries, 'delabs-vsix-kafka-', 'extension/dist/');
    // Nothing listens on port 1: the client must load, try, and say so in a sentence.
    const script = `require(${JSON.stringify(join(unpacked, 'extension', 'dist', 'kafka.js'))}).connectKafka(['127.0.0.1:1'], { timeoutMs: 1000 }).then(async (cluster) => { const sample = await cluster.sample(); await cluster.close(); process.stdout.write(JSON.stringify({ groups: sample.groups, error: sample.error })); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: unpacked });
    assert.deepEqual(JSON.parse(stdout), { groups: [], error: "the Kafka broker at 127.0.0.1:1 does not answer: start the lab's services (Data Labs: Start Services), or check the address." });
    const read = (bundle: string): string => entries.find((entry) => entry.name === `extension/dist/${bundle}.js`)?.read().toString('utf8') ?? '';
    assert.ok(read('checks').includes('"./kafka.js"') && read('cli').includes('"./kafka.js"'), 'both load dist/kafka.js');
    assert.ok(!read('checks').includes('withResolvers') && !read('extension').includes('withResolvers'), 'neither carries its own copy of the client');
  });

  it('runs the packaged language server on its own: the PostgreSQL parser answers a broken statement', async () => {
    const unpacked = unpack(entries, 'delabs-vsix-server-', 'extension/dist/');
    const server = spawn(process.execPath, [join(unpacked, 'extension', 'dist', 'server.js'), '--stdio'], { cwd: unpacked, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const client = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
      const published = new Promise<PublishDiagnosticsParams>((resolve) => client.onNotification(PublishDiagnosticsNotification.type, resolve));
      client.listen();
      await client.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
      await client.sendNotification(InitializedNotification.type, {});
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'untitled:query.sql', languageId: 'sql', version: 1, text: 'select * form orders;' } });
      const { diagnostics } = await published;
      assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.message, diagnostic.range.start.character]), [['syntax error at or near "form"', 9]]);
      client.dispose();
    } finally {
      server.kill();
    }
  });

  it('packages the manifest as it is in the repository', () => {
    const packaged = JSON.parse(entries.find((entry) => entry.name === 'extension/package.json')?.read().toString('utf8') ?? '{}') as { name: string; version: string };
    assert.equal(packaged.name, manifest.name);
    assert.equal(packaged.version, manifest.version);
  });
});
