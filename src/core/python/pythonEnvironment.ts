/**
 * The learner's Python: which interpreter a lab's checks use, and the lab's own virtual environment
 * (`<lab folder>/.venv`) with the packages of its requirements file. No vscode import: the extension
 * passes in what the settings and the Python extension say.
 *
 * Every program runs through runProcess (async spawn, its own process group): a synchronous spawn would
 * stall the extension host for the minute pip can take, and an abort must take pip's children with it.
 */
import { existsSync } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { runProcess, type ProcessResult } from '../checks/process';
import type { CheckDefinition } from '../labs/labSchema';
import { describePipFailure, installedPackages, pipProgressMessage } from './pipOutput';

export { describePipFailure, installedPackages, pipProgressMessage } from './pipOutput';

/** The oldest Python the labs support. */
export const MINIMUM_PYTHON: readonly [number, number] = [3, 9];
/** The interpreter when nothing else names one. */
export const DEFAULT_PYTHON = 'python3';
/** A lab's virtual environment, in its folder. */
export const LAB_VENV_FOLDER = '.venv';
/** Asking an interpreter its version takes well under a second; one that hangs is not usable. */
const PROBE_TIMEOUT_MS = 30_000;

function pathsOf(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `<labFolder>/.venv`. */
export function labVenvDir(labFolder: string, platform: NodeJS.Platform = process.platform): string {
  return pathsOf(platform).join(labFolder, LAB_VENV_FOLDER);
}

/** The interpreter of a virtual environment: `bin/python`, or `Scripts\python.exe` on Windows. */
export function venvPython(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.win32.join(venvDir, 'Scripts', 'python.exe') : path.posix.join(venvDir, 'bin', 'python');
}

export interface InterpreterSources {
  /** The setting dataEngLabs.python.interpreterPath, trimmed; '' when not set. */
  readonly configured: string;
  readonly labFolder: string;
  /** Whether the interpreter of the lab's .venv exists. */
  readonly labVenvExists: boolean;
  /** The interpreter selected in the Python extension, when it is installed and has one. */
  readonly pythonExtension?: string | undefined;
  readonly platform?: NodeJS.Platform;
}

/**
 * The interpreter for a lab's checks: the setting when it is set (the learner said so), else the lab's own
 * .venv (made for this lab, with its requirements), else the Python extension's selection, else python3.
 */
export function interpreterForLab(sources: InterpreterSources): string {
  const platform = sources.platform ?? process.platform;
  if (sources.configured.trim() !== '') return sources.configured.trim();
  if (sources.labVenvExists) return venvPython(labVenvDir(sources.labFolder, platform), platform);
  if (sources.pythonExtension && sources.pythonExtension.trim() !== '') return sources.pythonExtension.trim();
  return DEFAULT_PYTHON;
}

/** Whether any of these checks runs Python: a pytest check, or a command check that starts `{python}`. */
export function checksUsePython(checks: readonly CheckDefinition[]): boolean {
  return checks.some((check) => check.kind === 'pytest' || (check.kind === 'command' && check.run.includes('{python}')));
}

/**
 * interpreterForLab with the look-ups done: whether the lab's .venv has its interpreter, and the Python
 * extension's selection, asked only when neither the setting nor the .venv decides (asking activates it).
 */
export async function resolveInterpreterForLab(options: {
  readonly configured: string;
  readonly labFolder: string;
  readonly pythonExtension?: (() => Promise<string | undefined>) | undefined;
}): Promise<string> {
  const { configured, labFolder } = options;
  if (configured.trim() !== '') return interpreterForLab({ configured, labFolder, labVenvExists: false });
  const labVenvExists = await access(venvPython(labVenvDir(labFolder))).then(() => true, () => false);
  if (labVenvExists) return interpreterForLab({ configured, labFolder, labVenvExists });
  const pythonExtension = options.pythonExtension ? await options.pythonExtension() : undefined;
  return interpreterForLab({ configured, labFolder, labVenvExists, pythonExtension });
}

/** Thrown when the signal given to createLabEnvironment aborts it. */
export class PythonSetupCancelledError extends Error {
  constructor() {
    super('Setting up the Python environment was cancelled.');
    this.name = 'PythonSetupCancelledError';
  }
}

export interface CreateLabEnvironmentOptions {
  /** The interpreter the environment is made from (interpreterForLab without the lab's .venv). */
  readonly python: string;
  readonly labFolder: string;
  /** The lab's requirements file: absolute, or relative to labFolder. */
  readonly requirementsFile: string;
  /** Delete an existing .venv and make it afresh; otherwise an existing one gets the requirements installed into it. */
  readonly recreate?: boolean;
  /** A short message for each step, and for each line of pip's output worth showing. */
  readonly onProgress?: (message: string) => void;
  /** Every line the programs print, for the log. */
  readonly onOutput?: (line: string) => void;
  /** Aborting kills the program running (and its children) and rejects with PythonSetupCancelledError. */
  readonly signal?: AbortSignal;
  /** The environment of the programs; the current process's when absent. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LabEnvironment {
  readonly venvDir: string;
  /** The environment's interpreter. */
  readonly python: string;
  /** What pip installed, as it names them: ['six-1.16.0']. Empty when everything was installed already. */
  readonly installed: string[];
  readonly seconds: number;
}

interface PythonProbe {
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly hasVenv: boolean;
  readonly hasEnsurepip: boolean;
  readonly executable: string;
  /** The interpreter a virtual environment's python was made from; the executable itself otherwise. */
  readonly baseExecutable: string;
}

// Python 2 syntax too, so that a Python 2 gets the "too old" message rather than a syntax error.
const PROBE_SCRIPT = [
  'import sys',
  'def has(name):',
  '    try:',
  '        __import__(name)',
  '        return True',
  '    except Exception:',
  '        return False',
  "print('%d.%d.%d' % tuple(sys.version_info[:3]))",
  "print(has('venv'))",
  "print(has('ensurepip'))",
  'print(sys.executable)',
  "print(getattr(sys, '_base_executable', None) or sys.executable)",
].join('\n');

function describeNotFound(python: string): string {
  const where = /[\\/]/.test(python) ? `${python} does not exist` : `there is no ${python} on PATH`;
  return `Python was not found: ${where}. Install Python ${MINIMUM_PYTHON.join('.')} or newer, or set dataEngLabs.python.interpreterPath to the interpreter to use.`;
}

function debianVenvAdvice(python: string, version?: string): string {
  return `${python}${version ? ` (Python ${version})` : ''} cannot create virtual environments with pip: its ensurepip module is missing. On Debian or Ubuntu, install it with "sudo apt-get install python3-venv", then try again.`;
}

function lastLines(text: string, count: number): string {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').slice(-count).join(' ');
}

/** Stops the probe of an interpreter that hangs, as well as on the caller's abort. */
function probeSignal(signal: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  const forward = (): void => controller.abort();
  signal?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    },
  };
}

