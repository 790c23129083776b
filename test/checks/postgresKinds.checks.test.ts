/**
 * The PostgreSQL check kinds (sql, schema, explain) and checkSetup, run through the engine against a
 * real throwaway PostgreSQL server.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { runLabChecks, type KindRegistry } from '../../src/core/checks/engine';
import { runExplainCheck } from '../../src/core/checks/kinds/explain';
import { runSchemaCheck } from '../../src/core/checks/kinds/schema';
import { runSqlCheck } from '../../src/core/checks/kinds/sql';
import { runPostgresSetup } from '../../src/core/checks/postgres/setup';
import type { CheckDefinition, LabManifest } from '../../src/core/labs/labSchema';
import { labSchema } from '../../src/core/labs/labSchema';
import type { CheckResult, ServiceResolver } from '../../src/core/checks/types';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';

const KINDS: KindRegistry = { sql: runSqlCheck, schema: runSchemaCheck, explain: runExplainCheck };

/** The lab's hidden source data: three orders. */
const SOURCE_SQL = `-- the shop's orders
create table orders (
  id int primary key,
  customer text not null,
  total numeric(10, 2),
  placed date,
  paid boolean
);
insert into orders values
  (1, 'ann', 12.50, '2024-03-01', true),
  (2, 'bob', 7.25, '2024-03-02', false),
  (3, 'ann', null, '2024-03-03', true);
`;

let server: NativePostgres;
let scratch: string;

/** A fresh folder holding `files`. */
function folder(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(scratch, 'dir-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A lab with one PostgreSQL service, database shop, and these checks and setup entries. */
function lab(checks: readonly object[], checkSetup?: readonly object[]): LabManifest {
  return labSchema.parse({
    schemaVersion: 1,
    id: 'pg-checks',
    number: 7,
    level: 2,
    title: 'PostgreSQL checks',
    summary: 'A small lab for the PostgreSQL check kinds.',
    skills: ['sql'],
    estimatedMinutes: 30,
    languages: ['sql'],
    prerequisites: [],
    services: [{ name: 'postgres', kind: 'postgres', database: 'shop' }],
    scaffold: { open: ['schema.sql'] },
    ...(checkSetup ? { checkSetup } : {}),
    checks: checks.map((check, index) => ({ id: `check-${index + 1}`, title: `check number ${index + 1}`, service: 'postgres', ...check })),
  });
}

/** The usual setup: a fresh database, the lab's orders, then the learner's schema.sql. */
const SETUP = [{ service: 'postgres', resetDatabase: true, sql: ['lab:checks/source.sql', 'workspace:schema.sql'] }];

interface RunOptions {
  readonly workspace?: Readonly<Record<string, string>>;
  readonly labFiles?: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly onStart?: (check: CheckDefinition) => void;
}

async function run(manifest: LabManifest, options: RunOptions = {}): Promise<CheckResult[]> {
  const resolver: ServiceResolver = {
    resolve: async () => ({
      kind: 'postgres',
      host: server.host,
      port: options.port ?? server.port,
      user: options.user ?? server.user,
      password: server.password,
      database: options.database ?? 'shop',
      source: 'the test server',
    }),
  };
  const result = await runLabChecks({
    manifest,
    labPackageDir: folder({ 'checks/source.sql': SOURCE_SQL, ...options.labFiles }),
    workDir: folder({ 'schema.sql': '-- nothing yet\n', ...options.workspace }),
    python: 'python3',
    resolver,
    kinds: KINDS,
    setup: runPostgresSetup,
    defaultTimeoutSeconds: 30,
    defaultPollMs: 100,
    ...(options.onStart ? { onStart: options.onStart } : {}),
  });
  return [...result.results];
}

/** The parts of a result the tests compare exactly. */
function verdict(result: CheckResult | undefined): Pick<CheckResult, 'status' | 'message' | 'expected' | 'actual' | 'location'> {
  assert.ok(result, 'a result');
  const { status, message, expected, actual, location } = result;
  return { status, message, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}), ...(location ? { location } : {}) };
}

/** Plan costs depend on the server's statistics; the tests compare everything else exactly. */
function withoutCosts(text: string | undefined): string | undefined {
  return text?.replace(/\(cost \d+\.\d\d\.\.\d+\.\d\d\)/g, '(cost …)');
}

