/**
 * A lab's virtual environment made for real: the machine's python3 (with Debian's python3-venv), pip
 * against PyPI, a pin that does not exist, an interpreter that does not exist, and a cancelled install.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLabEnvironment, PythonSetupCancelledError, venvPython } from '../../src/core/python/pythonEnvironment';
import { scratchFolders } from '../support/checkFixture';

const scratch = scratchFolders('delabs-python-env-');
/** Making a virtual environment and installing from PyPI takes seconds; a slow mirror, a minute. */
const NETWORK_TEST = { timeout: 180_000 };

/** The command lines of the running processes that mention `text` (zombies have none, so they never match). */
function processesMentioning(text: string): string[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('createLabEnvironment with a real Python and pip', () => {
  it("makes the lab's .venv and installs its requirements, reporting pip's progress", NETWORK_TEST, async () => {
    const labFolder = scratch.folder({ 'requirements.txt': 'six==1.16.0\n' });
    const progress: string[] = [];
    const environment = await createLabEnvironment({ python: 'python3', labFolder, requirementsFile: 'requirements.txt', onProgress: (message) => progress.push(message) });

    assert.equal(environment.venvDir, join(labFolder, '.venv'));
    assert.equal(environment.python, join(labFolder, '.venv', 'bin', 'python'));
    assert.deepEqual(environment.installed, ['six-1.16.0']);
    assert.ok(environment.seconds > 0);
    assert.deepEqual(progress.slice(0, 3), ['Checking python3', 'Creating the virtual environment in .venv', 'Installing the packages of requirements.txt']);
    assert.ok(progress.includes('Collecting six==1.16.0'), progress.join('\n'));
    assert.equal(progress.at(-1), 'Installed six-1.16.0');
    const version = execFileSync(venvPython(environment.venvDir), ['-c', 'import six; print(six.__version__)'], { encoding: 'utf8' });
    assert.equal(version, '1.16.0\n');
  });

  it('recreates the .venv when asked, even from the interpreter inside it (the one the Python extension selects after setup)', NETWORK_TEST, async () => {
    const labFolder = scratch.folder({ 'requirements.txt': 'six==1.16.0\n' });
    const first = await createLabEnvironment({ python: 'python3', labFolder, requirementsFile: 'requirements.txt' });
    writeFileSync(join(first.venvDir, 'left-over.txt'), 'from the old environment');
    const again = await createLabEnvironment({ python: first.python, labFolder, requirementsFile: 'requirements.txt', recreate: true });
    assert.deepEqual(again.installed, ['six-1.16.0']);
    assert.equal(existsSync(join(again.venvDir, 'left-over.txt')), false);
    // Without recreate, an existing .venv only gets what it lacks.
    const reused = await createLabEnvironment({ python: 'python3', labFolder, requirementsFile: 'requirements.txt' });
    assert.deepEqual(reused.installed, []);
  });

  it('names the pin pip could not find, and keeps the .venv for the next try', NETWORK_TEST, async () => {
    const labFolder = scratch.folder({ 'requirements.txt': 'pytest==99.0\n' });
    await assert.rejects(createLabEnvironment({ python: 'python3', labFolder, requirementsFile: 'requirements.txt' }), (error: Error) => {
      assert.ok(error.message.startsWith('pip could not install pytest==99.0 from requirements.txt. pip said: '), error.message);
      assert.ok(error.message.includes('"ERROR: No matching distribution found for pytest==99.0"'), error.message);
      return true;
    });
    assert.ok(existsSync(venvPython(join(labFolder, '.venv'))));
  });

  it('says what to do when the interpreter does not exist, and makes nothing', async () => {
    const labFolder = scratch.folder({ 'requirements.txt': 'six==1.16.0\n' });
    await assert.rejects(createLabEnvironment({ python: '/nonexistent/bin/python3', labFolder, requirementsFile: 'requirements.txt' }), {
      message: 'Python was not found: /nonexistent/bin/python3 does not exist. Install Python 3.9 or newer, or set dataEngLabs.python.interpreterPath to the interpreter to use.',
    });
    assert.equal(existsSync(join(labFolder, '.venv')), false);
  });

  it('says what to do with a Python too old, and with a Debian Python without python3-venv', { skip: process.platform === 'win32' && 'a shell script stands in for Python' }, async () => {
    // Stand-ins that answer the version probe as such interpreters do: version, venv, ensurepip, executable, base executable.
    const fakes = scratch.folder({
      'python38': '#!/bin/sh\nprintf "3.8.10\\nTrue\\nTrue\\n/usr/bin/python3.8\\n/usr/bin/python3.8\\n"\n',
      'debian-python': '#!/bin/sh\nprintf "3.11.2\\nTrue\\nFalse\\n/usr/bin/python3\\n/usr/bin/python3\\n"\n',
    });
    execFileSync('chmod', ['+x', join(fakes, 'python38'), join(fakes, 'debian-python')]);
    const labFolder = scratch.folder({ 'requirements.txt': 'six==1.16.0\n' });
    await assert.rejects(createLabEnvironment({ python: join(fakes, 'python38'), labFolder, requirementsFile: 'requirements.txt' }), {
      message: `${join(fakes, 'python38')} is Python 3.8.10, and the labs need Python 3.9 or newer. Install a newer Python, or set dataEngLabs.python.interpreterPath to one.`,
    });
    await assert.rejects(createLabEnvironment({ python: join(fakes, 'debian-python'), labFolder, requirementsFile: 'requirements.txt' }), {
      message: `${join(fakes, 'debian-python')} (Python 3.11.2) cannot create virtual environments with pip: its ensurepip module is missing. On Debian or Ubuntu, install it with "sudo apt-get install python3-venv", then try again.`,
    });
    assert.equal(existsSync(join(labFolder, '.venv')), false);
  });

  it('stops pip when cancelled, leaving no pip running', NETWORK_TEST, async () => {
    const labFolder = scratch.folder({ 'requirements.txt': 'six==1.16.0\npytest==9.2.0\n' });
    const controller = new AbortController();
    const progress: string[] = [];
    const setup = createLabEnvironment({
      python: 'python3',
      labFolder,
      requirementsFile: 'requirements.txt',
      signal: controller.signal,
      onProgress: (message) => {
        progress.push(message);
        // pip's first line of its own: pip is running now.
        if (message.startsWith('Collecting ')) controller.abort();
      },
    });
    await assert.rejects(setup, (error: Error) => {
      assert.ok(error instanceof PythonSetupCancelledError);
      assert.equal(error.message, 'Setting up the Python environment was cancelled.');
      return true;
    });
    assert.ok(progress.includes('Installing the packages of requirements.txt'), progress.join('\n'));
    assert.equal(progress.filter((message) => message.startsWith('Collecting ')).length, 1, 'pip was stopped at its first package');
    assert.deepEqual(processesMentioning(labFolder), []);
    // The environment itself was made before pip started, so it stays.
    assert.ok(existsSync(venvPython(join(labFolder, '.venv'))));
  });
});
