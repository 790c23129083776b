/**
 * The command kind: run a program in the learner's lab folder and check its exit code and what it prints.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runProcess } from '../process';
import { CouldNotRunError, outcome, type KindRunner } from '../types';

/** How many of the last lines of output a failure shows. */
const TAIL_LINES = 20;

function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const kept = all.slice(-lines).join('\n');
  return all.length > lines ? `… (last ${lines} lines)\n${kept}` : kept;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** What the program printed, for a failure's actual: stdout, then stderr, each labelled when both are there. */
function printed(stdout: string, stderr: string): string {
  const out = tail(stdout);
  const err = tail(stderr);
  if (out && err) return `stdout:\n${out}\nstderr:\n${err}`;
  if (err) return `nothing on stdout; stderr:\n${err}`;
  return out || '(nothing)';
}

/**
 * Runs a command check. `run` is the program and its arguments, started without a shell; an argument that
 * is exactly `{python}` is replaced by the lab's Python interpreter (context.python). The command runs in
 * `cwd` (relative to the lab folder, default the lab folder itself). Expectations: `exitCode` is checked
 * when given (with no expectation at all, the command must exit with 0), `stdoutContains` is a text the
 * output must contain, `stdoutMatches` a JavaScript regular expression (multiline: ^ and $ match at line
 * ends) it must match. A program that does not exist is could-not-run.
 */
export const runCommandCheck: KindRunner<'command'> = async (check, context) => {
  const argv = check.run.map((arg) => (arg === '{python}' ? context.python : arg));
  const shown = argv.map(shellQuote).join(' ');
  const cwd = resolve(context.workDir, check.cwd ?? '.');
  let matcher: RegExp | undefined;
  if (check.expect.stdoutMatches !== undefined) {
    try {
      matcher = new RegExp(check.expect.stdoutMatches, 'm');
    } catch (error) {
      throw new CouldNotRunError(`the check's stdoutMatches is not a valid regular expression (${(error as Error).message}); this is a bug in the lab.`);
    }
  }

  if (!(await isFolder(cwd))) {
    return outcome.failed(`the folder ${check.cwd ?? '.'} that \`${shown}\` runs in is not in the lab folder.`, { expected: `a folder ${check.cwd ?? '.'}`, actual: 'nothing there' });
  }

  const result = await runProcess(argv, { cwd, signal: context.signal });
  if (result.notFound) {
    if (check.run[0] === '{python}') throw new CouldNotRunError(`Python interpreter "${context.python}" was not found; set dataEngLabs.python.interpreterPath or install Python 3.`);
    throw new CouldNotRunError(`the program "${argv[0] ?? ''}" was not found; install it, or check that it is on PATH.`);
  }
  const stdout = result.stdout.replace(/\r\n/g, '\n');
  const ended = result.exitCode !== null ? `exit code ${result.exitCode}` : `killed by ${result.signal ?? 'a signal'}`;

  const { exitCode, stdoutContains } = check.expect;
  const wantedExit = exitCode ?? (stdoutContains === undefined && matcher === undefined ? 0 : undefined);
  if (wantedExit !== undefined && result.exitCode !== wantedExit) {
    return outcome.failed(`\`${shown}\` ended with ${ended}, expected exit code ${wantedExit}.`, {
      expected: `exit code ${wantedExit}`,
      actual: `${ended}\n${printed(result.stdout, result.stderr)}`,
    });
  }
  const exitNote = result.exitCode === 0 ? '' : ` (it ended with ${ended})`;
  if (stdoutContains !== undefined && !stdout.includes(stdoutContains)) {
    return outcome.failed(`\`${shown}\` did not print ${JSON.stringify(stdoutContains)}${exitNote}.`, {
      expected: `output containing ${JSON.stringify(stdoutContains)}`,
      actual: printed(result.stdout, result.stderr),
    });
  }
  if (matcher && !matcher.test(stdout)) {
    return outcome.failed(`\`${shown}\` printed nothing that matches /${matcher.source}/${exitNote}.`, {
      expected: `output matching /${matcher.source}/`,
      actual: printed(result.stdout, result.stderr),
    });
  }
  return outcome.passed(`\`${shown}\` ended with ${ended}${stdoutContains !== undefined || matcher ? ' and printed what was expected' : ''}.`);
};