async function adminQuery(sql: string, database = 'shop'): Promise<Array<Record<string, unknown>>> {
  const client = new Client(server.url(database));
  await client.connect();
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

before(async () => {
  server = await startNativePostgres();
  scratch = mkdtempSync(join(tmpdir(), 'delabs-pgchecks-'));
});

after(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('sql checks', () => {
  it('compares a scalar as PostgreSQL text: numbers by value, booleans, dates and NULL', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select count(*) from orders', expect: { scalar: 3 } },
          { kind: 'sql', query: 'select total from orders where id = 1', expect: { scalar: 12.5 } },
          { kind: 'sql', query: 'select total from orders where id = 1', expect: { scalar: '12.50' } },
          { kind: 'sql', query: 'select paid from orders where id = 1', expect: { scalar: true } },
          { kind: 'sql', query: 'select placed from orders where id = 1', expect: { scalar: '2024-03-01' } },
          { kind: 'sql', query: 'select total from orders where id = 3', expect: { scalar: null } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'the query returned 3, as expected.' },
      { status: 'passed', message: 'the query returned 12.50, as expected.' },
      { status: 'passed', message: 'the query returned 12.50, as expected.' },
      { status: 'passed', message: 'the query returned t, as expected.' },
      { status: 'passed', message: 'the query returned 2024-03-01, as expected.' },
      { status: 'passed', message: 'the query returned NULL, as expected.' },
    ]);
  });

  it('fails a scalar with the value it found, or with the shape of the result', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select count(*) from orders', expect: { scalar: 4 }, hint: 'Count every order.' },
          { kind: 'sql', query: 'select paid from orders where id = 2', expect: { scalar: true } },
          { kind: 'sql', query: 'select total from orders where id = 3', expect: { scalar: 0 } },
          { kind: 'sql', query: 'select id, customer from orders order by id', expect: { scalar: 1 } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'failed', message: 'the query returned 3, expected 4.', expected: '4', actual: '3' },
      { status: 'failed', message: 'the query returned f, expected true.', expected: 'true', actual: 'f' },
      { status: 'failed', message: 'the query returned NULL, expected 0.', expected: '0', actual: 'NULL' },
      {
        status: 'failed',
        message: 'expected a single value, but the query returned 3 rows of 2 columns.',
        expected: '1',
        actual: '(1, ann)\n(2, bob)\n(3, ann)',
      },
    ]);
    assert.equal(results[0]?.hint, 'Count every order.');
    assert.equal(results[0]?.attempts, 1);
  });

  it('compares rows in any order, as a multiset', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select customer, count(*) from orders group by customer', expect: { rows: [['bob', 1], ['ann', 2]] } },
          { kind: 'sql', query: 'select customer from orders order by id', expect: { rows: [['ann'], ['bob'], ['ann']] } },
          { kind: 'sql', query: 'select customer from orders order by id', expect: { rows: [['ann'], ['bob'], ['bob']] } },
          { kind: 'sql', query: 'select customer, count(*) from orders group by customer order by customer', expect: { rows: [['ann', 2], ['cat', 1]] } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'the query returned the 2 expected rows.' },
      { status: 'passed', message: 'the query returned the 3 expected rows.' },
      {
        status: 'failed',
        message: 'the query returned 3 rows, expected 3. Missing: (bob). Unexpected: (ann).',
        expected: '(ann)\n(bob)\n(bob)',
        actual: '(ann)\n(bob)\n(ann)',
      },
      {
        status: 'failed',
        message: 'the query returned 2 rows, expected 2. Missing: (cat, 1). Unexpected: (bob, 1).',
        expected: '(ann, 2)\n(cat, 1)',
        actual: '(ann, 2)\n(bob, 1)',
      },
    ]);
  });

  it('names at most five missing and unexpected rows, and notices a wrong number of columns', async () => {
    const expectedRows = [1, 2, 3, 4, 5, 6, 7].map((n) => [n * 10]);
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select g from generate_series(1, 8) g', expect: { rows: expectedRows } },
          { kind: 'sql', query: "select 'a' as x, 1 as y, null as z", expect: { rows: [['a', 1]] } },
          { kind: 'sql', query: "select 'x', 'y' where false", expect: { rows: [['a, b', '']] } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      {
        status: 'failed',
        message: 'the query returned 8 rows, expected 7. Missing: (10), (20), (30), (40), (50) and 2 more. Unexpected: (1), (2), (3), (4), (5) and 3 more.',
        expected: '(10)\n(20)\n(30)\n(40)\n(50)\n(60)\n(70)',
        actual: '(1)\n(2)\n(3)\n(4)\n(5)\n(6)\n(7)\n(8)',
      },
      { status: 'failed', message: 'the query returned rows of 3 columns, expected 2 columns.', expected: '(a, 1)', actual: '(a, 1, NULL)' },
      { status: 'failed', message: 'the query returned 0 rows, expected 1. Missing: ("a, b", "").', expected: '("a, b", "")', actual: '(no rows)' },
    ]);
  });

  it('compares rows in order when the check says ordered', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select id, total from orders order by id', ordered: true, expect: { rows: [[1, 12.5], [2, '7.25'], [3, null]] } },
          { kind: 'sql', query: 'select id from orders order by id desc', ordered: true, expect: { rows: [[1], [2], [3]] } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'the query returned the 3 expected rows in order.' },
      {
        status: 'failed',
        message: 'the query returned the expected rows in another order: row 1 is (3), expected (1).',
        expected: '(1)\n(2)\n(3)',
        actual: '(3)\n(2)\n(1)',
      },
    ]);
  });

  it('counts rows', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: "select * from orders where customer = 'ann'", expect: { rowCount: 2 } },
          { kind: 'sql', query: "select * from orders where customer = 'bob'", expect: { rowCount: 2 } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'the query returned 2 rows, as expected.' },
      { status: 'failed', message: 'the query returned 1 row, expected 2.', expected: '2 rows', actual: '1 row' },
    ]);
  });

  it("runs the last statement of the learner's query file and points at it", async () => {
    const top = '-- Which customer spent most?\nset search_path = public;\n\nselect customer\nfrom orders\norder by total desc nulls last\nlimit 1;\n';
    const wrong = '-- Which customer spent most?\nselect customer\nfrom orders\norder by total\nlimit 1;\n';
    const broken = 'select 1;\nselect customer,\n       nope\nfrom orders;\n';
    const results = await run(
      lab(
        [
          { kind: 'sql', queryFile: 'queries/top.sql', expect: { scalar: 'ann' } },
          { kind: 'sql', queryFile: 'queries/wrong.sql', expect: { scalar: 'ann' } },
          { kind: 'sql', queryFile: 'queries/broken.sql', expect: { scalar: 'ann' } },
          { kind: 'sql', queryFile: 'queries/empty.sql', expect: { scalar: 'ann' } },
          { kind: 'sql', queryFile: 'queries/absent.sql', expect: { scalar: 'ann' } },
        ],
        SETUP,
      ),
      { workspace: { 'queries/top.sql': top, 'queries/wrong.sql': wrong, 'queries/broken.sql': broken, 'queries/empty.sql': '-- TODO: your query\n\n/* here */\n' } },
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'the query returned ann, as expected.' },
      { status: 'failed', message: 'the query returned bob, expected ann.', expected: 'ann', actual: 'bob', location: { file: 'queries/wrong.sql', line: 2 } },
      {
        status: 'failed',
        message: 'queries/broken.sql line 3: column "nope" does not exist (PostgreSQL 42703).',
        location: { file: 'queries/broken.sql', line: 3, column: 8 },
      },
      { status: 'failed', message: 'queries/empty.sql has no query yet.', location: { file: 'queries/empty.sql', line: 1 } },
      { status: 'failed', message: 'queries/absent.sql is missing from your lab folder.', location: { file: 'queries/absent.sql', line: 1 } },
    ]);
  });

  it("fails a hidden query on a table or column the learner has not created, without showing the query", async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select count(*) from fact_sales', expect: { scalar: 12 } },
          { kind: 'sql', query: 'select count(postcode) from orders', expect: { scalar: 3 } },
          { kind: 'sql', query: 'select 1 / (count(*) - 3) from orders', expect: { scalar: 1 } },
          { kind: 'sql', query: 'selec 1', expect: { scalar: 1 } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'failed', message: 'relation "fact_sales" does not exist: create it in schema.sql.' },
      { status: 'failed', message: 'column "postcode" does not exist: add it in schema.sql.' },
      { status: 'failed', message: "the check's query failed: division by zero (PostgreSQL 22012)." },
      { status: 'could-not-run', message: 'could not run: the check\'s own query is not valid SQL (syntax error at or near "selec"); this is a bug in the lab' },
    ]);
  });

  it('stops a query that runs past its time limit, on the server too, and goes on with the next check', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select pg_sleep(5)', expect: { scalar: '' }, timeoutSeconds: 1 },
          { kind: 'sql', query: 'select count(*) from orders', expect: { scalar: 3 }, timeoutSeconds: 5 },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      { status: 'failed', message: 'did not finish within 1 s (its time limit); look for a loop that never ends or a query that waits on a lock.' },
      { status: 'passed', message: 'the query returned 3, as expected.' },
    ]);
    assert.ok((results[0]?.durationMs ?? 0) < 3000, `timed out after ${results[0]?.durationMs} ms`);
    const sleeping = await adminQuery("select count(*)::int as n from pg_stat_activity where state = 'active' and query like '%pg_sleep%' and pid <> pg_backend_pid()");
    assert.deepEqual(sleeping, [{ n: 0 }]);
  });

  it('cannot run when the server is not there, and says what to do', async () => {
    const closed = await new Promise<number>((resolve) => {
      // A port that was free a moment ago and that nothing listens on.
      void import('node:net').then(({ createServer }) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const address = probe.address();
          probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
        });
      });
    });
    const results = await run(
      lab([
        { kind: 'sql', query: 'select 1', expect: { scalar: 1 } },
        { kind: 'schema', table: 'orders', expect: {} },
      ]),
      { port: closed },
    );
    const message = `could not run: the PostgreSQL service "postgres" (127.0.0.1:${closed}, from the test server) refused the connection: start the lab's services (Data Labs: Start Services) or set an override in dataEngLabs.services.overrides`;
    assert.deepEqual(results.map(verdict), [
      { status: 'could-not-run', message },
      { status: 'could-not-run', message },
    ]);
  });

  it('cannot run when the database does not exist', async () => {
    const results = await run(lab([{ kind: 'sql', query: 'select 1', expect: { scalar: 1 } }]), { database: 'no_such_db' });
    assert.deepEqual(results.map(verdict), [
      {
        status: 'could-not-run',
        message: `could not run: the PostgreSQL service "postgres" (127.0.0.1:${server.port}, from the test server) has no database "no_such_db": start the lab's services again (Data Labs: Start Services) so it is created, or create it yourself`,
      },
    ]);
  });

  it('cannot run a check whose connection the server ends, and connects again for the next one', async () => {
    const results = await run(
      lab(
        [
          { kind: 'sql', query: 'select pg_terminate_backend(pg_backend_pid())', expect: { scalar: true } },
          { kind: 'sql', query: 'select count(*) from orders', expect: { scalar: 3 } },
        ],
        SETUP,
      ),
    );
    assert.deepEqual(results.map(verdict), [
      {
        status: 'could-not-run',
        message: `could not run: the PostgreSQL service "postgres" (127.0.0.1:${server.port}, from the test server) stopped the query: terminating connection due to administrator command (PostgreSQL 57P01). To run the checks, start the lab's services (Data Labs: Start Services) or set an override in dataEngLabs.services.overrides`,
      },
      { status: 'passed', message: 'the query returned 3, as expected.' },
    ]);
  });

  it('cannot run a check on a service the lab does not declare', async () => {
    const results = await run(lab([{ kind: 'sql', service: 'warehouse', query: 'select 1', expect: { scalar: 1 } }]));
    assert.deepEqual(results.map(verdict), [
      { status: 'could-not-run', message: 'could not run: the lab has no service "warehouse" in lab.yaml; this is a bug in the lab' },
    ]);
  });

  it('cannot run when the server refuses the user', async () => {
    const results = await run(lab([{ kind: 'sql', query: 'select 1', expect: { scalar: 1 } }]), { user: 'nobody' });
    assert.deepEqual(results.map(verdict), [
      {
        status: 'could-not-run',
        message: `could not run: the PostgreSQL service "postgres" (127.0.0.1:${server.port}, from the test server) refused user "nobody" (role "nobody" does not exist): check the user in dataEngLabs.services.overrides`,
      },
    ]);
  });

  it('polls an eventually check until it holds', async () => {
    let inserted: Promise<unknown> | undefined;
    const results = await run(
      lab(
        [{ kind: 'sql', query: 'select count(*) from events', expect: { scalar: 1 }, eventually: true, pollSeconds: 0.2, timeoutSeconds: 10 }],
        [{ service: 'postgres', resetDatabase: true, sql: ['workspace:schema.sql'] }],
      ),
      {
        workspace: { 'schema.sql': 'create table events (id int);\n' },
        // The pipeline writes its row a moment after the check starts.
        onStart: () => {
          inserted = new Promise((resolve) => setTimeout(resolve, 700)).then(() => adminQuery('insert into events values (1)'));
        },
      },
    );
    await inserted;
    assert.deepEqual(results.map(verdict), [{ status: 'passed', message: 'the query returned 1, as expected.' }]);
    assert.ok((results[0]?.attempts ?? 0) > 1, `attempts: ${results[0]?.attempts}`);
  });

  it('reports the last value an eventually check saw when it never holds', async () => {
    const results = await run(
      lab(
        [{ kind: 'sql', query: 'select count(*) from events', expect: { scalar: 1 }, eventually: true, pollSeconds: 0.2, timeoutSeconds: 1 }],
        [{ service: 'postgres', resetDatabase: true, sql: ['workspace:schema.sql'] }],
      ),
      { workspace: { 'schema.sql': 'create table events (id int);\n' } },
    );
    const [result] = results;
    assert.equal(result?.status, 'failed');
    assert.match(result?.message ?? '', /^still not true after 1 s \(\d+ tries\): the query returned 0, expected 1\.$/);
    assert.equal(result?.expected, '1');
    assert.equal(result?.actual, '0');
    assert.ok((result?.attempts ?? 0) >= 3, `attempts: ${result?.attempts}`);
  });
});

