/**
 * A Python with pytest for the tests of the pytest check kind: a virtual environment made once from the
 * machine's python3 and cached across runs, keyed by the Python version, the requirement files and the
 * pytest pin.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The pytest the test environments get: the newest release on PyPI when this was written. */
export const PYTEST_VERSION = '9.2.0';

const READY_MARKER = 'delabs-ready';

class RunError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

function run(program: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, [...args], { maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const notFound = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
      reject(new RunError(notFound ? `${program} was not found` : `${program} ${args.join(' ')} failed:\n${tail}`, notFound));
    });
  });
}

function cacheDir(): string {
  if (process.env.DELABS_CACHE_DIR) return process.env.DELABS_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'data-eng-labs');
  return join(homedir(), '.cache', 'data-eng-labs');
}

function interpreterIn(venv: string): string {
  return process.platform === 'win32' ? join(venv, 'Scripts', 'python.exe') : join(venv, 'bin', 'python');
}

const made = new Map<string, Promise<string>>();

async function makeVenv(requirementsFiles: readonly string[]): Promise<string> {
  let version: string;
  try {
    version = await run('python3', ['-c', 'import sys; print(sys.version); print(sys.base_prefix)']);
  } catch (error) {
    if (error instanceof RunError && error.notFound) {
      throw new Error('python3 was not found on PATH: the pytest check tests need Python 3 (with the venv module) installed.');
    }
    throw error;
  }
  const requirements = await Promise.all(requirementsFiles.map((file) => readFile(file, 'utf8')));
  const hash = createHash('sha256')
    .update(JSON.stringify({ version, requirements: [...requirements].sort(), pytest: PYTEST_VERSION }))
    .digest('hex')
    .slice(0, 16);
  const venvs = join(cacheDir(), 'venvs');
  const target = join(venvs, hash);
  if (existsSync(join(target, READY_MARKER))) return interpreterIn(target);

  // Built beside its final place and renamed into it, so an interrupted install is never mistaken for a good one.
  await mkdir(venvs, { recursive: true });
  const building = join(venvs, `${hash}.building-${process.pid}-${Date.now()}`);
  try {
    await run('python3', ['-m', 'venv', building]);
    const requirementArgs = requirementsFiles.flatMap((file) => ['-r', file]);
    await run(interpreterIn(building), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', `pytest==${PYTEST_VERSION}`, ...requirementArgs]);
    await writeFile(join(building, READY_MARKER), `${PYTEST_VERSION}\n`);
    if (existsSync(join(target, READY_MARKER))) {
      // Another process finished first: use its environment.
      await rm(building, { recursive: true, force: true });
    } else {
      await rm(target, { recursive: true, force: true });
      await rename(building, target);
    }
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (existsSync(join(target, READY_MARKER))) return interpreterIn(target);
    throw error;
  }
  return interpreterIn(target);
}

/**
 * Returns the interpreter of a cached virtual environment with pytest PYTEST_VERSION and every package of
 * `requirementsFiles` (paths of requirements.txt files) installed. The first call for a combination creates
 * it (a minute, with the network); later calls, in this process or another, return at once. Throws with a
 * clear message when python3 is missing or pip fails.
 */
export function ensureCheckPython(requirementsFiles: string[] = []): Promise<string> {
  const key = JSON.stringify([...requirementsFiles].sort());
  let pending = made.get(key);
  if (!pending) {
    pending = makeVenv(requirementsFiles);
    made.set(key, pending);
    pending.catch(() => made.delete(key));
  }
  return pending;
}
