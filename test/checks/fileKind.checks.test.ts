/** The file kind: exists, parses (JSON, YAML, CSV with line and column), contains, matches; and lab 05's pattern. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { findCsvProblem, findJsonProblem, findYamlProblem, runFileCheck } from '../../src/core/checks/kinds/file';
import type { CheckResult } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab, NO_SERVICES, realLab, scratchFolders } from '../support/checkFixture';
import { layered } from '../support/labLayers';

const scratchRoot = scratchFolders('delabs-file-kind-');
const scratch = scratchRoot.root;
const workDir = (files: Readonly<Record<string, string>>): string => scratchRoot.folder(files);

function manifest(checks: unknown[]): LabManifest {
  return kindTestLab('file', checks, { languages: ['yaml'], scaffold: { open: ['config.json'] } });
}

const fileCheck = (id: string, path: string, expect: Record<string, unknown>): Record<string, unknown> => ({ id, title: `check ${id}`, kind: 'file', path, expect });

async function run(lab: LabManifest, dir: string): Promise<Array<Record<string, unknown>>> {
  const result = await runLabChecks({
    manifest: lab,
    labPackageDir: join(scratch, 'package'),
    workDir: dir,
    python: 'python3',
    resolver: NO_SERVICES,
    kinds: { file: runFileCheck },
    defaultTimeoutSeconds: 10,
  });
  return result.results.map(({ id, status, message, expected, actual, location }: CheckResult) => ({ id, status, message, expected, actual, location }));
}

describe('file checks', () => {
  it('checks that a file exists, is not a folder, or is absent', async () => {
    const dir = workDir({ 'out/report.txt': 'done\n', 'leftover.tmp': '' });
    const results = await run(
      manifest([
        fileCheck('there', 'out/report.txt', { exists: true }),
        fileCheck('implicit', 'out/report.txt', {}),
        fileCheck('missing', 'out/summary.txt', { exists: true }),
        fileCheck('folder', 'out', { contains: ['x'] }),
        fileCheck('absent', 'debug.log', { exists: false }),
        fileCheck('not-absent', 'leftover.tmp', { exists: false }),
      ]),
      dir,
    );
    assert.deepEqual(results, [
      { id: 'there', status: 'passed', message: 'out/report.txt is there.', expected: undefined, actual: undefined, location: undefined },
      { id: 'implicit', status: 'passed', message: 'out/report.txt is there.', expected: undefined, actual: undefined, location: undefined },
      { id: 'missing', status: 'failed', message: 'out/summary.txt is not in the lab folder.', expected: 'a file out/summary.txt', actual: 'no such file', location: undefined },
      { id: 'folder', status: 'failed', message: 'out is a folder, not a file.', expected: 'a file out', actual: 'a folder', location: undefined },
      { id: 'absent', status: 'passed', message: 'debug.log is not there, as expected.', expected: undefined, actual: undefined, location: undefined },
      { id: 'not-absent', status: 'failed', message: 'leftover.tmp should not exist, but it does.', expected: 'no leftover.tmp', actual: 'a file leftover.tmp', location: undefined },
    ]);
  });

  it('reports JSON, YAML and CSV errors with their line and column', async () => {
    const dir = workDir({
      'good.json': '{"name": "orders", "partitions": [1, 2, 3]}\n',
      'bad.json': '{\n  "name": "orders",\n  "partitions": [1, 2, 3],\n}\n',
      'good.yaml': 'a: 1\n---\nb: [2, 3]\n',
      'bad.yaml': 'jobs:\n  load: daily\n    extract: hourly\n',
      'good.csv': 'id,comment\r\n1,"fine, thanks"\r\n2,"she said ""hi"""\r\n3,"two\r\nlines"\r\n',
      'bad.csv': 'id,name,city\n1,ann,Leeds\n2,bob\n3,cid,York\n',
    });
    const results = await run(
      manifest([
        fileCheck('json-ok', 'good.json', { parses: 'json' }),
        fileCheck('json-bad', 'bad.json', { parses: 'json' }),
        fileCheck('yaml-ok', 'good.yaml', { parses: 'yaml' }),
        fileCheck('yaml-bad', 'bad.yaml', { parses: 'yaml' }),
        fileCheck('csv-ok', 'good.csv', { parses: 'csv' }),
        fileCheck('csv-bad', 'bad.csv', { parses: 'csv' }),
      ]),
      dir,
    );
    assert.deepEqual(results, [
      { id: 'json-ok', status: 'passed', message: 'good.json is there and parses as JSON.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'json-bad',
        status: 'failed',
        message: "bad.json is not valid JSON: line 4, column 1: expected a property name in double quotes, found '}'.",
        expected: 'valid JSON',
        actual: "line 4, column 1: expected a property name in double quotes, found '}'",
        location: { file: 'bad.json', line: 4, column: 1 },
      },
      { id: 'yaml-ok', status: 'passed', message: 'good.yaml is there and parses as YAML.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'yaml-bad',
        status: 'failed',
        message: 'bad.yaml is not valid YAML: line 2, column 9: Nested mappings are not allowed in compact mappings.',
        expected: 'valid YAML',
        actual: 'line 2, column 9: Nested mappings are not allowed in compact mappings',
        location: { file: 'bad.yaml', line: 2, column: 9 },
      },
      { id: 'csv-ok', status: 'passed', message: 'good.csv is there and parses as CSV.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'csv-bad',
        status: 'failed',
        message: 'bad.csv is not valid CSV: line 3: this record has 2 fields, but the first has 3.',
        expected: 'valid CSV',
        actual: 'line 3: this record has 2 fields, but the first has 3',
        location: { file: 'bad.csv', line: 3 },
      },
    ]);
  });

  it('lists the missing texts, and applies a pattern exactly as new RegExp(pattern) does', async () => {
    const dir = workDir({ 'notes.md': '# Notes\norder_id -> order_date\n' });
    const results = await run(
      manifest([
        fileCheck('contains-ok', 'notes.md', { contains: ['# Notes', 'order_id ->'] }),
        fileCheck('contains-missing', 'notes.md', { contains: ['# Notes', 'line_no', 'author_name ->'] }),
        fileCheck('matches-ok', 'notes.md', { matches: '^# Notes(?=[\\s\\S]*order_id)' }),
        // Without the m flag, ^ is the start of the file: the second line does not count.
        fileCheck('no-multiline', 'notes.md', { matches: '^order_id' }),
        fileCheck('bad-pattern', 'notes.md', { matches: '(unclosed' }),
      ]),
      dir,
    );
    assert.deepEqual(results, [
      { id: 'contains-ok', status: 'passed', message: 'notes.md is there and has every text.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'contains-missing',
        status: 'failed',
        message: 'notes.md does not contain "line_no", "author_name ->".',
        expected: '"# Notes"\n"line_no"\n"author_name ->"',
        actual: '"# Notes"',
        location: { file: 'notes.md', line: 1 },
      },
      { id: 'matches-ok', status: 'passed', message: 'notes.md is there and matches.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'no-multiline',
        status: 'failed',
        message: 'notes.md does not match the pattern the check looks for.',
        expected: 'text matching /^order_id/',
        actual: 'no match',
        location: { file: 'notes.md', line: 1 },
      },
      {
        id: 'bad-pattern',
        status: 'could-not-run',
        message: "could not run: the check's pattern is not a valid regular expression (Invalid regular expression: /(unclosed/: Unterminated group); this is a bug in the lab.",
        expected: undefined,
        actual: undefined,
        location: undefined,
      },
    ]);
  });

  it("holds lab 05's functional-dependencies check: the solution passes, the starter and a wrong answer fail", async () => {
    const { manifest: lab, dir: labDir } = realLab('05-normalization-er');
    const check = lab.checks.find((candidate) => candidate.id === 'functional-dependencies');
    assert.ok(check?.kind === 'file');
    const only = { ...lab, checks: [check] };
    const statusWith = async (layers: readonly string[]): Promise<unknown> => {
      const dir = workDir({});
      return (await run(only, layered(labDir, layers, dir))).map(({ status }) => status);
    };
    assert.deepEqual(await statusWith(['starter', 'solution']), ['passed']);
    assert.deepEqual(await statusWith(['starter']), ['failed']);
    assert.deepEqual(await statusWith(['starter', 'solution', 'wrong/isbn-determines-price']), ['failed']);
  });
});

describe('JSON, YAML and CSV problems', () => {
  it('finds the first JSON error where JSON.parse fails, and none where it succeeds', () => {
    const cases: Array<[string, string | undefined]> = [
      ['{"a": [1, 2.5e3, -0, true, false, null, "x\\u00e9\\n"], "b": {}}', undefined],
      ['\uFEFF{"a": 1}', undefined],
      ['  [ ]  \n', undefined],
      ['', '1:1 the file ends where a value should be'],
      ['{"a": 1,}', "1:9 expected a property name in double quotes, found '}'"],
      ["{'a': 1}", '1:2 expected a property name in double quotes, found a single quote'],
      ["['a']", '1:2 a single quote does not start a value (JSON strings take double quotes)'],
      ['{"a" 1}', "1:6 expected ':' after the property name, found '1'"],
      ['{"a": 1 "b": 2}', "1:9 expected ',' or '}' after the property value, found '\"'"],
      ['[1, 2', "1:6 expected ',' or ']' after the array element, found the end of the file"],
      ['[1,]', "1:4 ']' does not start a value"],
      ['{"a": "x\ny"}', '1:9 a string runs past the end of its line: close the quote, or write \\n for a line break'],
      ['"abc', '1:1 a string is never closed'],
      ['"\\x"', "1:2 'x' cannot follow a backslash in a string"],
      ['"\\u12"', '1:2 a \\u escape needs four hex digits'],
      ['{"a": 1} x', "1:10 unexpected 'x' after the end of the JSON value"],
      ['01', "1:2 unexpected '1' after the end of the JSON value"],
      ['{"a":tru}', "1:6 't' does not start a value"],
      ['{\n  "a": NaN\n}', "2:8 'N' does not start a value"],
    ];
    for (const [text, want] of cases) {
      const problem = findJsonProblem(text);
      assert.equal(problem ? `${problem.line}:${problem.column} ${problem.reason}` : undefined, want, text);
      let parses = true;
      try {
        JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        parses = false;
      }
      assert.equal(problem === undefined, parses, `agrees with JSON.parse on ${text}`);
    }
  });

  it('finds YAML errors in any document of a stream', () => {
    assert.equal(findYamlProblem(''), undefined);
    assert.equal(findYamlProblem('a: 1\n---\nb: 2\n'), undefined);
    assert.deepEqual(findYamlProblem('a: 1\n---\nb: 1\nb: 2\n'), { line: 4, column: 1, reason: 'Map keys must be unique' });
    assert.deepEqual(findYamlProblem('a:\n\t- b\n'), { line: 2, column: 1, reason: 'Tabs are not allowed as indentation' });
  });

  it('checks CSV by RFC 4180: quotes, doubled quotes, line breaks in fields, one field count', () => {
    assert.equal(findCsvProblem(''), undefined);
    assert.equal(findCsvProblem('a,b\n1,2'), undefined);
    assert.equal(findCsvProblem('a,b\n1,2\n\n\n'), undefined, 'empty lines at the end');
    assert.equal(findCsvProblem('a\n\nb\n'), undefined, 'an empty field in a one-column file');
    assert.equal(findCsvProblem('a,b\n"multi\nline",2\n"",""\n'), undefined);
    assert.deepEqual(findCsvProblem('a,b\n1,2,3\n'), { line: 2, reason: 'this record has 3 fields, but the first has 2' });
    assert.deepEqual(findCsvProblem('a,b\n"x\ny",2\n1\n'), { line: 4, reason: 'this record has 1 field, but the first has 2' });
    assert.deepEqual(findCsvProblem('a,b\n\n1,2\n'), { line: 2, reason: 'an empty line in the middle of the file; every record needs 2 fields' });
    assert.deepEqual(findCsvProblem('a,b\n1"x,2\n'), {
      line: 2,
      column: 2,
      reason: 'a quote inside an unquoted field: put the field in double quotes and double the quote ("")',
    });
    assert.deepEqual(findCsvProblem('a,b\n"x"y,2\n'), {
      line: 2,
      column: 4,
      reason: 'text after the closing quote of a field: a quote inside a quoted field must be doubled ("")',
    });
    assert.deepEqual(findCsvProblem('a,b\n1,2\n"open,2\n3,4\n'), { line: 3, column: 1, reason: 'a quoted field is never closed' });
  });
});