describe('checkSetup', () => {
  const check = { kind: 'sql', query: 'select count(*) from customers', expect: { scalar: 2 } };

  it("runs the learner's files statement by statement, as psql does", async () => {
    const schema = [
      'create table customers (id int primary key, email text);',
      "insert into customers values (1, 'a@example.com'), (2, 'b@example.com');",
      // Not allowed inside a transaction block, so not in one multi-statement query either.
      'create index concurrently customers_email on customers (email);',
      'vacuum analyze customers;',
    ].join('\n');
    const results = await run(lab([check, { kind: 'sql', query: "select count(*) from pg_indexes where indexname = 'customers_email'", expect: { scalar: 1 } }], SETUP), {
      workspace: { 'schema.sql': schema },
    });
    assert.deepEqual(results.map((result) => result.status), ['passed', 'passed']);
  });

  it("fails every check on the service with the file and line of an error in the learner's file", async () => {
    const schema = '-- customers\ncreate table customers (id int);\n\ninsert into customers\n  select id from clients;\n';
    const results = await run(lab([check, { kind: 'schema', table: 'customers', expect: {} }], SETUP), { workspace: { 'schema.sql': schema } });
    const failure = {
      status: 'failed',
      message: 'schema.sql line 5: relation "clients" does not exist (PostgreSQL 42P01).',
      location: { file: 'schema.sql', line: 5, column: 18 },
    };
    assert.deepEqual(results.map(verdict), [failure, failure]);
  });

  it('points at the statement when PostgreSQL gives no position, and passes on its hint', async () => {
    const schema = 'create table customers (id int primary key);\n\ninsert into customers values (1);\ninsert into customers\n  values (1);\n';
    const typo = 'create table customers (id int, email text);\nselect emial from customers;\n';
    const [duplicate] = await run(lab([check], SETUP), { workspace: { 'schema.sql': schema } });
    const [misspelt] = await run(lab([check], SETUP), { workspace: { 'schema.sql': typo } });
    assert.deepEqual(verdict(duplicate), {
      status: 'failed',
      message: 'schema.sql line 4: duplicate key value violates unique constraint "customers_pkey" (PostgreSQL 23505).',
      location: { file: 'schema.sql', line: 4, column: 1 },
    });
    assert.deepEqual(verdict(misspelt), {
      status: 'failed',
      message: 'schema.sql line 2: column "emial" does not exist (PostgreSQL 42703). Hint: Perhaps you meant to reference the column "customers.email".',
      location: { file: 'schema.sql', line: 2, column: 8 },
    });
  });

  it("fails when the learner's file is missing, and cannot run when the lab's is", async () => {
    const [missingWorkspace] = await run(lab([check], [{ service: 'postgres', sql: ['workspace:load.sql'] }]));
    const [missingLab] = await run(lab([check], [{ service: 'postgres', sql: ['lab:checks/seed.sql'] }]));
    assert.deepEqual(verdict(missingWorkspace), { status: 'failed', message: 'load.sql is missing from your lab folder.', location: { file: 'load.sql', line: 1 } });
    assert.deepEqual(verdict(missingLab), {
      status: 'could-not-run',
      message: "could not run: the lab's setup file checks/seed.sql is missing, so the lab package is broken: reinstall or update Data Engineering Labs",
    });
  });

  it("cannot run when the lab's own file is broken, and fails when the lab's data does not fit the learner's tables", async () => {
    const [broken] = await run(lab([check], SETUP), { labFiles: { 'checks/source.sql': 'select 1;\ncreate tabel orders (id int);\n' } });
    assert.deepEqual(verdict(broken), {
      status: 'could-not-run',
      message: 'could not run: the lab\'s own setup file checks/source.sql failed at line 2: syntax error at or near "tabel" (PostgreSQL 42601). This is a bug in the lab.',
    });
    const [misfit] = await run(lab([check], [{ service: 'postgres', resetDatabase: true, sql: ['workspace:schema.sql', 'lab:checks/seed.sql'] }]), {
      workspace: { 'schema.sql': 'create table customers (id int, name text);\n' },
      labFiles: { 'checks/seed.sql': "insert into customers (id, email) values (1, 'a@example.com');\n" },
    });
    assert.deepEqual(verdict(misfit), {
      status: 'failed',
      message: 'the lab\'s data (checks/seed.sql) does not fit your tables: column "email" of relation "customers" does not exist (PostgreSQL 42703).',
    });
  });

  it('re-creates the database, even with a session still connected to it', async () => {
    await run(lab([check], SETUP), { workspace: { 'schema.sql': 'create table leftover (id int);\n' } });
    const learnerSession = new Client(server.url('shop'));
    learnerSession.on('error', () => undefined);
    await learnerSession.connect();
    try {
      const results = await run(lab([check, { kind: 'sql', query: "select count(*) from pg_tables where tablename = 'leftover'", expect: { scalar: 0 } }], SETUP), {
        workspace: { 'schema.sql': "create table customers (id int);\ninsert into customers values (1), (2);\n" },
      });
      assert.deepEqual(results.map((result) => result.status), ['passed', 'passed']);
    } finally {
      await learnerSession.end().catch(() => undefined);
    }
  });
});

