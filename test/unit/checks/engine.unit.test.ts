/** The engine's promises, with kinds that are plain functions: time limits, polling, could-not-run, setup, clean-up. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLabChecks, type KindRegistry, type RunOptions, type SetupRunner } from '../../../src/core/checks/engine';
import { CouldNotRunError, type CheckContext, type CheckResult } from '../../../src/core/checks/types';
import { labSchema, type LabManifest } from '../../../src/core/labs/labSchema';

function manifest(checks: unknown[], extra: Record<string, unknown> = {}): LabManifest {
  return labSchema.parse({
    schemaVersion: 1,
    id: 'engine-lab',
    number: 1,
    level: 1,
    title: 'Engine lab',
    summary: 'A lab for the engine tests.',
    skills: ['testing'],
    estimatedMinutes: 10,
    languages: ['python'],
    prerequisites: [],
    services: [{ name: 'postgres', kind: 'postgres', database: 'engine' }],
    scaffold: { open: ['main.py'] },
    checks,
    ...extra,
  });
}

const fileCheck = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, title: `check ${id}`, kind: 'file', path: 'x.txt', expect: { exists: true }, ...extra });
const sqlCheck = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, title: `check ${id}`, kind: 'sql', service: 'postgres', query: 'select 1', expect: { scalar: 1 }, ...extra });

function run(lab: LabManifest, kinds: KindRegistry, extra: Partial<RunOptions> = {}): Promise<CheckResult[]> {
  return runLabChecks({
    manifest: lab,
    labPackageDir: '/nowhere/package',
    workDir: '/nowhere/work',
    python: 'python3',
    resolver: { resolve: () => Promise.reject(new CouldNotRunError('no services in these tests')) },
    kinds,
    defaultTimeoutSeconds: 5,
    defaultPollMs: 20,
    ...extra,
  }).then((result) => [...result.results]);
}

describe('check engine', () => {
  it('reports each check in manifest order, with the hint only on failure', async () => {
    const lab = manifest([fileCheck('a', { hint: 'hint a' }), fileCheck('b', { hint: 'hint b' })]);
    const results = await run(lab, {
      file: async (check) => (check.id === 'a' ? { status: 'passed', message: 'fine' } : { status: 'failed', message: 'x.txt is missing', expected: 'a file', actual: 'nothing' }),
    });
    assert.deepEqual(
      results.map(({ id, status, message, hint, expected, actual, attempts }) => ({ id, status, message, hint, expected, actual, attempts })),
      [
        { id: 'a', status: 'passed', message: 'fine', hint: undefined, expected: undefined, actual: undefined, attempts: 1 },
        { id: 'b', status: 'failed', message: 'x.txt is missing', hint: 'hint b', expected: 'a file', actual: 'nothing', attempts: 1 },
      ],
    );
  });

  it('fails a check that outlives its time limit and aborts its work', async () => {
    let aborted = false;
    const lab = manifest([fileCheck('slow', { timeoutSeconds: 1 })]);
    const results = await run(lab, {
      file: (_check, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ status: 'passed', message: 'too late' });
          });
        }),
    });
    assert.equal(results[0]?.status, 'failed');
    assert.equal(results[0]?.message, 'did not finish within 1 s (its time limit); look for a loop that never ends or a query that waits on a lock.');
    assert.equal(aborted, true);
  });

  it('says "could not run" with what to do when a kind throws CouldNotRunError, and names other errors too', async () => {
    const lab = manifest([fileCheck('a'), fileCheck('b')]);
    const results = await run(lab, {
      file: async (check) => {
        if (check.id === 'a') throw new CouldNotRunError('Python interpreter "python9" was not found; set dataEngLabs.python.interpreterPath.');
        throw new Error('EACCES: permission denied');
      },
    });
    assert.deepEqual(
      results.map((result) => [result.status, result.message]),
      [
        ['could-not-run', 'could not run: Python interpreter "python9" was not found; set dataEngLabs.python.interpreterPath.'],
        ['could-not-run', 'could not run: EACCES: permission denied'],
      ],
    );
  });

  it('says a kind it does not know could not run', async () => {
    const results = await run(manifest([fileCheck('a')]), {});
    assert.deepEqual([results[0]?.status, results[0]?.message], ['could-not-run', 'could not run: this version of Data Engineering Labs cannot run file checks yet; update the extension.']);
  });

  it('polls an eventually check until it holds', async () => {
    let tries = 0;
    const lab = manifest([fileCheck('settles', { eventually: true, pollSeconds: 0.1, timeoutSeconds: 10 })]);
    const results = await run(lab, {
      file: async () => {
        tries += 1;
        return tries < 3 ? { status: 'failed', message: `rows: ${tries * 10}`, actual: String(tries * 10) } : { status: 'passed', message: 'rows: 10000' };
      },
    });
    assert.deepEqual([results[0]?.status, results[0]?.message, results[0]?.attempts], ['passed', 'rows: 10000', 3]);
  });

  it('reports the last value seen when an eventually check never holds', async () => {
    let tries = 0;
    const lab = manifest([fileCheck('never', { eventually: true, pollSeconds: 0.2, timeoutSeconds: 1 })]);
    const results = await run(lab, {
      file: async () => {
        tries += 1;
        return { status: 'failed', message: `the table has ${tries * 100} rows, not 10000`, expected: '10000', actual: String(tries * 100) };
      },
    });
    const result = results[0];
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, tries);
    assert.ok(tries >= 3 && tries <= 6, `tried ${tries} times in 1 s at 0.2 s intervals`);
    assert.equal(result?.message, `still not true after 1 s (${tries} tries): the table has ${tries * 100} rows, not 10000`);
    assert.equal(result?.actual, String(tries * 100));
  });

  it('does not retry an eventually check that could not run', async () => {
    let tries = 0;
    const lab = manifest([fileCheck('down', { eventually: true, pollSeconds: 0.1, timeoutSeconds: 5 })]);
    const results = await run(lab, {
      file: async () => {
        tries += 1;
        throw new CouldNotRunError('the service is down');
      },
    });
    assert.deepEqual([results[0]?.status, tries], ['could-not-run', 1]);
  });

  it('runs a service\'s setup once, before its first check, and gives its verdict to every check on that service', async () => {
    const calls: string[] = [];
    const lab = manifest([sqlCheck('one'), fileCheck('two'), sqlCheck('three')], {
      checkSetup: [{ service: 'postgres', resetDatabase: true, sql: ['workspace:schema.sql'] }],
    });
    const setup: SetupRunner = async () => {
      calls.push('setup');
      return { status: 'failed', message: 'schema.sql line 3: syntax error at or near "tabel"', location: { file: 'schema.sql', line: 3 } };
    };
    const results = await run(lab, { sql: async () => (calls.push('sql'), { status: 'passed', message: 'ok' }), file: async () => (calls.push('file'), { status: 'passed', message: 'ok' }) }, { setup });
    assert.deepEqual(calls, ['setup', 'file']);
    assert.deepEqual(
      results.map((result) => [result.id, result.status, result.location?.line]),
      [
        ['one', 'failed', 3],
        ['two', 'passed', undefined],
        ['three', 'failed', 3],
      ],
    );
  });

  it('runs the setup of the services a pytest check names before it, even when it is the first or the only check', async () => {
    const calls: string[] = [];
    const pytestCheck = (id: string, services?: string[]): Record<string, unknown> => ({ id, title: `check ${id}`, kind: 'pytest', file: 'checks/test_x.py', test: 'test_x', ...(services ? { services } : {}) });
    const lab = manifest([pytestCheck('report', ['postgres']), pytestCheck('pure'), sqlCheck('rows')], {
      checkSetup: [{ service: 'postgres', resetDatabase: true, sql: ['workspace:schema.sql'] }],
    });
    const setup: SetupRunner = async (entry) => (calls.push(`setup ${entry.service}`), undefined);
    const kinds: KindRegistry = {
      pytest: async (check) => (calls.push(check.id), { status: 'passed', message: 'ok' }),
      sql: async (check) => (calls.push(check.id), { status: 'passed', message: 'ok' }),
    };
    const results = await run(lab, kinds, { setup });
    assert.deepEqual(calls, ['setup postgres', 'report', 'pure', 'rows']);
    assert.deepEqual(results.map((result) => result.status), ['passed', 'passed', 'passed']);
  });

  it('shares memoised work within a run, makes it fresh for the next run, and disposes it at the end', async () => {
    let made = 0;
    let disposed = 0;
    const lab = manifest([fileCheck('a'), fileCheck('b')]);
    const kinds: KindRegistry = {
      file: async (_check, context: CheckContext) => {
        await context.memo('session', async () => {
          made += 1;
          context.onDispose(() => {
            disposed += 1;
          });
          return made;
        });
        return { status: 'passed', message: 'ok' };
      },
    };
    await run(lab, kinds);
    await run(lab, kinds);
    assert.deepEqual([made, disposed], [2, 2]);
  });

  it('runs only the checks asked for, and stops when cancelled', async () => {
    const lab = manifest([fileCheck('a'), fileCheck('b'), fileCheck('c')]);
    const only = await run(lab, { file: async () => ({ status: 'passed', message: 'ok' }) }, { only: ['b'] });
    assert.deepEqual(only.map((result) => result.id), ['b']);

    const controller = new AbortController();
    const cancelled = await run(
      lab,
      {
        file: async (check) => {
          if (check.id === 'a') controller.abort();
          return { status: 'passed', message: 'ok' };
        },
      },
      { signal: controller.signal },
    );
    assert.deepEqual(
      cancelled.map((result) => [result.id, result.status]),
      [
        ['a', 'could-not-run'],
        ['b', 'could-not-run'],
        ['c', 'could-not-run'],
      ],
    );
    assert.equal(cancelled[1]?.message, 'could not run: the run was cancelled.');
  });
});