async function probePython(python: string, cwd: string, env: NodeJS.ProcessEnv | undefined, signal: AbortSignal | undefined): Promise<PythonProbe> {
  const probe = probeSignal(signal);
  let result: ProcessResult;
  try {
    result = await runProcess([python, '-c', PROBE_SCRIPT], { cwd, signal: probe.signal, ...(env ? { env } : {}) });
  } catch (error) {
    if (signal?.aborted) throw new PythonSetupCancelledError();
    throw new Error(`${python} could not be started (${error instanceof Error ? error.message : String(error)}). Set dataEngLabs.python.interpreterPath to a Python ${MINIMUM_PYTHON.join('.')} or newer.`);
  } finally {
    probe.dispose();
  }
  if (signal?.aborted) throw new PythonSetupCancelledError();
  if (result.notFound) throw new Error(describeNotFound(python));
  if (result.signal === 'SIGKILL') throw new Error(`${python} did not answer within ${PROBE_TIMEOUT_MS / 1000} seconds when asked its version. Set dataEngLabs.python.interpreterPath to a working Python ${MINIMUM_PYTHON.join('.')} or newer.`);
  const [version = '', venv, ensurepip, executable = python, baseExecutable = executable] = result.stdout.split(/\r?\n/).map((line) => line.trim());
  const parsed = /^(\d+)\.(\d+)/.exec(version);
  if (result.exitCode !== 0 || !parsed) {
    const said = lastLines(`${result.stderr}\n${result.stdout}`, 2);
    throw new Error(`${python} did not run as Python${said ? ` (${said})` : ''}. Set dataEngLabs.python.interpreterPath to a Python ${MINIMUM_PYTHON.join('.')} or newer.`);
  }
  return { version, major: Number(parsed[1]), minor: Number(parsed[2]), hasVenv: venv === 'True', hasEnsurepip: ensurepip === 'True', executable, baseExecutable };
}