describe('schema checks', () => {
  const schema = `
create table customers (
  id int primary key,
  email text not null unique,
  name text,
  region text,
  code text
);
create unique index customers_region_code on customers (region, code);
create table orders_items (
  order_id int references orders (id),
  line int,
  customer_id int not null,
  primary key (order_id, line),
  foreign key (customer_id) references customers (id)
);
create schema sales;
create table sales.targets (month date primary key);
`;
  const checks = [
    {
      kind: 'schema',
      table: 'orders_items',
      expect: {
        columns: ['line', 'order_id'],
        primaryKey: ['line', 'order_id'],
        foreignKeys: [
          { columns: ['order_id'], references: 'orders', referencedColumns: ['id'] },
          { columns: ['customer_id'], references: 'public.customers' },
        ],
        notNull: ['customer_id', 'line'],
      },
    },
    { kind: 'schema', table: 'customers', expect: { unique: [['email'], ['code', 'region'], ['id']], notNull: ['email'] } },
    { kind: 'schema', table: 'sales.targets', expect: { columns: ['month'], primaryKey: ['month'] } },
    { kind: 'schema', table: 'customers', expect: {} },
    {
      kind: 'schema',
      table: 'customers',
      expect: {
        columns: ['id', 'email', 'postcode'],
        primaryKey: ['email'],
        unique: [['name']],
        notNull: ['name', 'email', 'city'],
      },
    },
    {
      kind: 'schema',
      table: 'orders_items',
      expect: {
        primaryKey: ['order_id'],
        foreignKeys: [
          { columns: ['customer_id'], references: 'orders', referencedColumns: ['id'] },
          { columns: ['line'], references: 'lines' },
        ],
      },
    },
    { kind: 'schema', table: 'fact_sales', expect: { columns: ['id'], primaryKey: ['id'] } },
    { kind: 'schema', table: 'orders', expect: { primaryKey: [] } },
  ];

  it('passes tables that have what the lab expects, and reports every problem of those that do not', async () => {
    const results = await run(lab(checks, SETUP), { workspace: { 'schema.sql': schema } });
    assert.deepEqual(results.map(verdict), [
      { status: 'passed', message: 'orders_items has the expected columns, primary key, foreign keys and NOT NULL columns.' },
      { status: 'passed', message: 'customers has the expected unique constraints and NOT NULL columns.' },
      { status: 'passed', message: 'sales.targets has the expected columns and primary key.' },
      { status: 'passed', message: 'customers exists.' },
      {
        status: 'failed',
        message:
          'customers: missing columns postcode, city; primary key is (id) but should be (email); no unique constraint on (name); column name allows NULL.',
        expected: 'columns: id, email, postcode\nprimary key: (email)\nunique: (name)\nnot null: name, email, city',
        actual: 'columns: id, email, name, region, code\nprimary key: (id)\nunique: (email), (region, code)\nnot null: id, email',
      },
      {
        status: 'failed',
        message:
          'orders_items: primary key is (order_id, line) but should be (order_id); foreign key (customer_id) references customers (id) should reference orders (id); no foreign key (line) references lines.',
        expected: 'primary key: (order_id)\nforeign keys: (customer_id) references orders (id); (line) references lines',
        actual: 'columns: order_id, line, customer_id\nprimary key: (order_id, line)\nforeign keys: (customer_id) references customers (id); (order_id) references orders (id)',
      },
      { status: 'failed', message: 'table fact_sales does not exist.', expected: 'columns: id\nprimary key: (id)', actual: 'no such table' },
      {
        status: 'failed',
        message: 'orders: primary key is (id) but there should be none.',
        expected: 'primary key: none',
        actual: 'columns: id, customer, total, placed, paid\nprimary key: (id)',
      },
    ]);
  });
});

