/** `data-eng-labs check`: finds the lab and the learner's folder, prints the verdicts, records them, exits 0 only when all pass. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../src/cli/main';
import { makeLabsRoot, tempDir, writeFiles } from '../../support/labFixture';

const LAB_YAML = `schemaVersion: 1
id: notes-lab
number: 3
level: 1
title: Notes lab
summary: A lab whose checks read files only, for the command-line tests.
skills: [writing]
estimatedMinutes: 10
languages: [markdown]
prerequisites: []
services: []
scaffold:
  open: [notes.md]
checks:
  - id: has-notes
    title: notes.md exists
    kind: file
    path: notes.md
    expect: { exists: true }
  - id: names-the-key
    title: notes.md names the primary key
    kind: file
    path: notes.md
    expect: { contains: [primary key] }
    hint: Say which column is the primary key.
`;

const FILES = {
  'README.md': '# Notes lab\n',
  'starter/notes.md': '# Notes\n\nTODO\n',
  'solution/notes.md': '# Notes\n\nThe primary key is id.\n',
  'checks/.keep': '',
};

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  return runCli(args, { out: (text) => (out += text), err: (text) => (err += text) }).then((code) => ({ code, out, err }));
}

describe('data-eng-labs check', () => {
  const labs = makeLabsRoot([{ folder: '03-notes-lab', yaml: LAB_YAML, files: FILES }]);

  it('fails on the starter with the message, expected, actual, location and hint, and exits 1', async () => {
    const workspace = tempDir();
    writeFiles(join(workspace, 'labs', '03-notes-lab'), { 'notes.md': '# Notes\n\nTODO\n' });
    const result = await cli(['check', '3', '--labs', labs, '--workspace', workspace]);
    assert.equal(result.code, 1);
    assert.equal(result.err, '');
    const lines = result.out.replace(/\(\d+\.\d s\)/g, '(T s)').replace(/in \d+\.\d s/, 'in T s').split('\n');
    assert.equal(lines[0], `Lab 03 Notes lab (${join(workspace, 'labs', '03-notes-lab')})`);
    assert.equal(lines[2], '✔ has-notes: notes.md exists (T s)');
    assert.equal(lines[3], '✖ names-the-key: notes.md names the primary key (T s)');
    assert.ok(lines.includes('    hint: Say which column is the primary key.'), result.out);
    assert.equal(lines.at(-2), '1 passed, 1 failed in T s');
  });

  it('passes on the solution, exits 0, prints JSON with --json and records the run in the progress file', async () => {
    const workspace = tempDir();
    writeFiles(join(workspace, 'my-labs', 'notes'), { 'notes.md': '# Notes\n\nThe primary key is id.\n' });
    mkdirSync(join(workspace, '.delabs'));
    const progress = { version: 1, labs: { 'notes-lab': { folder: 'my-labs/notes', contentVersion: 'v1', openedAt: '2026-11-26T00:00:00.000Z', scaffolded: {} } } };
    writeFileSync(join(workspace, '.delabs', 'progress.json'), JSON.stringify(progress));
    const result = await cli(['check', 'notes-lab', '--json', '--labs', labs, '--workspace', workspace]);
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as { lab: string; folder: string; results: Array<{ id: string; status: string }> };
    assert.equal(json.lab, 'notes-lab');
    assert.equal(json.folder, join(workspace, 'my-labs', 'notes'));
    assert.deepEqual(json.results.map((entry) => [entry.id, entry.status]), [['has-notes', 'passed'], ['names-the-key', 'passed']]);
    const recorded = JSON.parse(readFileSync(join(workspace, '.delabs', 'progress.json'), 'utf8')) as { labs: Record<string, { checks: Record<string, { outcome: string }>; passed?: unknown }> };
    assert.deepEqual(Object.fromEntries(Object.entries(recorded.labs['notes-lab']?.checks ?? {}).map(([id, record]) => [id, record.outcome])), { 'has-notes': 'passed', 'names-the-key': 'passed' });
    assert.ok(recorded.labs['notes-lab']?.passed);
  });

  it('says what is wrong with the arguments, with exit code 2', async () => {
    assert.deepEqual(await cli(['check', '--labs', labs]).then((result) => [result.code, result.err.split('\n')[0]]), [2, 'data-eng-labs check: name a lab, e.g. data-eng-labs check 7.']);
    assert.deepEqual(await cli(['check', '42', '--labs', labs]).then((result) => [result.code, result.err]), [
      2,
      `data-eng-labs check: no lab "42" in ${labs}. Labs are named by number, id or folder, e.g. 7, analytics-star-schema or 07-analytics-star-schema.\n`,
    ]);
    const workspace = tempDir();
    assert.deepEqual(await cli(['check', '3', '--labs', labs, '--workspace', workspace]).then((result) => [result.code, result.err]), [
      2,
      `data-eng-labs check: the lab folder ${join(workspace, 'labs', '03-notes-lab')} does not exist. Open the lab in VS Code (Data Labs: Open Lab...) or pass --dir <folder>.\n`,
    ]);
    assert.deepEqual(await cli(['check', '3', '--labs', labs, '--only', 'nope', '--dir', workspace]).then((result) => [result.code, result.err]), [
      2,
      'data-eng-labs check: lab 03-notes-lab has no check nope; its checks are has-notes, names-the-key.\n',
    ]);
    assert.deepEqual(await cli(['check', '3', '--timeout']).then((result) => [result.code, result.err]), [2, 'data-eng-labs check: --timeout needs a value.\n']);
  });
});
