/**
 * The language server with the lab's database running (Debian's PostgreSQL, a real server): what
 * PostgreSQL rejects in a file that parses (an unknown column, a type that does not fit) is a warning at
 * its place, the file's own DDL counts for the statements after it, nothing is left in the database, and
 * completion reads the database's tables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { NotificationType } from 'vscode-languageserver/node';
import { LAB_CONTEXT_NOTIFICATION, type LabContextParams } from '../../src/shared/serverProtocol';
import { startTestServer, type TestServer } from '../support/languageServer';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';

const LABS = join(__dirname, '..', '..', 'labs');

describe("the language server against the lab's database", () => {
  let postgres: NativePostgres;
  let server: TestServer;
  let admin: Client;
  const folder = mkdtempSync(join(tmpdir(), 'delabs-live-'));
  const uriOf = (name: string): string => pathToFileURL(join(folder, name)).toString();

  before(async () => {
    postgres = await startNativePostgres();
    const setup = new Client({ connectionString: postgres.url('postgres') });
    await setup.connect();
    await setup.query('create database shop');
    await setup.end();
    admin = new Client({ connectionString: postgres.url('shop') });
    await admin.connect();
    await admin.query(readFileSync(join(LABS, '07-analytics-star-schema', 'solution', 'schema.sql'), 'utf8'));
    // A table only the database has: completion must read the database, not only the files.
    await admin.query('create table dw.audit_log (id bigint primary key, at timestamptz not null)');
    server = await startTestServer();
    const database = { kind: 'postgres', host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: 'shop', source: 'the test server' } as const;
    await server.client.sendNotification(new NotificationType<LabContextParams>(LAB_CONTEXT_NOTIFICATION), { labs: [{ folder: pathToFileURL(folder).toString(), label: '07 PostgreSQL analytics schema', explains: true, database }] });
  });

  after(async () => {
    server?.dispose();
    await admin?.end();
    await postgres?.stop();
  });

  it('warns where PostgreSQL rejects a statement that parses: an unknown column, a comparison of the wrong types', async () => {
    const uri = uriOf('queries/revenue.sql');
    await server.open(uri, 'sql', "select sum(net_amout)\n  from dw.fact_sales;\nselect * from dw.dim_date where full_date = 42;\nselect 1;\n");
    // Syntax comes first (nothing: it parses); the database's verdict follows a moment later.
    assert.deepEqual(await server.diagnostics(uri), []);
    const deadline = Date.now() + 15_000;
    let diagnostics = await server.diagnostics(uri);
    while (diagnostics.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      diagnostics = await server.diagnostics(uri);
    }
    assert.deepEqual(diagnostics, [
      { range: { start: { line: 0, character: 11 }, end: { line: 0, character: 20 } }, severity: 2, source: "PostgreSQL (the lab's database)", message: 'column "net_amout" does not exist (42703)' },
      { range: { start: { line: 2, character: 42 }, end: { line: 2, character: 43 } }, severity: 2, source: "PostgreSQL (the lab's database)", message: 'operator does not exist: date = integer (42883)' },
    ]);
  });

  it("counts the file's own DDL for the statements after it, and leaves the database as it was", async () => {
    const uri = uriOf('scratch.sql');
    await server.open(uri, 'sql', 'create table dw.scratch (id int primary key, label text);\ninsert into dw.scratch values (1, \'a\');\nselect label, nothing from dw.scratch;\n');
    const deadline = Date.now() + 15_000;
    let diagnostics = await server.diagnostics(uri);
    while (diagnostics.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      diagnostics = await server.diagnostics(uri);
    }
    assert.deepEqual(diagnostics.map((diagnostic) => [diagnostic.range.start, diagnostic.message]), [[{ line: 2, character: 14 }, 'column "nothing" does not exist (42703)']]);
    const left = await admin.query("select count(*)::int as n from pg_class where relname = 'scratch'");
    assert.equal(left.rows[0]?.n, 0, 'the CREATE TABLE was rolled back');
  });

  it("completes the database's tables, those only it has too", async () => {
    const uri = uriOf('queries/audit.sql');
    await server.open(uri, 'sql', 'select * from ');
    const labels = (await server.completion(uri, 0, 14)).map((item) => item.label);
    assert.ok(labels.includes('dw.audit_log'), labels.join(', '));
    assert.ok(labels.includes('dw.fact_sales'));
  });
});