describe('explain checks', () => {
  const source = `${SOURCE_SQL}
create table big (id int primary key, customer_id int, note text);
insert into big select g, g % 10, 'note ' || g from generate_series(1, 20000) g;
create table small (id int primary key, name text);
insert into small select g, 'customer ' || g from generate_series(0, 9) g;
analyze big;
analyze small;
`;
  const checks = [
    { kind: 'explain', query: 'select * from big where id = 42;', expect: { usesIndexOn: 'big' } },
    { kind: 'explain', query: "select count(*) from big where note = 'x'", expect: { usesIndexOn: 'public.big' } },
    { kind: 'explain', query: 'select * from big where id = 42', expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', query: "select count(*) from big where note = 'x'", expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', query: 'select s.name, count(*) from big b join small s on s.id = b.customer_id group by s.name', expect: { nodeType: 'Hash Join' } },
    { kind: 'explain', query: 'select * from big where id = 42', expect: { nodeType: 'Hash Join' } },
    { kind: 'explain', query: 'select * from small where id = 1', expect: { usesIndexOn: 'big' } },
    { kind: 'explain', query: 'select * from fact_sales', expect: { nodeType: 'Seq Scan' } },
    { kind: 'explain', query: 'select count(*) from big where id < 5000 or id > 19000', expect: { usesIndexOn: 'big' } },
    { kind: 'explain', query: 'select customer_id, count(*) from big group by customer_id', expect: { nodeType: 'HashAggregate' } },
  ];

  it('checks plan properties and shows the plan when one does not hold', async () => {
    const results = await run(lab(checks, SETUP), { labFiles: { 'checks/source.sql': source } });
    const shown = results.map((result) => {
      const { status, message, expected, actual } = verdict(result);
      return { status, message: withoutCosts(message), expected, actual: withoutCosts(actual) };
    });
    assert.deepEqual(shown, [
      { status: 'passed', message: 'the plan uses an index on big: Index Scan using big_pkey on big (cost …).', expected: undefined, actual: undefined },
      {
        status: 'failed',
        message: 'the plan does not use an index on public.big: it reads it with Seq Scan on big (cost …).',
        expected: 'an Index Scan, Index Only Scan or Bitmap Index Scan on public.big',
        actual: 'Aggregate (cost …)\n  -> Seq Scan on big (cost …)',
      },
      { status: 'passed', message: 'the plan reads big without a sequential scan.', expected: undefined, actual: undefined },
      {
        status: 'failed',
        message: 'the plan reads big with a sequential scan: Seq Scan on big (cost …).',
        expected: 'no Seq Scan on big',
        actual: 'Aggregate (cost …)\n  -> Seq Scan on big (cost …)',
      },
      { status: 'passed', message: 'the plan has a Hash Join node: Hash Join (cost …).', expected: undefined, actual: undefined },
      {
        status: 'failed',
        message: 'the plan has no Hash Join node; its nodes are Index Scan.',
        expected: 'a Hash Join node',
        actual: 'Index Scan using big_pkey on big (cost …)',
      },
      {
        status: 'failed',
        message: 'the plan does not read big at all.',
        expected: 'an Index Scan, Index Only Scan or Bitmap Index Scan on big',
        actual: 'Seq Scan on small (cost …)',
      },
      { status: 'failed', message: 'relation "fact_sales" does not exist: create it in schema.sql.', expected: undefined, actual: undefined },
      {
        status: 'passed',
        message: 'the plan uses an index on big: Bitmap Index Scan on big_pkey (cost …), Bitmap Index Scan on big_pkey (cost …).',
        expected: undefined,
        actual: undefined,
      },
      { status: 'passed', message: 'the plan has a HashAggregate node: HashAggregate (cost …).', expected: undefined, actual: undefined },
    ]);
  });
});

