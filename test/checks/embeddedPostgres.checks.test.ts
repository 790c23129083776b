/**
 * The embedded PostgreSQL (PGlite over the wire protocol): real clients connect to it (pg and psql), it
 * keeps its data in its folder, says when its port is taken, and lab 07's checks run on it both ways.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { runCli } from '../../src/cli/main';
import { startEmbeddedPostgres } from '../../src/core/services/embeddedPostgres';
import { scratchFolders } from '../support/checkFixture';
import { REPO_ROOT } from '../support/labFixture';

const scratch = scratchFolders('delabs-embedded-');
const execFileAsync = promisify(execFile);

async function query(port: number, sql: string): Promise<unknown[][]> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'shop' });
  await client.connect();
  try {
    return (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
  } finally {
    await client.end();
  }
}

function psql(): string | undefined {
  for (const candidate of ['psql', '/usr/bin/psql']) {
    if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  return undefined;
}

describe('the embedded PostgreSQL', () => {
  it('answers the pg driver and psql as a PostgreSQL 18 server, two clients at once', async () => {
    const server = await startEmbeddedPostgres();
    after(() => server.stop());
    assert.match(String((await query(server.port, 'select version()'))[0]?.[0]), /^PostgreSQL 18\.\d+ \(PGlite/);

    const first = new Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'shop' });
    const second = new Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'shop' });
    await Promise.all([first.connect(), second.connect()]);
    await first.query('create table orders (id int primary key, total numeric(10,2))');
    await second.query("insert into orders values (1, 12.5), (2, 7)");
    assert.deepEqual((await first.query({ text: 'select id, total from orders order by id', rowMode: 'array' })).rows, [[1, '12.50'], [2, '7.00']]);
    await Promise.all([first.end(), second.end()]);

    const program = psql();
    assert.ok(program, 'psql is installed with Debian\'s postgresql package');
    // Asynchronously: the server runs in this process, so a blocking spawn would starve it.
    const result = await execFileAsync(program, ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', '-d', 'shop', '-At', '-c', 'select count(*), sum(total) from orders'], {
      encoding: 'utf8',
      env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
    });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '2|19.50\n');
  });

  it('keeps its data in its folder across a restart', async () => {
    const dataDir = join(scratch.folder(), 'pgdata');
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.port, "create table kept (note text); insert into kept values ('still here')");
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir });
    try {
      assert.deepEqual(await query(second.port, 'select note from kept'), [['still here']]);
    } finally {
      await second.stop();
    }
  });

  it('names the port when another program holds it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await assert.rejects(startEmbeddedPostgres({ port }), { message: `the embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is in use by another program.` });
    } finally {
      blocker.close();
    }
  });
});

describe('data-eng-labs check --embedded', () => {
  const cli = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await runCli(args, { out: (text) => (out += text), err: (text) => (err += text) });
    return { code, out, err };
  };
  const labFolder = (overlay?: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'delabs-embedded-lab07-'));
    const lab = join(REPO_ROOT, 'labs', '07-analytics-star-schema');
    cpSync(join(lab, 'starter'), dir, { recursive: true });
    if (overlay) cpSync(join(lab, overlay), dir, { recursive: true });
    return dir;
  };

  it('runs lab 07 with no Docker: its starter fails, its solution passes', async () => {
    const starter = await cli(['check', '7', '--embedded', '--json', '--dir', labFolder()]);
    assert.equal(starter.code, 1, starter.err);
    const starterResults = (JSON.parse(starter.out) as { results: Array<{ status: string }> }).results;
    assert.deepEqual([...new Set(starterResults.map((result) => result.status))], ['failed']);

    const solution = await cli(['check', '7', '--embedded', '--json', '--dir', labFolder('solution')]);
    assert.equal(solution.code, 0, solution.out);
    const results = (JSON.parse(solution.out) as { results: Array<{ id: string; status: string }> }).results;
    assert.equal(results.length, 15);
    assert.deepEqual(results.filter((result) => result.status !== 'passed'), []);
  });
});
