/**
 * The pytest kind against a real pytest (a cached virtual environment): verdicts, messages, locations,
 * time limits, collection errors, a missing pytest or interpreter, and lab 01 itself.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { runPytestCheck } from '../../src/core/checks/kinds/pytest';
import type { CheckResult } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab, NO_SERVICES, realLab } from '../support/checkFixture';
import { ensureCheckPython } from '../support/nativePython';
import { endpointFromUrl } from '../../src/core/checks/resolver';
import type { ServiceResolver } from '../../src/core/checks/types';
import { startNativePostgres, type NativePostgres } from '../support/nativePostgres';
import { Client } from 'pg';

const scratch = mkdtempSync(join(tmpdir(), 'delabs-pytest-kind-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function write(dir: string, files: Readonly<Record<string, string>>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

let counter = 0;
function folder(files: Readonly<Record<string, string>>): string {
  counter += 1;
  const dir = join(scratch, `d${counter}`);
  mkdirSync(dir);
  return write(dir, files);
}

function manifest(checks: unknown[], extra: Record<string, unknown> = {}): LabManifest {
  return kindTestLab('pytest', checks, { scaffold: { open: ['board.py'] }, ...extra });
}

const pytestCheck = (id: string, test: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: `check ${id}`,
  kind: 'pytest',
  file: 'checks/test_board.py',
  test,
  ...extra,
});

async function run(lab: LabManifest, labPackageDir: string, workDir: string, python: string, defaultTimeoutSeconds = 20): Promise<CheckResult[]> {
  const result = await runLabChecks({
    manifest: lab,
    labPackageDir,
    workDir,
    python,
    resolver: NO_SERVICES,
    kinds: { pytest: runPytestCheck },
    defaultTimeoutSeconds,
  });
  return [...result.results];
}

function verdicts(results: readonly CheckResult[]): Array<Record<string, unknown>> {
  return results.map(({ id, status, message, expected, actual, location }) => ({ id, status, message, expected, actual, location }));
}

/** Every line of the hidden test files worth hiding: none may appear in a message, expected or actual. */
function assertNoHiddenSource(results: readonly CheckResult[], labPackageDir: string): void {
  const checksDir = join(labPackageDir, 'checks');
  const hiddenLines = readdirSync(checksDir)
    .filter((name) => name.endsWith('.py'))
    .flatMap((name) => readFileSync(join(checksDir, name), 'utf8').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length >= 8);
  for (const result of results) {
    for (const text of [result.message, result.expected ?? '', result.actual ?? '']) {
      for (const line of hiddenLines) assert.ok(!text.includes(line), `${result.id} quotes the hidden test: ${line}`);
    }
  }
}

const HIDDEN_TESTS = `import pytest
from board import top, spin, boom, checked_top

SECRET_EXPECTED_ROWS = ['ann', 'bob', 'cid']


def test_pass():
    assert top(1) == ['ann']


def test_fail_with_message():
    expected = SECRET_EXPECTED_ROWS
    assert top(3) == expected, f"top(3) should be {expected}"


def test_fail_plain():
    assert top(2) == ['ann', 'zed']


def test_loop():
    spin()


def test_after_loop():
    assert top(0) == []


def test_learner_error():
    boom({'name': 'ann'})


def test_learner_assert():
    checked_top(-1)


@pytest.mark.parametrize('n', [1, 2])
def test_param(n):
    assert len(top(n)) == n


class TestBoard:
    def test_len(self):
        assert len(top(5)) == 3
`;

const IMPORT_TESTS = `from board import not_there


def test_x():
    assert not_there() == 1
`;

const LEARNER = `def top(n):
    return ['ann', 'bob', 'dan'][:n]


def spin():
    n = 0
    while n >= 0: n += 1


def boom(row):
    return row['score']


def checked_top(n):
    assert n >= 0, f"n must not be negative, got {n}"
    return top(n)
`;