describe("explain checks on the learner's query file", () => {
  const source = `${SOURCE_SQL}
create table big (id int primary key, customer_id int, note text);
insert into big select g, g % 10, 'note ' || g from generate_series(1, 20000) g;
analyze big;
`;
  const queries = [
    '-- query: by-id',
    '-- One order, by its key.',
    'select * from big where id = 42;',
    '',
    '-- query: by-note',
    "select count(*) from big where note = 'x';",
    '',
    '-- name: broken',
    'select count(*)',
    'from big',
    'where shipped_on = 1;',
    '',
    '-- query: empty',
    '-- TODO: your query',
    '',
    '-- query: twice',
    'select 1;',
    '-- query: twice',
    'select 2;',
    '',
  ].join('\n');
  const file = { queryFile: 'queries.sql' };
  const checks = [
    { kind: 'explain', ...file, queryName: 'by-id', expect: { usesIndexOn: 'big' } },
    { kind: 'explain', ...file, queryName: 'by-note', expect: { usesIndexOn: 'big' } },
    { kind: 'explain', ...file, queryName: 'by-note', expect: { costBelow: 0.5, baseline: { query: 'select * from big' } } },
    { kind: 'explain', ...file, queryName: 'broken', expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', ...file, queryName: 'empty', expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', ...file, queryName: 'twice', expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', ...file, queryName: 'gone', expect: { noSeqScanOn: 'big' } },
    { kind: 'explain', ...file, expect: { nodeType: 'Result' } },
    { kind: 'sql', ...file, queryName: 'by-id', expect: { rows: [[42, 2, 'note 42']] } },
    { kind: 'sql', ...file, queryName: 'broken', expect: { scalar: 0 } },
    { kind: 'explain', queryFile: 'absent.sql', queryName: 'by-id', expect: { usesIndexOn: 'big' } },
  ];

  it('explains the statement the check names, or the last one, and points at it when it fails', async () => {
    const results = await run(lab(checks, SETUP), { labFiles: { 'checks/source.sql': source }, workspace: { 'queries.sql': queries } });
    const shown = results.map((result) => {
      const { status, message, expected, actual, location } = verdict(result);
      return { status, message: withoutCosts(message), ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual: withoutCosts(actual) } : {}), ...(location ? { location } : {}) };
    });
    assert.deepEqual(shown, [
      { status: 'passed', message: 'the plan uses an index on big: Index Scan using big_pkey on big (cost …).' },
      {
        status: 'failed',
        message: 'the plan does not use an index on big: it reads it with Seq Scan on big (cost …).',
        expected: 'an Index Scan, Index Only Scan or Bitmap Index Scan on big',
        actual: 'Aggregate (cost …)\n  -> Seq Scan on big (cost …)',
        location: { file: 'queries.sql', line: 6 },
      },
      {
        status: 'failed',
        message: shown[2]?.message ?? '',
        expected: shown[2]?.expected ?? '',
        actual: 'Aggregate (cost …)\n  -> Seq Scan on big (cost …)\n\nthe baseline query:\nSeq Scan on big (cost …)',
        location: { file: 'queries.sql', line: 6 },
      },
      { status: 'failed', message: 'queries.sql line 11: column "shipped_on" does not exist (PostgreSQL 42703).', location: { file: 'queries.sql', line: 11, column: 7 } },
      { status: 'failed', message: 'queries.sql has no statement under `-- query: empty` (line 13) yet.', location: { file: 'queries.sql', line: 13 } },
      { status: 'failed', message: 'queries.sql marks two queries `twice`, at lines 16 and 18.', location: { file: 'queries.sql', line: 16 } },
      { status: 'failed', message: 'queries.sql has no line `-- query: gone` (or `-- name: gone`); its queries are by-id, by-note, broken, empty, twice.', location: { file: 'queries.sql', line: 1 } },
      { status: 'passed', message: 'the plan has a Result node: Result (cost …).' },
      { status: 'passed', message: 'the query returned the 1 expected row.' },
      { status: 'failed', message: 'queries.sql line 11: column "shipped_on" does not exist (PostgreSQL 42703).', location: { file: 'queries.sql', line: 11, column: 7 } },
      { status: 'failed', message: 'absent.sql is missing from your lab folder.', location: { file: 'absent.sql', line: 1 } },
    ]);
    // The count over a sequential scan costs more than half of reading the table: the rewrite is no better.
    assert.match(shown[2]?.message ?? '', /^the plan costs \d+\.\d\d, \d+% of the baseline query \(\d+\.\d\d\); it must be below 50%\.$/);
  });
});

