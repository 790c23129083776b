/**
 * The language server's lab-manifest features over in-memory streams, on lab 07's real lab.yaml: the
 * loader's problems as diagnostics on the editor's unsaved text, underlining the offending key; completion
 * of keys and values from the lab JSON Schema; hover with each field's description.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, Diagnostic, Hover } from 'vscode-languageserver/node';
import { startTestServer, type TestServer } from '../support/languageServer';

const LAB_07 = join(__dirname, '..', '..', 'labs', '07-analytics-star-schema');
const MANIFEST_URI = pathToFileURL(join(LAB_07, 'lab.yaml')).toString();
const TEXT = readFileSync(join(LAB_07, 'lab.yaml'), 'utf8');
const LINES = TEXT.split('\n');

/** Lab 07's manifest with `line` inserted before the line at `index` (0-based). */
function withLineAt(index: number, line: string): string {
  return [...LINES.slice(0, index), line, ...LINES.slice(index)].join('\n');
}

/** Lab 07's manifest with one change; the change must apply, so that a test never checks the untouched text. */
function changed(from: string, to: string): string {
  assert.ok(TEXT.includes(from), `lab 07's lab.yaml has ${JSON.stringify(from)}`);
  return TEXT.replace(from, to);
}

function error(line: number, start: number, end: number, message: string, endLine = line): Diagnostic {
  return { range: { start: { line, character: start }, end: { line: endLine, character: end } }, severity: 1, source: 'Data Labs', message };
}

function hoverText(hover: Hover | null): string | undefined {
  const contents = hover?.contents;
  return typeof contents === 'object' && contents !== null && 'value' in contents ? contents.value : undefined;
}

const labels = (items: readonly CompletionItem[]): string[] => items.map((item) => item.label);

