import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/main';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

function sqlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'delabs-cli-')), 'query.sql');
  writeFileSync(file, text);
  return file;
}

describe('data-eng-labs CLI', () => {
  it('prints the version from package.json', async () => {
    const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
    assert.deepEqual(await run(['--version']), { code: 0, out: `${version}\n`, err: '' });
  });

  it('prints usage and exits 2 with no command', async () => {
    const result = await run([]);
    assert.equal(result.code, 2);
    assert.match(result.out, /^Usage: data-eng-labs <command> \[options\]/);
  });

  it('rejects an unknown command by name', async () => {
    const result = await run(['frobnicate']);
    assert.equal(result.code, 2);
    assert.match(result.err, /^data-eng-labs: unknown command "frobnicate"\./);
  });

  it('formats a SQL file to standard output', async () => {
    const file = sqlFile('select id from users where active;\n');
    assert.deepEqual(await run(['format', file]), { code: 0, out: 'SELECT\n  id\nFROM\n  users\nWHERE\n  active;\n', err: '' });
  });

  it('rewrites the file with --write, and --check then passes', async () => {
    const file = sqlFile('select id from users;\n');
    assert.equal((await run(['format', file, '--write', '--keyword-case', 'lower', '--tab-width', '4'])).code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'select\n    id\nfrom\n    users;\n');
    assert.deepEqual(await run(['format', file, '--check', '--keyword-case', 'lower', '--tab-width', '4']), { code: 0, out: '', err: '' });
  });

  it('fails --check on an unformatted file, naming it', async () => {
    const file = sqlFile('select 1;\n');
    assert.deepEqual(await run(['format', file, '--check']), { code: 1, out: '', err: `${file} is not formatted.\n` });
  });

  it('explains a missing file and bad options without a stack trace', async () => {
    assert.deepEqual(await run(['format', '/nonexistent/q.sql']), { code: 2, out: '', err: 'data-eng-labs format: cannot read /nonexistent/q.sql: ENOENT\n' });
    assert.deepEqual(await run(['format', sqlFile('select 1;'), '--keyword-case', 'shout']), {
      code: 2,
      out: '',
      err: 'data-eng-labs format: --keyword-case must be upper, lower or preserve, not "shout".\n',
    });
  });
});