/** Checks that `python` can make the lab's environment; returns the interpreter to make it with. */
async function checkPython(python: string, venvDir: string, cwd: string, env: NodeJS.ProcessEnv | undefined, signal: AbortSignal | undefined): Promise<string> {
  const probe = await probePython(python, cwd, env, signal);
  const [minMajor, minMinor] = MINIMUM_PYTHON;
  if (probe.major < minMajor || (probe.major === minMajor && probe.minor < minMinor)) {
    throw new Error(`${python} is Python ${probe.version}, and the labs need Python ${MINIMUM_PYTHON.join('.')} or newer. Install a newer Python, or set dataEngLabs.python.interpreterPath to one.`);
  }
  if (!probe.hasVenv) {
    throw new Error(`${python} (Python ${probe.version}) has no venv module, so it cannot create the lab's virtual environment. Install a Python that includes it (python.org has one), or set dataEngLabs.python.interpreterPath to one.`);
  }
  if (!probe.hasEnsurepip) throw new Error(debianVenvAdvice(python, probe.version));
  // The learner may have selected this very environment's python: it is about to be replaced, so make the new one from the Python it came from.
  const inside = (file: string): boolean => path.resolve(file).startsWith(path.resolve(venvDir) + path.sep);
  return inside(probe.executable) || (/[\\/]/.test(python) && inside(python)) ? probe.baseExecutable : python;
}

/** Runs a program, handing each line of its output to onLine as it comes; resolves when it has exited. */
async function runStreaming(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal, onLine: (line: string) => void): Promise<ProcessResult> {
  let pending = '';
  if (signal.aborted) throw new PythonSetupCancelledError();
  const result = await runProcess(argv, {
    cwd,
    env,
    signal,
    onStdout: (text) => {
      const lines = (pending + text).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
  });
  if (pending) onLine(pending);
  return result;
}

/**
 * Makes the lab's virtual environment (`<labFolder>/.venv`) from `python` and installs the lab's
 * requirements into it with pip. Checks first that `python` runs and is a Python 3.9 or newer with the venv
 * module, with an error that says what to do when not. An existing .venv is kept (the requirements are
 * installed into it) unless `recreate`. A .venv whose creation failed or was cancelled is removed; one
 * that pip failed on is kept, so that fixing a pin and running it again is quick.
 */
export async function createLabEnvironment(options: CreateLabEnvironmentOptions): Promise<LabEnvironment> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const labFolder = path.resolve(options.labFolder);
  const requirementsFile = path.resolve(labFolder, options.requirementsFile);
  const venvDir = labVenvDir(labFolder);
  const python = venvPython(venvDir);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
  const progress = options.onProgress ?? ((): void => undefined);
  const output = options.onOutput ?? ((): void => undefined);
  const stopIfCancelled = (): void => {
    if (signal.aborted) throw new PythonSetupCancelledError();
  };

  stopIfCancelled();
  if (!existsSync(requirementsFile)) throw new Error(`the requirements file ${requirementsFile} does not exist.`);
  if (options.recreate || !existsSync(python)) {
    progress(`Checking ${options.python}`);
    const creator = await checkPython(options.python, venvDir, labFolder, options.env, signal);
    stopIfCancelled();
    if (options.recreate) {
      progress(`Deleting the old ${LAB_VENV_FOLDER}`);
      await rm(venvDir, { recursive: true, force: true });
    }
    progress(`Creating the virtual environment in ${LAB_VENV_FOLDER}`);
    output(`${creator} -m venv ${venvDir}`);
    let created: ProcessResult | undefined;
    try {
      created = await runStreaming([creator, '-m', 'venv', venvDir], labFolder, env, signal, output);
    } finally {
      if (signal.aborted || created?.exitCode !== 0 || !existsSync(python)) await rm(venvDir, { recursive: true, force: true });
    }
    stopIfCancelled();
    if (created.stderr.trim()) output(created.stderr.trimEnd());
    if (created.notFound) throw new Error(describeNotFound(creator));
    if (/ensurepip is not available/.test(created.stdout + created.stderr)) throw new Error(debianVenvAdvice(creator));
    if (created.exitCode !== 0 || !existsSync(python)) {
      throw new Error(`${creator} -m venv could not create the lab's virtual environment (${lastLines(`${created.stdout}\n${created.stderr}`, 3) || `exit code ${created.exitCode}`}).`);
    }
  }

  const requirementsName = path.basename(requirementsFile);
  progress(`Installing the packages of ${requirementsName}`);
  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', requirementsFile];
  output(`${python} ${pipArgs.join(' ')}`);
  const pip = await runStreaming([python, ...pipArgs], labFolder, env, signal, (line) => {
    output(line);
    const message = pipProgressMessage(line);
    // Lines already in the pipe when the learner cancelled are not progress any more.
    if (message && !signal.aborted) progress(message);
  });
  stopIfCancelled();
  if (pip.stderr.trim()) output(pip.stderr.trimEnd());
  if (pip.notFound) throw new Error(`the lab's virtual environment has no interpreter at ${python}: set it up again and choose Recreate.`);
  if (pip.exitCode !== 0) throw new Error(describePipFailure(pip.stdout, pip.stderr, pip.exitCode, requirementsFile));
  return { venvDir, python, installed: installedPackages(pip.stdout), seconds: Math.round((Date.now() - started) / 100) / 10 };
}