describe('pytest checks', () => {
  let python = '';
  before(async () => {
    python = await ensureCheckPython();
  });

  it('runs every pytest check in one session: passes, assertion failures, errors in the learner code, loops, missing tests', async () => {
    const labDir = folder({ 'checks/test_board.py': HIDDEN_TESTS, 'checks/test_import.py': IMPORT_TESTS });
    const workDir = folder({ 'board.py': LEARNER });
    const lab = manifest([
      pytestCheck('passes', 'test_pass'),
      pytestCheck('fails-with-message', 'test_fail_with_message'),
      pytestCheck('fails-plain', 'test_fail_plain'),
      pytestCheck('loops', 'test_loop', { timeoutSeconds: 3 }),
      pytestCheck('after-loop', 'test_after_loop'),
      pytestCheck('learner-error', 'test_learner_error'),
      pytestCheck('learner-assert', 'test_learner_assert'),
      pytestCheck('parametrized', 'test_param'),
      pytestCheck('in-a-class', 'TestBoard::test_len'),
      pytestCheck('no-such-test', 'test_nope'),
      pytestCheck('import-error', 'test_x', { file: 'checks/test_import.py' }),
    ]);
    const results = await run(lab, labDir, workDir, python);
    assert.deepEqual(verdicts(results), [
      { id: 'passes', status: 'passed', message: 'test_pass passed.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'fails-with-message',
        status: 'failed',
        message: "top(3) should be ['ann', 'bob', 'cid']",
        expected: "['ann', 'bob', 'cid']",
        actual: "['ann', 'bob', 'dan']",
        location: undefined,
      },
      {
        id: 'fails-plain',
        status: 'failed',
        message: "assert ['ann', 'bob'] == ['ann', 'zed']\nAt index 1 diff: 'bob' != 'zed'",
        expected: "['ann', 'zed']",
        actual: "['ann', 'bob']",
        location: undefined,
      },
      {
        id: 'loops',
        status: 'failed',
        message: 'did not finish within 3 s (its time limit); look for a loop that never ends. It was at board.py line 7 when it was stopped.',
        expected: undefined,
        actual: undefined,
        location: { file: 'board.py', line: 7 },
      },
      { id: 'after-loop', status: 'passed', message: 'test_after_loop passed.', expected: undefined, actual: undefined, location: undefined },
      { id: 'learner-error', status: 'failed', message: "KeyError: 'score'", expected: undefined, actual: undefined, location: { file: 'board.py', line: 11 } },
      {
        id: 'learner-assert',
        status: 'failed',
        message: 'n must not be negative, got -1',
        expected: undefined,
        actual: undefined,
        location: { file: 'board.py', line: 15 },
      },
      { id: 'parametrized', status: 'passed', message: 'test_param passed.', expected: undefined, actual: undefined, location: undefined },
      { id: 'in-a-class', status: 'passed', message: 'TestBoard::test_len passed.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'no-such-test',
        status: 'could-not-run',
        message: "could not run: the lab's test test_nope was not found in checks/test_board.py; this is a bug in the lab.",
        expected: undefined,
        actual: undefined,
        location: undefined,
      },
      {
        id: 'import-error',
        status: 'failed',
        message: "ImportError: cannot import name 'not_there' from 'board' (board.py)",
        expected: undefined,
        actual: undefined,
        location: undefined,
      },
    ]);
    assertNoHiddenSource(results, labDir);
    // pytest ran from the learner's folder without leaving anything behind.
    assert.deepEqual(readdirSync(workDir), ['board.py']);
  });

  it('fails every check with the file and line when the learner module does not compile', async () => {
    const labDir = folder({ 'checks/test_board.py': HIDDEN_TESTS, 'checks/test_import.py': IMPORT_TESTS });
    const workDir = folder({ 'board.py': 'def top(n)\n    return []\n' });
    const lab = manifest([pytestCheck('passes', 'test_pass'), pytestCheck('import-error', 'test_x', { file: 'checks/test_import.py' })]);
    const results = await run(lab, labDir, workDir, python);
    const syntaxError = { status: 'failed', message: "board.py line 1: SyntaxError: expected ':'", expected: undefined, actual: undefined, location: { file: 'board.py', line: 1 } };
    assert.deepEqual(verdicts(results), [
      { id: 'passes', ...syntaxError },
      { id: 'import-error', ...syntaxError },
    ]);
    assertNoHiddenSource(results, labDir);
  });

  it('kills a test that ignores the stop, and still runs the tests after it (also after Python exits mid-test)', async () => {
    const labDir = folder({
      'checks/test_board.py': `import board


def test_stubborn():
    board.stubborn()


def test_exits():
    board.leave()


def test_pass():
    assert board.ok()
`,
    });
    const workDir = folder({
      'board.py': `import os
import time


def stubborn():
    with open('pid.txt', 'w') as out:
        out.write(str(os.getpid()))
    while True:
        try:
            time.sleep(0.05)
        except BaseException:
            pass


def leave():
    os._exit(3)


def ok():
    return True
`,
    });
    const lab = manifest([pytestCheck('stubborn', 'test_stubborn', { timeoutSeconds: 2 }), pytestCheck('exits', 'test_exits'), pytestCheck('after', 'test_pass')]);
    const results = await run(lab, labDir, workDir, python);
    assert.deepEqual(verdicts(results), [
      {
        id: 'stubborn',
        status: 'failed',
        message: 'did not finish within 2 s (its time limit); look for a loop that never ends or a query that waits on a lock.',
        expected: undefined,
        actual: undefined,
        location: undefined,
      },
      {
        id: 'exits',
        status: 'failed',
        message: 'the Python process exited with code 3 during this test; does your code call os._exit() or crash the interpreter?',
        expected: undefined,
        actual: undefined,
        location: undefined,
      },
      { id: 'after', status: 'passed', message: 'test_pass passed.', expected: undefined, actual: undefined, location: undefined },
    ]);
    const pid = Number(readFileSync(join(workDir, 'pid.txt'), 'utf8'));
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the stubborn pytest process is gone');
  });

  it('stops pytest and removes its temporary folder when the run is cancelled', async () => {
    const labDir = folder({ 'checks/test_board.py': 'import board\n\n\ndef test_wait():\n    board.wait()\n' });
    const workDir = folder({
      'board.py': `import os
import time


def wait():
    with open('run.txt', 'w') as out:
        out.write(f"{os.getpid()}\\n{os.environ['DELABS_PYTEST_CONFIG']}")
    time.sleep(60)
`,
    });
    const controller = new AbortController();
    const running = runLabChecks({
      manifest: manifest([pytestCheck('waits', 'test_wait'), pytestCheck('never', 'test_wait')]),
      labPackageDir: labDir,
      workDir,
      python,
      resolver: NO_SERVICES,
      kinds: { pytest: runPytestCheck },
      defaultTimeoutSeconds: 30,
      signal: controller.signal,
    });
    const runFile = join(workDir, 'run.txt');
    for (let tries = 0; tries < 200 && !(existsSync(runFile) && readFileSync(runFile, 'utf8').includes('\n')); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const results = (await running).results;
    assert.deepEqual(
      results.map(({ status, message }) => ({ status, message })),
      [
        { status: 'could-not-run', message: 'could not run: the run was cancelled.' },
        { status: 'could-not-run', message: 'could not run: the run was cancelled.' },
      ],
    );
    const [pid, configFile] = readFileSync(runFile, 'utf8').split('\n');
    assert.throws(() => process.kill(Number(pid), 0), /ESRCH/, 'pytest is gone');
    assert.equal(existsSync(dirname(dirname(configFile as string))), false, 'the copy of the hidden tests is gone');
  });

  it('could not run: pytest is not installed, with the command that installs it and the lab requirements', async () => {
    const venv = join(scratch, 'no-pytest');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const bare = join(venv, 'bin', 'python');
    const labDir = folder({ 'checks/test_board.py': HIDDEN_TESTS });
    const workDir = folder({ 'board.py': LEARNER, 'requirements.txt': 'pytest==9.2.0\n' });
    const withRequirements = manifest([pytestCheck('passes', 'test_pass'), pytestCheck('fails', 'test_fail_plain')], { python: { requirements: 'requirements.txt' } });
    const message = `could not run: pytest is not installed for ${bare}; run ${bare} -m pip install pytest (or ${bare} -m pip install -r requirements.txt in the lab folder, for everything the lab needs).`;
    assert.deepEqual(
      (await run(withRequirements, labDir, workDir, bare)).map(({ status, message }) => ({ status, message })),
      [
        { status: 'could-not-run', message },
        { status: 'could-not-run', message },
      ],
    );
    const without = manifest([pytestCheck('passes', 'test_pass')]);
    assert.deepEqual(
      (await run(without, labDir, workDir, bare)).map(({ status, message }) => ({ status, message })),
      [{ status: 'could-not-run', message: `could not run: pytest is not installed for ${bare}; run ${bare} -m pip install pytest.` }],
    );
  });

  it('could not run: the interpreter does not exist', async () => {
    const labDir = folder({ 'checks/test_board.py': HIDDEN_TESTS });
    const workDir = folder({ 'board.py': LEARNER });
    const results = await run(manifest([pytestCheck('passes', 'test_pass')]), labDir, workDir, join(scratch, 'no-such-python3'));
    assert.deepEqual(
      results.map(({ status, message }) => ({ status, message })),
      [
        {
          status: 'could-not-run',
          message: `could not run: Python interpreter "${join(scratch, 'no-such-python3')}" was not found; set dataEngLabs.python.interpreterPath or install Python 3.`,
        },
      ],
    );
  });
});

describe('lab 01 (heap-ranking) pytest checks', () => {
  const { manifest: lab, dir: labDir } = realLab('01-heap-ranking');
  let python = '';
  before(async () => {
    python = await ensureCheckPython([join(labDir, 'starter', lab.python?.requirements ?? 'requirements.txt')]);
  });

  function workspace(layers: readonly string[]): string {
    counter += 1;
    const dir = join(scratch, `lab01-${counter}`);
    for (const layer of layers) cpSync(join(labDir, layer), dir, { recursive: true });
    return dir;
  }

  it('fails some checks of the starter and none could not run', async () => {
    const workDir = workspace(['starter']);
    const results = await run(lab, labDir, workDir, python, 120);
    assert.equal(results.length, lab.checks.length);
    assert.deepEqual(results.filter((result) => result.status === 'could-not-run').map((result) => `${result.id}: ${result.message}`), []);
    assert.ok(results.some((result) => result.status === 'failed'));
    assert.equal(results.find((result) => result.id === 'best-score-kept')?.message, "two players submitted, but len(lb) is 0");
    assertNoHiddenSource(results, labDir);
    assert.ok(!existsSync(join(workDir, '__pycache__')));
  });

  it('passes every check with the solution laid over the starter', async () => {
    const workDir = workspace(['starter', 'solution']);
    const results = await run(lab, labDir, workDir, python, 120);
    assert.deepEqual(
      results.filter((result) => result.status !== 'passed').map((result) => `${result.id}: ${result.status}: ${result.message}`),
      [],
    );
    assert.equal(results.length, lab.checks.length);
  });
});

describe("pytest checks and the lab's services", () => {
  let python = '';
  let postgres: NativePostgres;
  before(async () => {
    python = await ensureCheckPython();
    postgres = await startNativePostgres();
    const admin = new Client({ connectionString: postgres.url('postgres') });
    await admin.connect();
    await admin.query('create database shop');
    await admin.end();
  });
  after(async () => {
    await postgres?.stop();
  });

  const SERVICE_TESTS = `import os
import socket
from urllib.parse import urlparse

def test_reads_the_url():
    url = urlparse(os.environ["DELABS_SERVICE_WAREHOUSE_URL"])
    assert (url.scheme, url.username, url.password, url.path) == ("postgresql", "lab", "lab", "/shop")
    socket.create_connection((url.hostname, url.port), timeout=5).close()
`;
  const lab = manifest([pytestCheck('reads-url', 'test_reads_the_url', { file: 'checks/test_services.py', services: ['warehouse'] })], {
    services: [{ name: 'warehouse', kind: 'postgres', database: 'shop' }],
  });
  const resolverTo = (url: string): ServiceResolver => ({ resolve: async (_manifest, service) => endpointFromUrl(service, url, 'the test') });

  it('hands every service to the hidden tests as DELABS_SERVICE_<NAME>_URL', async () => {
    const labDir = folder({ 'checks/test_services.py': SERVICE_TESTS });
    const results = await runLabChecks({ manifest: lab, labPackageDir: labDir, workDir: folder({ 'board.py': '' }), python, resolver: resolverTo(postgres.url('shop')), kinds: { pytest: runPytestCheck }, defaultTimeoutSeconds: 30 });
    assert.deepEqual(results.results.map((result) => [result.id, result.status, result.message]), [['reads-url', 'passed', 'test_reads_the_url passed.']]);
  });

  it('could not run when a service the test needs does not answer', async () => {
    const labDir = folder({ 'checks/test_services.py': SERVICE_TESTS });
    const results = await runLabChecks({ manifest: lab, labPackageDir: labDir, workDir: folder({ 'board.py': '' }), python, resolver: resolverTo('postgresql://lab:lab@127.0.0.1:1/shop'), kinds: { pytest: runPytestCheck }, defaultTimeoutSeconds: 30 });
    assert.equal(results.results[0]?.status, 'could-not-run');
    assert.match(results.results[0]?.message ?? '', /^could not run: .*127\.0\.0\.1:1/);
  });
});
