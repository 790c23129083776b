/** The command kind and runProcess: exit codes, output checks, {python}, cwd, a missing program, killing the process tree. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { runCommandCheck } from '../../src/core/checks/kinds/command';
import { runProcess } from '../../src/core/checks/process';
import type { CheckResult } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab, NO_SERVICES } from '../support/checkFixture';

const scratch = mkdtempSync(join(tmpdir(), 'delabs-command-kind-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function manifest(checks: unknown[]): LabManifest {
  return kindTestLab('command', checks, { scaffold: { open: ['report.py'] } });
}

const commandCheck = (id: string, run: string[], expect: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: `check ${id}`,
  kind: 'command',
  run,
  expect,
  ...extra,
});

async function run(lab: LabManifest, workDir: string, python = 'python3'): Promise<Array<Record<string, unknown>>> {
  const result = await runLabChecks({
    manifest: lab,
    labPackageDir: join(scratch, 'package'),
    workDir,
    python,
    resolver: NO_SERVICES,
    kinds: { command: runCommandCheck },
    defaultTimeoutSeconds: 20,
  });
  return result.results.map(({ id, status, message, expected, actual }: CheckResult) => ({ id, status, message, expected, actual }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const workDir = join(scratch, 'work');
mkdirSync(join(workDir, 'jobs'), { recursive: true });
writeFileSync(join(workDir, 'report.py'), "import sys\nprint('header')\nprint('total: 42')\nprint('oops', file=sys.stderr)\nsys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)\n");
writeFileSync(join(workDir, 'jobs', 'where.py'), 'import os\nprint(os.path.basename(os.getcwd()))\n');
writeFileSync(join(workDir, 'many.py'), "for i in range(1, 31):\n    print(f'line {i}')\n");

describe('command checks', () => {
  it('checks the exit code and the output, with {python} for the lab interpreter and cwd in the lab folder', async () => {
    const results = await run(
      manifest([
        commandCheck('runs', ['{python}', 'report.py'], {}),
        commandCheck('prints', ['{python}', 'report.py'], { exitCode: 0, stdoutContains: 'total: 42' }),
        commandCheck('matches-a-line', ['{python}', 'report.py'], { stdoutMatches: '^total: \\d+$' }),
        commandCheck('in-a-folder', ['{python}', 'where.py'], { stdoutContains: 'jobs' }, { cwd: 'jobs' }),
        commandCheck('exit-code', ['{python}', 'report.py', '3'], { exitCode: 0 }),
        commandCheck('exit-unchecked', ['{python}', 'report.py', '3'], { stdoutContains: 'total: 42' }),
        commandCheck('wrong-output', ['{python}', 'report.py', '2'], { stdoutContains: 'total: 43' }),
        commandCheck('no-match', ['{python}', 'many.py'], { stdoutMatches: '^line 31$' }),
        commandCheck('no-such-cwd', ['{python}', 'where.py'], {}, { cwd: 'missing' }),
      ]),
      workDir,
    );
    assert.deepEqual(results, [
      { id: 'runs', status: 'passed', message: '`python3 report.py` ended with exit code 0.', expected: undefined, actual: undefined },
      { id: 'prints', status: 'passed', message: '`python3 report.py` ended with exit code 0 and printed what was expected.', expected: undefined, actual: undefined },
      { id: 'matches-a-line', status: 'passed', message: '`python3 report.py` ended with exit code 0 and printed what was expected.', expected: undefined, actual: undefined },
      { id: 'in-a-folder', status: 'passed', message: '`python3 where.py` ended with exit code 0 and printed what was expected.', expected: undefined, actual: undefined },
      {
        id: 'exit-code',
        status: 'failed',
        message: '`python3 report.py 3` ended with exit code 3, expected exit code 0.',
        expected: 'exit code 0',
        actual: 'exit code 3\nstdout:\nheader\ntotal: 42\nstderr:\noops',
      },
      { id: 'exit-unchecked', status: 'passed', message: '`python3 report.py 3` ended with exit code 3 and printed what was expected.', expected: undefined, actual: undefined },
      {
        id: 'wrong-output',
        status: 'failed',
        message: '`python3 report.py 2` did not print "total: 43" (it ended with exit code 2).',
        expected: 'output containing "total: 43"',
        actual: 'stdout:\nheader\ntotal: 42\nstderr:\noops',
      },
      {
        id: 'no-match',
        status: 'failed',
        message: '`python3 many.py` printed nothing that matches /^line 31$/.',
        expected: 'output matching /^line 31$/',
        actual: `… (last 20 lines)\n${Array.from({ length: 20 }, (_, i) => `line ${i + 11}`).join('\n')}`,
      },
      { id: 'no-such-cwd', status: 'failed', message: 'the folder missing that `python3 where.py` runs in is not in the lab folder.', expected: 'a folder missing', actual: 'nothing there' },
    ]);
  });

  it('could not run: a program that does not exist, or a missing interpreter for {python}', async () => {
    const results = await run(
      manifest([commandCheck('no-program', ['no-such-program-delabs', '--version'], {}), commandCheck('no-python', ['{python}', 'report.py'], {})]),
      workDir,
      '/nowhere/python3',
    );
    assert.deepEqual(results, [
      {
        id: 'no-program',
        status: 'could-not-run',
        message: 'could not run: the program "no-such-program-delabs" was not found; install it, or check that it is on PATH.',
        expected: undefined,
        actual: undefined,
      },
      {
        id: 'no-python',
        status: 'could-not-run',
        message: 'could not run: Python interpreter "/nowhere/python3" was not found; set dataEngLabs.python.interpreterPath or install Python 3.',
        expected: undefined,
        actual: undefined,
      },
    ]);
  });

  it('kills the command and the processes it started when its time is up', async () => {
    const dir = join(scratch, 'slow');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'slow.py'),
      [
        'import os, subprocess, sys, time',
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])",
        "open('pids.txt', 'w').write(f'{os.getpid()} {child.pid}')",
        'time.sleep(60)',
        '',
      ].join('\n'),
    );
    const results = await run(manifest([commandCheck('slow', ['{python}', 'slow.py'], {}, { timeoutSeconds: 2 })]), dir);
    assert.deepEqual(results, [
      {
        id: 'slow',
        status: 'failed',
        message: 'did not finish within 2 s (its time limit); look for a loop that never ends or a query that waits on a lock.',
        expected: undefined,
        actual: undefined,
      },
    ]);
    assert.ok(existsSync(join(dir, 'pids.txt')));
    const pids = readFileSync(join(dir, 'pids.txt'), 'utf8').split(' ').map(Number);
    assert.equal(await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000), true, 'the script and its child are gone');
  });
});

describe('runProcess', () => {
  it('keeps the tail of long output, within the limit', async () => {
    const result = await runProcess(['python3', '-c', "import sys; sys.stdout.write('a' * 5000 + 'END')"], {
      cwd: scratch,
      signal: new AbortController().signal,
      maxOutputBytes: 100,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, `${'a'.repeat(97)}END`);
  });

  it('does not cut a UTF-8 character in half when it cuts the output', async () => {
    const result = await runProcess(['python3', '-c', "import sys; sys.stdout.buffer.write(('é' * 100).encode())"], {
      cwd: scratch,
      signal: new AbortController().signal,
      maxOutputBytes: 51,
    });
    assert.equal(result.stdout, 'é'.repeat(25));
  });

  it('streams stdout as it comes, and reports a missing program as notFound', async () => {
    const chunks: string[] = [];
    const result = await runProcess(['python3', '-c', "print('one'); print('two')"], { cwd: scratch, signal: new AbortController().signal, onStdout: (text) => chunks.push(text) });
    assert.equal(chunks.join(''), 'one\ntwo\n');
    assert.equal(result.stdout, 'one\ntwo\n');
    assert.deepEqual(await runProcess(['no-such-program-delabs'], { cwd: scratch, signal: new AbortController().signal }), {
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      notFound: true,
    });
  });

  it('kills the whole process group on abort', async () => {
    const controller = new AbortController();
    const pidFile = join(scratch, 'group-pids.txt');
    const running = runProcess(
      ['python3', '-c', `import os, subprocess, sys, time\nc = subprocess.Popen(['sleep', '60'])\nopen(${JSON.stringify(pidFile)}, 'w').write(f'{os.getpid()} {c.pid}')\ntime.sleep(60)`],
      { cwd: scratch, signal: controller.signal },
    );
    assert.equal(await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes(' '), 5000), true);
    controller.abort();
    const result = await running;
    assert.equal(result.signal, 'SIGKILL');
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    assert.equal(await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000), true);
  });
});
