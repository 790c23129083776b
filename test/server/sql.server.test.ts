/**
 * The language server's SQL features over in-memory streams, on the labs' real files: syntax errors from
 * the PostgreSQL parser at their exact place, completion, hover and go-to-definition from the folder's DDL
 * files, formatting that keeps comments and dollar-quoted bodies, and the Explain CodeLens in a lab.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { NotificationType, type CompletionItem, type Hover, type Location } from 'vscode-languageserver/node';
import { LAB_CONTEXT_NOTIFICATION, type LabContextParams } from '../../src/shared/serverProtocol';
import { startTestServer, type TestServer } from '../support/languageServer';

const LABS = join(__dirname, '..', '..', 'labs');

function hoverText(hover: Hover | null): string {
  const contents = hover?.contents;
  return typeof contents === 'object' && contents !== null && 'value' in contents ? contents.value : '';
}

describe('the language server, SQL', () => {
  let server: TestServer;
  let folder: string;
  const uriOf = (name: string): string => pathToFileURL(join(folder, name)).toString();

  before(async () => {
    server = await startTestServer({ 'dataEngLabs.sql.formatter.keywordCase': 'upper' });
    folder = mkdtempSync(join(tmpdir(), 'delabs-server-'));
    // Lab 07 as a learner has it once solved: its schema, its load and its queries.
    cpSync(join(LABS, '07-analytics-star-schema', 'starter'), folder, { recursive: true });
    cpSync(join(LABS, '07-analytics-star-schema', 'solution'), folder, { recursive: true });
    // As the host does: the labs opened in the workspace.
    await server.client.sendNotification(new NotificationType<LabContextParams>(LAB_CONTEXT_NOTIFICATION), { labs: [{ folder: pathToFileURL(folder).toString(), label: '07 PostgreSQL analytics schema', explains: true }] });
  });

  after(() => server?.dispose());

  it("finds no error in lab 07's solution, statement by statement", async () => {
    await server.open(uriOf('schema.sql'), 'sql', readFileSync(join(folder, 'schema.sql'), 'utf8'));
    assert.deepEqual(await server.diagnostics(uriOf('schema.sql')), []);
  });

  it("puts the parser's message on the token it names, for each statement that does not parse", async () => {
    const uri = uriOf('scratch.sql');
    await server.open(uri, 'sql', 'select 1;\nselect order_id,, net_amount\n  from dw.fact_sales;\nselect * form dw.dim_date;\n');
    assert.deepEqual(await server.diagnostics(uri), [
      { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 17 } }, severity: 1, source: 'PostgreSQL parser', message: 'syntax error at or near ","' },
      { range: { start: { line: 3, character: 9 }, end: { line: 3, character: 13 } }, severity: 1, source: 'PostgreSQL parser', message: 'syntax error at or near "form"' },
    ]);
    await server.change(uri, 'select 1;\nselect order_id, net_amount\n  from dw.fact_sales;\n');
    assert.deepEqual(await server.diagnostics(uri), [], 'mended, the errors go');
  });

  it('completes the tables of the DDL files after FROM, and the columns of an alias after its dot', async () => {
    const uri = uriOf('queries/top.sql');
    const text = 'select f. \n  from dw.fact_sales f\n  join ';
    await server.open(uri, 'sql', text);
    const tables = (await server.completion(uri, 2, 7)).map((item: CompletionItem) => item.label);
    assert.deepEqual(tables, ['dw.dim_date', 'dw.dim_category', 'dw.dim_product', 'dw.dim_customer', 'dw.dim_store', 'dw.fact_sales', 'dw']);
    const columns = await server.completion(uri, 0, 9);
    assert.deepEqual(columns.map((item) => item.label), ['order_id', 'line_number', 'date_key', 'customer_key', 'product_key', 'store_key', 'quantity', 'unit_price', 'gross_amount', 'discount_amount', 'net_amount', 'shipping_amount']);
    assert.equal(columns[2]?.detail, 'dw.fact_sales: integer, not null, references dw.dim_date (date_key)');
  });

  it('offers the columns of the statement\'s tables, functions and keywords elsewhere', async () => {
    const uri = uriOf('queries/where.sql');
    await server.open(uri, 'sql', 'select \n  from dw.dim_store s;');
    const labels = (await server.completion(uri, 0, 7)).map((item) => item.label);
    assert.deepEqual(labels.slice(0, 5), ['store_key', 'store_id', 'store_name', 'channel', 'city']);
    assert.ok(labels.includes('date_trunc') && labels.includes('GROUP BY'), 'functions and keywords follow');
  });

  it("shows a column's type and keys, and a table's columns, on hover", async () => {
    const uri = uriOf('queries/hover.sql');
    await server.open(uri, 'sql', 'select p.category_key, s.city\n  from dw.dim_product p\n  join dw.dim_store s on true;');
    assert.equal(hoverText(await server.hover(uri, 0, 12)), '**dw.dim_product.category_key** `integer` · not null · references dw.dim_category (category_key)\n\n(from schema.sql:33)');
    const table = hoverText(await server.hover(uri, 1, 12));
    assert.ok(table.startsWith('**dw.dim_product**, 5 columns (from schema.sql:33)\n\n| column | type | |\n| --- | --- | --- |\n| product_key | `integer` | not null, primary key |'), table);
  });

  it("goes to a table's CREATE TABLE in the DDL files", async () => {
    const uri = uriOf('queries/hover.sql');
    const location = (await server.definition(uri, 2, 10)) as Location;
    assert.deepEqual(location, { uri: uriOf('schema.sql'), range: { start: { line: 48, character: 0 }, end: { line: 48, character: 0 } } });
  });

  it('formats with the keyword case set, keeping comments and dollar-quoted bodies as written', async () => {
    const uri = uriOf('format.sql');
    await server.open(uri, 'sql', "-- keep me\nselect a,b from t where x=1;\ncreate function f() returns int language sql as $$ select   1 $$;\n");
    const edits = await server.format(uri);
    assert.equal(edits.length, 1);
    assert.equal(edits[0]?.newText, "-- keep me\nSELECT\n    a,\n    b\nFROM\n    t\nWHERE\n    x = 1;\n\nCREATE FUNCTION f () returns int language sql AS $$ select   1 $$;\n");
  });

  it('offers Explain and Explain Analyze above each statement EXPLAIN takes, in a lab only', async () => {
    const text = readFileSync(join(folder, 'queries', 'revenue_by_month_category.sql'), 'utf8');
    const elsewhere = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'delabs-not-a-lab-')), 'query.sql')).toString();
    await server.open(elsewhere, 'sql', text);
    assert.deepEqual(await server.codeLenses(elsewhere), [], 'not a lab the host named');
    const uri = uriOf('queries/revenue_by_month_category.sql');
    await server.open(uri, 'sql', text);
    const lenses = await server.codeLenses(uri);
    const start = text.search(/^select/im);
    assert.deepEqual(lenses.map((lens) => [lens.command?.title, lens.command?.command, lens.command?.arguments]), [
      ['$(graph) Explain', 'delabs.explain.query', [uri, start]],
      ['Explain Analyze', 'delabs.explain.analyze', [uri, start]],
    ]);
  });

  it('keeps answering for a file outside any folder it can read', async () => {
    const uri = 'untitled:Untitled-1';
    await server.open(uri, 'sql', 'selec 1;');
    assert.deepEqual((await server.diagnostics(uri)).map((diagnostic) => diagnostic.message), ['syntax error at or near "selec"']);
    assert.ok((await server.completion(uri, 0, 5)).some((item) => item.label === 'SELECT'));
  });
});