describe('explain checks against a baseline cost', () => {
  const source = `${SOURCE_SQL}
create table wide (id int primary key, code text, amount int);
insert into wide select g, 'c' || g, g % 100 from generate_series(1, 20000) g;
create index wide_code_idx on wide (code);
create table small (id int primary key, name text);
analyze wide;
analyze small;
`;
  const half = { costBelow: 0.5 };
  const checks = [
    { kind: 'explain', query: "select * from wide where code = 'c42'", expect: { ...half, baseline: { withoutIndexesOn: 'wide' } } },
    { kind: 'explain', query: 'select count(*) from wide where amount > 10', expect: { ...half, baseline: { withoutIndexesOn: 'public.wide' } } },
    { kind: 'explain', query: "select * from wide where code = 'c42'", expect: { ...half, baseline: { query: "select * from wide where lower(code) = 'c42'" } } },
    { kind: 'explain', query: 'select * from small where id = 1', expect: { ...half, baseline: { withoutIndexesOn: 'small' } } },
    { kind: 'explain', query: 'select 1', expect: { ...half, baseline: { withoutIndexesOn: 'nowhere' } } },
    // The dropped index came back with the rollback: the plan uses it again.
    { kind: 'explain', query: "select * from wide where code = 'c42'", expect: { usesIndexOn: 'wide' } },
  ];
  const masked = (text: string | undefined): string | undefined => text?.replace(/\d+\.\d\d/g, '#').replace(/(?<![(\d])\d+(\.\d)?% of/g, '#% of');

  it('compares the plan\'s cost with the same query without the learner\'s indexes, or with another query', async () => {
    const results = await run(lab(checks, SETUP), { labFiles: { 'checks/source.sql': source } });
    const shown = results.map((result) => {
      const { status, message, expected, actual } = verdict(result);
      return { status, message: masked(message), expected: masked(expected), actual: masked(actual) };
    });
    assert.deepEqual(shown, [
      { status: 'passed', message: 'the plan costs #, #% of the same query without public.wide_code_idx (#), below 50%.', expected: undefined, actual: undefined },
      {
        status: 'failed',
        message: 'the plan costs #, #% of the same query without public.wide_code_idx (#); it must be below 50%.',
        expected: 'a total cost below # (50% of #)',
        actual: 'Aggregate (cost #..#)\n  -> Seq Scan on wide (cost #..#)\n\nthe same query without public.wide_code_idx:\nAggregate (cost #..#)\n  -> Seq Scan on wide (cost #..#)',
      },
      { status: 'passed', message: 'the plan costs #, #% of the baseline query (#), below 50%.', expected: undefined, actual: undefined },
      { status: 'failed', message: 'small has no index besides its primary key and unique constraints: create the one this query needs.', expected: undefined, actual: undefined },
      { status: 'failed', message: 'relation "nowhere" does not exist: create it in schema.sql.', expected: undefined, actual: undefined },
      { status: 'passed', message: 'the plan uses an index on wide: Index Scan using wide_code_idx on wide (cost #..#).', expected: undefined, actual: undefined },
    ]);
    // The same plan as its baseline costs exactly 100% of it.
    assert.match(results[1]?.message ?? '', / 100% of the same query/);
  });
});