describe('the language server, lab manifests', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await server.open(MANIFEST_URI, 'yaml', TEXT);
  });

  after(() => server?.dispose());

  describe('diagnostics', () => {
    it("finds nothing wrong in lab 07's manifest", async () => {
      await server.change(MANIFEST_URI, TEXT);
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), []);
    });

    it('underlines a misspelt key, and names the key it leaves missing at the top of the file', async () => {
      await server.change(MANIFEST_URI, changed('estimatedMinutes: 120', 'estimatedMinute: 120'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [
        // A field missing from the top mapping has no key to underline: the mapping's first line stands for it.
        error(0, 0, 16, 'estimatedMinutes: is required'),
        error(7, 0, 15, 'estimatedMinute: is not a field of this object; check its spelling in docs/lab-format.md'),
      ]);
    });

    it('underlines the kind of a check whose kind does not exist', async () => {
      assert.equal(LINES[35], '    kind: schema');
      await server.change(MANIFEST_URI, changed('    kind: schema\n    service: postgres\n    table: dw.fact_sales\n', '    kind: kafkaa\n    service: postgres\n    table: dw.fact_sales\n'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(35, 4, 8, 'checks[0].kind: kind must be one of pytest, sql, schema, explain, command, http, file, mermaid, kafka')]);
    });

    it('underlines the service of a check that names a service the lab does not have', async () => {
      assert.equal(LINES[90], '    service: postgres');
      await server.change(MANIFEST_URI, changed('    service: postgres\n    query: select count(*) from dw.fact_sales\n', '    service: warehouse\n    query: select count(*) from dw.fact_sales\n'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(90, 4, 11, 'checks[4].service: is not a service of this lab (postgres)')]);
    });

    it('underlines a starter file that does not exist in the lab package on disk', async () => {
      await server.change(MANIFEST_URI, changed('open: [schema.sql, load.sql]', 'open: [schema.sql, loader.sql]'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(16, 21, 31, 'scaffold.open[1]: starter/loader.sql does not exist')]);
    });

    it('reports a YAML syntax error where the parser stopped, and nothing the schema would say of half a file', async () => {
      await server.change(MANIFEST_URI, changed('open: [schema.sql, load.sql]', 'open: [schema.sql, load.sql'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(17, 0, 1, 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]')]);
    });

    it("checks the editor's text on every change, unsaved, and clears the diagnostics when the manifest closes", async () => {
      await server.change(MANIFEST_URI, changed('level: 2', 'level: 20'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(3, 0, 5, 'level: Too big: expected number to be <=13')]);
      await server.change(MANIFEST_URI, TEXT);
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [], 'mended, the error goes');
      await server.change(MANIFEST_URI, changed('level: 2', 'level: 20'));
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [error(3, 0, 5, 'level: Too big: expected number to be <=13')]);
      await server.close(MANIFEST_URI);
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), [], 'closed, its diagnostics are cleared');
      await server.open(MANIFEST_URI, 'yaml', TEXT);
      assert.deepEqual(await server.diagnostics(MANIFEST_URI), []);
    });

    it("checks the package of the manifest's own folder, its path decoded from the file: URI", async () => {
      // A copy of lab 07 under a folder whose name a URI must escape, without its brief.
      const root = mkdtempSync(join(tmpdir(), 'delabs manifest '));
      const copy = join(root, '07-analytics-star-schema');
      cpSync(LAB_07, copy, { recursive: true });
      rmSync(join(copy, 'README.md'));
      const uri = pathToFileURL(join(copy, 'lab.yaml')).toString();
      assert.match(uri, /%20/);
      await server.open(uri, 'yaml', TEXT);
      // A problem of another file of the package has no place in the manifest: the start of the file stands for it.
      assert.deepEqual(await server.diagnostics(uri), [error(0, 0, 0, '07-analytics-star-schema/README.md: is missing: every lab needs a brief')]);
      await server.close(uri);
      assert.deepEqual(await server.diagnostics(uri), []);
      rmSync(root, { recursive: true, force: true });
    });
  });

  describe('completion', () => {
    it("offers a sql check's keys it does not have yet on an empty line inside it, with each key's description", async () => {
      assert.equal(LINES[93]?.startsWith('    hint: Join src.orders'), true);
      await server.change(MANIFEST_URI, withLineAt(94, '    '));
      const items = await server.completion(MANIFEST_URI, 94, 4);
      assert.deepEqual(labels(items), ['timeoutSeconds', 'eventually', 'pollSeconds', 'queryFile', 'queryName', 'ordered']);
      assert.deepEqual(items[3], {
        label: 'queryFile',
        kind: 10,
        detail: 'string, at least 1 character',
        documentation: { kind: 'markdown', value: "The learner's query file, relative to the lab folder; its last statement is the query, unless queryName picks another." },
        sortText: '003',
        textEdit: { range: { start: { line: 94, character: 4 }, end: { line: 94, character: 4 } }, newText: 'queryFile: ' },
      });
    });

    it('offers the same keys at the start of a key being typed, replacing what is typed', async () => {
      await server.change(MANIFEST_URI, withLineAt(94, '    ord'));
      const items = await server.completion(MANIFEST_URI, 94, 7);
      assert.deepEqual(labels(items), ['timeoutSeconds', 'eventually', 'pollSeconds', 'queryFile', 'queryName', 'ordered']);
      assert.deepEqual(items[5]?.textEdit, { range: { start: { line: 94, character: 4 }, end: { line: 94, character: 7 } }, newText: 'ordered: ' });
    });

    it('offers kind and the keys every check has in a new check without a kind', async () => {
      await server.change(MANIFEST_URI, withLineAt(94, '  - '));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 94, 4)), ['kind', 'id', 'title', 'hint', 'timeoutSeconds', 'eventually', 'pollSeconds']);
      await server.change(MANIFEST_URI, withLineAt(94, '  - id: row-count\n    '));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 95, 4)), ['kind', 'title', 'hint', 'timeoutSeconds', 'eventually', 'pollSeconds']);
    });

    it('offers only the common keys in a check whose kind is not one the schema knows', async () => {
      await server.change(MANIFEST_URI, withLineAt(94, '    ').replace('    kind: sql\n    service: postgres\n    query: select count(*) from dw.fact_sales', '    kind: sqll\n    service: postgres\n    query: select count(*) from dw.fact_sales'));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 94, 4)), ['timeoutSeconds', 'eventually', 'pollSeconds']);
    });

    it("offers the check kinds at a check's kind, each with what it needs", async () => {
      assert.equal(LINES[89], '    kind: sql');
      await server.change(MANIFEST_URI, TEXT);
      const items = await server.completion(MANIFEST_URI, 89, 12);
      assert.deepEqual(labels(items), ['pytest', 'sql', 'schema', 'explain', 'command', 'http', 'file', 'mermaid', 'kafka']);
      assert.deepEqual(items[1], {
        label: 'sql',
        kind: 20,
        documentation: { kind: 'markdown', value: '`kind: sql`\n\nNeeds `service`, `expect`. May have `query`, `queryFile`, `queryName`, `ordered`.' },
        sortText: '001',
        textEdit: { range: { start: { line: 89, character: 10 }, end: { line: 89, character: 13 } }, newText: 'sql' },
      });
    });

    it('offers the check kinds right after the colon, with the space YAML needs', async () => {
      await server.change(MANIFEST_URI, changed('    kind: sql\n    service: postgres\n    query: select count(*) from dw.fact_sales', '    kind:\n    service: postgres\n    query: select count(*) from dw.fact_sales'));
      const items = await server.completion(MANIFEST_URI, 89, 9);
      assert.equal(items.length, 9);
      assert.deepEqual(items[0]?.textEdit, { range: { start: { line: 89, character: 9 }, end: { line: 89, character: 9 } }, newText: ' pytest' });
    });

    it("offers a service's kinds, and the languages a lab does not list yet", async () => {
      assert.equal(LINES[12], '    kind: postgres');
      await server.change(MANIFEST_URI, TEXT);
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 12, 10)), ['postgres', 'kafka', 'redis', 'minio', 'mongodb', 'spark', 'airflow', 'http', 'other']);
      await server.change(MANIFEST_URI, changed('languages: [sql]', 'languages: [sql, ]'));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 8, 17)), ['python', 'java', 'scala', 'yaml', 'bash', 'markdown']);
    });

    it("offers the lab's services for a check's and a checkSetup step's service", async () => {
      assert.equal(LINES[90], '    service: postgres');
      assert.equal(LINES[26], '  - service: postgres');
      // A second service, two lines long, moves the lines below it down by two.
      await server.change(MANIFEST_URI, changed('services:\n  - name: postgres\n', 'services:\n  - name: warehouse\n    kind: postgres\n  - name: postgres\n'));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 92, 13)), ['warehouse', 'postgres']);
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 28, 13)), ['warehouse', 'postgres']);
    });

    it('offers the top-level keys the manifest lacks on an empty line at the left margin', async () => {
      await server.change(MANIFEST_URI, withLineAt(10, ''));
      assert.deepEqual(labels(await server.completion(MANIFEST_URI, 10, 0)), ['python']);
    });

    it('offers nothing inside a comment, a block of SQL, or a free-text value', async () => {
      await server.change(MANIFEST_URI, changed('schemaVersion: 1', 'schemaVersion: 1 # ki'));
      assert.deepEqual(await server.completion(MANIFEST_URI, 0, 21), []);
      await server.change(MANIFEST_URI, TEXT);
      assert.equal(LINES[100], '      select (select count(*) from dw.dim_customer) as customers,');
      assert.deepEqual(await server.completion(MANIFEST_URI, 100, 12), []);
      assert.deepEqual(await server.completion(MANIFEST_URI, 88, 20), []);
    });
  });

  describe('hover', () => {
    before(async () => {
      await server.change(MANIFEST_URI, TEXT);
    });

    it("shows a key's description and what it takes", async () => {
      assert.deepEqual(await server.hover(MANIFEST_URI, 2, 3), {
        contents: { kind: 'markdown', value: "The lab's number in the curriculum, 1 to 60.\n\n`number`: integer, 1 to 60" },
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 6 } },
      });
      assert.equal(hoverText(await server.hover(MANIFEST_URI, 14, 6)), 'PostgreSQL only: may run on the embedded PostgreSQL when Docker is absent.\n\n`embedded`: boolean');
      assert.equal(hoverText(await server.hover(MANIFEST_URI, 8, 3)), '`languages`: array of (python | sql | java | scala | yaml | bash | markdown), at least 1 item');
    });

    it("shows the kinds a check's kind key takes, and what the kind on show needs", async () => {
      assert.equal(hoverText(await server.hover(MANIFEST_URI, 89, 5)), '`kind`: one of pytest, sql, schema, explain, command, http, file, mermaid, kafka');
      assert.deepEqual(await server.hover(MANIFEST_URI, 89, 11), {
        contents: { kind: 'markdown', value: '`kind: sql`\n\nNeeds `service`, `expect`. May have `query`, `queryFile`, `queryName`, `ordered`.' },
        range: { start: { line: 89, character: 10 }, end: { line: 89, character: 13 } },
      });
      assert.equal(hoverText(await server.hover(MANIFEST_URI, 35, 12)), '`kind: schema`\n\nNeeds `service`, `table`, `expect`.');
    });

    it('shows nothing on a key the schema does not know, or inside a block of SQL', async () => {
      assert.equal(await server.hover(MANIFEST_URI, 100, 12), null);
      await server.change(MANIFEST_URI, changed('estimatedMinutes: 120', 'estimatedMinute: 120'));
      assert.equal(await server.hover(MANIFEST_URI, 7, 3), null);
    });
  });
});
