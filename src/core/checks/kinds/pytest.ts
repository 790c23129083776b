/**
 * The pytest kind: each check is one test of a hidden test file, run against the learner's code.
 *
 * All the pytest checks of a run share one pytest session, started by the first of them. The hidden
 * `checks/` folder is copied to a temporary folder and pytest runs there, with the learner's lab folder
 * as the working directory and first on PYTHONPATH. A small plugin, written next to the copy, streams each
 * test's result as it finishes, so a check is decided as soon as its own test is, and stops a test that
 * outlives its check's time limit (SIGALRM; on Windows only the session's deadline applies), so one endless
 * loop fails one check and the others still run. The session as a whole has a deadline too (the pytest
 * checks' time limits added up, plus time to start); when it is killed, the tests without a result fail
 * with "did not finish". One check's time running out never stops the session; the end of the run does.
 *
 * The learner never sees the hidden test source: messages come from the exception text only, with the
 * lines pytest's assertion rewriting copies from the test (`+  where ...`) and any line quoting a hidden
 * file dropped.
 */
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { listFiles } from '../../labs/contentVersion';
import { runProcess, type ProcessResult } from '../process';
import { closeClient, connectPostgres } from '../postgres/connection';
import { serviceEnvVar } from '../serviceEnv';
import { CouldNotRunError, outcome, type CheckContext, type CheckOf, type KindOutcome, type KindRunner, type ServiceEndpoint, type SourceLocation } from '../types';

type PytestCheck = CheckOf<'pytest'>;

const PLUGIN_MODULE = '_delabs_pytest_plugin';
const MARK = '\u001e@delabs ';
/** Added to the session's deadline for starting Python, importing pytest and collecting. */
const STARTUP_ALLOWANCE_MS = 10_000;
/** At most this many lines of an exception message reach the learner. */
const MAX_MESSAGE_LINES = 8;
/** Longer expected and actual values, and message lines, are cut. */
const MAX_VALUE_CHARS = 1000;
/** The longest line of pytest output kept while waiting for its end. */
const MAX_PENDING_CHARS = 8 * 1024 * 1024;
/** How long past its time limit a test may run before its process is killed (the plugin asks it to stop first). */
const WATCHDOG_GRACE_MS = 2000;

/**
 * The plugin (see the module comment). Configured by the JSON file named in DELABS_PYTEST_CONFIG:
 * {"limits": {"<node id>": seconds}}; tests not listed are deselected.
 */
const PLUGIN_SOURCE = String.raw`"""Data Engineering Labs: streams each test's result as it finishes and stops tests that outlive their time.

Written to a temporary folder for one check run and loaded with -p. DELABS_PYTEST_CONFIG names a JSON
file: {"limits": {"<node id>": seconds}}. Only those tests run (the cases of a parametrized test share
its time); the others are deselected.
"""

import json
import os
import signal
import time

import pytest

_MARK = "\x1e@delabs "
with open(os.environ["DELABS_PYTEST_CONFIG"], encoding="utf-8") as _file:
    _LIMITS = {str(key): float(value) for key, value in json.load(_file)["limits"].items()}
# A copy of the real stdout, taken before pytest starts capturing fd 1.
_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8", errors="replace")
_reports = {}
_used = {}
_timed_out = set()
_running = [None]
_CAN_ALARM = hasattr(signal, "setitimer")


class DidNotFinish(BaseException):
    """Raised inside a test that outlived its time limit."""


def _emit(event):
    _OUT.write(_MARK + json.dumps(event) + "\n")
    _OUT.flush()


def _key(nodeid):
    base = nodeid.split("[", 1)[0]
    return base if base in _LIMITS else None


def _crash(report):
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message[:65536]
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])[:65536]
    return str(longrepr)[:65536]


def _text(report):
    return (report.longreprtext if report.longrepr is not None else "")[:65536]


def _on_alarm(signum, frame):
    if _running[0] is not None:
        _timed_out.add(_running[0])
    raise DidNotFinish("the test did not finish within its time limit")


def _arm(item, minimum):
    key = _key(item.nodeid)
    _running[0] = item.nodeid
    if not _CAN_ALARM or key is None:
        return None
    left = max(_LIMITS[key] - _used.get(key, 0.0), minimum)
    signal.signal(signal.SIGALRM, _on_alarm)
    # Fires again every second in case the code under test swallows the first one.
    signal.setitimer(signal.ITIMER_REAL, left, 1.0)
    return time.monotonic()


def _disarm(item, started):
    if started is None:
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    key = _key(item.nodeid)
    _used[key] = _used.get(key, 0.0) + time.monotonic() - started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    started = _arm(item, 0.001)
    try:
        yield
    finally:
        _disarm(item, started)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    started = _arm(item, 0.001)
    try:
        yield
    finally:
        _disarm(item, started)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    started = _arm(item, 1.0)
    try:
        yield
    finally:
        _disarm(item, started)


def pytest_collection_modifyitems(session, config, items):
    keep = [item for item in items if _key(item.nodeid) is not None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if _key(item.nodeid) is None])
        items[:] = keep
    _emit({"event": "collected", "items": [item.nodeid for item in keep]})


def pytest_collectreport(report):
    if report.failed:
        _emit({"event": "collect-error", "nodeid": report.nodeid, "message": _crash(report), "text": _text(report)})


def pytest_runtest_logstart(nodeid, location):
    _emit({"event": "start", "nodeid": nodeid})


def pytest_runtest_logreport(report):
    _reports.setdefault(report.nodeid, []).append(report)


def pytest_runtest_logfinish(nodeid, location):
    event = {"event": "result", "nodeid": nodeid, "outcome": "passed", "timeout": nodeid in _timed_out}
    for report in _reports.pop(nodeid, []):
        if report.failed:
            event.update(outcome="failed" if report.when == "call" else "error", when=report.when,
                         message=_crash(report), text=_text(report))
            break
        if report.skipped and event["outcome"] == "passed":
            event.update(outcome="skipped", message=_crash(report))
    _running[0] = None
    _emit(event)


def pytest_sessionfinish(session, exitstatus):
    _emit({"event": "finished", "exitstatus": int(exitstatus)})
`;

interface TestResult {
  readonly nodeid: string;
  readonly outcome: 'passed' | 'failed' | 'error' | 'skipped';
  readonly timeout: boolean;
  readonly when: string;
  readonly message: string;
  readonly text: string;
}

interface CollectError {
  readonly nodeid: string;
  readonly message: string;
  readonly text: string;
}

type PluginEvent =
  | { readonly event: 'collected'; readonly items: readonly string[] }
  | ({ readonly event: 'collect-error' } & CollectError)
  | { readonly event: 'start'; readonly nodeid: string }
  | ({ readonly event: 'result' } & TestResult)
  | { readonly event: 'finished' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** One line of the plugin's stream, checked: anything else is ignored. */
function parseEvent(json: string): PluginEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  switch (event.event) {
    case 'collected':
      return Array.isArray(event.items) ? { event: 'collected', items: event.items.filter((item): item is string => typeof item === 'string') } : undefined;
    case 'collect-error':
      return { event: 'collect-error', nodeid: text(event.nodeid), message: text(event.message), text: text(event.text) };
    case 'start':
      return { event: 'start', nodeid: text(event.nodeid) };
    case 'result': {
      const result = event.outcome;
      if (result !== 'passed' && result !== 'failed' && result !== 'error' && result !== 'skipped') return undefined;
      return { event: 'result', nodeid: text(event.nodeid), outcome: result, timeout: event.timeout === true, when: text(event.when), message: text(event.message), text: text(event.text) };
    }
    case 'finished':
      return { event: 'finished' };
    default:
      return undefined;
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms / 1000));
}

function quoteIfNeeded(program: string): string {
  return /\s/.test(program) ? `"${program}"` : program;
}

/**
 * A check's time limit. The context has only the calling check's limit, not the run's default: a check that
 * sets none gets the caller's (exactly the default when the caller sets none either).
 */
function limitOf(check: PytestCheck, context: CheckContext): number {
  return check.timeoutSeconds !== undefined ? check.timeoutSeconds * 1000 : context.timeoutMs;
}

/**
 * The test's own limit inside pytest: a little under the check's, so that the plugin's "did not finish",
 * with where the code was, arrives before the engine gives up on the check.
 */
function alarmOf(limitMs: number): number {
  return limitMs - Math.min(Math.max(1000, limitMs * 0.1), limitMs * 0.5);
}

/** Where the learner's code is: the lab folder, and its real path when the folder is reached through a link. */
interface LearnerRoots {
  readonly workDir: string;
  readonly realWorkDir: string;
}

/** `path` (absolute, or relative to the working directory) as a learner file, or undefined when it is not one. */
function learnerFile(path: string, roots: LearnerRoots): string | undefined {
  if (path.startsWith('<') || path === '???') return undefined;
  for (const root of [roots.workDir, roots.realWorkDir]) {
    const rel = relative(root, isAbsolute(path) ? path : resolve(roots.workDir, path));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    const parts = rel.split(sep);
    if (parts.some((part) => part === 'site-packages' || part === 'dist-packages')) return undefined;
    return parts.join('/');
  }
  return undefined;
}

/**
 * The deepest frame of a `--tb=short` traceback that is in the learner's folder: lines like
 * `leaderboard.py:42: in top`, or `File "/abs/leaderboard.py", line 12` in a SyntaxError's report.
 */
function deepestLearnerFrame(traceback: string, roots: LearnerRoots): SourceLocation | undefined {
  let found: SourceLocation | undefined;
  for (const line of traceback.split('\n')) {
    const frame = /^(?!E )(\S.*?):(\d+): in \S/.exec(line) ?? /^E\s+File "(.+)", line (\d+)/.exec(line);
    if (!frame) continue;
    const file = learnerFile(frame[1] as string, roots);
    if (file !== undefined) found = { file, line: Number(frame[2]) };
  }
  return found;
}

/** Lines of the hidden test files, to keep them out of messages. */
class HiddenSource {
  private readonly lines = new Set<string>();
  private readonly long: string[] = [];

  add(source: string): void {
    for (const raw of source.split('\n')) {
      const line = raw.trim();
      if (line.length < 4 || this.lines.has(line)) continue;
      this.lines.add(line);
      if (line.length >= 12) this.long.push(line);
    }
  }

  /** Whether a message line quotes the hidden source. */
  quotes(line: string): boolean {
    const trimmed = line.trim();
    return this.lines.has(trimmed) || this.long.some((hidden) => trimmed.includes(hidden));
  }
}

/** Splits `left == right` at its top-level `==`, outside strings and brackets. */
function splitComparison(expression: string): [string, string] | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i] as string;
    if (quote) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth -= 1;
    else if (depth === 0 && expression.startsWith(' == ', i)) return [expression.slice(0, i), expression.slice(i + 4)];
  }
  // pytest shortens long values in the middle, which can leave a quote open: fall back on a lone ==.
  const parts = expression.split(' == ');
  return parts.length === 2 ? [parts[0] as string, parts[1] as string] : undefined;
}

/** A value or message line cut to MAX_VALUE_CHARS. */
function shorten(value: string): string {
  return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)} …` : value;
}

interface Explained {
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
}

/**
 * A failed test's exception text (pytest's crash message, e.g. "AssertionError: top(3) should be [...]\n
 * assert [...] == [...]") as a learner message: the assertion's own message when it has one, otherwise
 * the exception, with expected and actual read from an `assert actual == expected` comparison.
 */
function explainFailure(crash: string, hidden: HiddenSource, roots: LearnerRoots): Explained {
  const relativePaths = (line: string): string =>
    [roots.workDir, roots.realWorkDir].reduce((acc, root) => acc.split(`${root}${sep}`).join(''), line);
  const lines = crash
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map(relativePaths)
    .filter((line) => !/^\s*\+\s+(where|and)\s/.test(line) && !hidden.quotes(line));
  if (lines[0]?.startsWith('AssertionError: ')) lines[0] = lines[0].slice('AssertionError: '.length);
  const assertAt = lines.findIndex((line) => line.startsWith('assert '));
  const comparison = assertAt >= 0 ? splitComparison((lines[assertAt] as string).slice('assert '.length)) : undefined;
  const values = comparison ? { actual: shorten(comparison[0]), expected: shorten(comparison[1]) } : {};

  let kept: string[];
  if (assertAt > 0) {
    // The test's own message, before pytest's explanation.
    kept = lines.slice(0, assertAt);
  } else {
    // The comparison or the exception, with pytest's explanation but not its full diff.
    const fullDiff = lines.findIndex((line) => /^\s*Full diff:/.test(line));
    kept = (fullDiff >= 0 ? lines.slice(0, fullDiff) : lines).filter((line) => line.trim() !== '' && !/^\s*Use -v to get/.test(line));
    kept = kept.map((line, index) => (index === 0 ? line : line.trim()));
  }
  kept = kept.slice(0, MAX_MESSAGE_LINES).map(shorten);
  const message = kept.join('\n').trim() || (crash.startsWith('AssertionError') ? 'an assertion of the test failed' : 'the test failed');
  return { message, ...values };
}

/** A collection error (the learner's module does not import) as "leaderboard.py line 12: SyntaxError: ...". */
function explainCollectError(error: CollectError, hidden: HiddenSource, roots: LearnerRoots): KindOutcome {
  const relativePaths = (line: string): string =>
    [roots.workDir, roots.realWorkDir].reduce((acc, root) => acc.split(`${root}${sep}`).join(''), line);
  const eLines = error.text
    .split('\n')
    .filter((line) => line.startsWith('E '))
    .map((line) => relativePaths(line.replace(/^E {1,3}/, '')))
    .filter((line) => !hidden.quotes(line));
  const exception = [...eLines].reverse().find((line) => /^[A-Za-z_][\w.]*(:|$)/.test(line));
  // No exception line: the report's last line that is neither a traceback frame nor a line of source.
  const fallback = error.text
    .split('\n')
    .map(relativePaths)
    .filter((line) => line.trim() !== '' && !/^\s/.test(line) && !/^\S.*:\d+: in /.test(line) && !hidden.quotes(line))
    .at(-1);
  const detail = exception ?? fallback ?? 'the test file could not be loaded';
  const location = deepestLearnerFrame(error.text, roots);
  const message = location ? `${location.file} line ${location.line}: ${detail}` : detail;
  return outcome.failed(message, location ? { location } : {});
}

interface SessionEnd {
  /** exited: on its own; deadline: killed at the session's deadline; stopped: the run ended first. */
  readonly reason: 'exited' | 'deadline' | 'stopped';
  readonly result?: ProcessResult;
  readonly error?: string;
}

/** How one pytest process of the session is started: what it needs besides the tests to run. */
interface LaunchPlan {
  readonly python: string;
  /** The folder holding the copied checks, the plugin and its configuration. */
  readonly dir: string;
  readonly pluginDir: string;
  readonly iniFile: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The pytest processes of one run, and what they have reported. Usually one process runs every test. If
 * a test neither finishes nor stops when the plugin tells it to (a loop that swallows every exception),
 * or Python dies during a test, that test is blamed, the process is killed, and a new one runs the tests
 * that had no result yet.
 */
class PytestSession {
  private readonly results = new Map<string, TestResult>();
  private readonly collectErrors = new Map<string, CollectError>();
  private readonly started = new Set<string>();
  /** Tests that ended their process: why, for the learner. */
  private readonly blamed = new Map<string, string>();
  private collected: Set<string> | undefined;
  private running: string | undefined;
  private end: SessionEnd | undefined;
  private readonly listeners = new Set<() => void>();
  private controller = new AbortController();
  private watchdog: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private deadlineHit = false;
  private stopped = false;
  private finished: Promise<void> = Promise.resolve();
  private launches = 0;
  private pending = '';

  constructor(
    private readonly plan: LaunchPlan,
    private readonly requirements: string | undefined,
    private readonly roots: LearnerRoots,
    private readonly hidden: HiddenSource,
    private readonly missingFiles: ReadonlySet<string>,
    /** Each wanted test (file::test) and its check's time limit in ms. */
    private readonly limits: ReadonlyMap<string, number>,
    private readonly deadlineMs: number,
  ) {}

  /** Starts the first pytest process and the session's deadline. */
  async start(): Promise<void> {
    this.deadline = setTimeout(() => {
      this.deadlineHit = true;
      this.controller.abort();
    }, this.deadlineMs);
    if (!(await this.launch([...this.limits.keys()]))) clearTimeout(this.deadline);
  }

  /** Kills pytest if it still runs, and waits until it is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (;;) {
      this.controller.abort();
      const finished = this.finished;
      await finished;
      // Ending one process may have launched the next: stop that one too.
      if (finished === this.finished) break;
    }
    if (this.deadline) clearTimeout(this.deadline);
  }

  private keyOf(nodeid: string): string {
    return nodeid.split('[')[0] as string;
  }

  /** Runs pytest on the wanted tests `keys` (file::test), deselecting every other test. False when there is nothing to run. */
  private async launch(keys: readonly string[]): Promise<boolean> {
    this.launches += 1;
    const configFile = join(this.plan.pluginDir, `config-${this.launches}.json`);
    const limits = Object.fromEntries(keys.map((key) => [key, alarmOf(this.limits.get(key) ?? 0) / 1000]));
    await writeFile(configFile, JSON.stringify({ limits }));
    const files = [...new Set(keys.map((key) => key.split('::')[0] as string))].filter((file) => !this.missingFiles.has(file));
    if (files.length === 0) return false;
    const argv = [
      this.plan.python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', PLUGIN_MODULE,
      '-c', this.plan.iniFile, '--rootdir', this.plan.dir, '--tb=short', '-o', 'console_output_style=classic', '--color=no',
      // Whole values in "assert actual == expected" (pytest 8 and later), for the expected and actual we show.
      '-o', 'verbosity_assertions=2',
      '--continue-on-collection-errors', ...files.map((file) => join(this.plan.dir, ...file.split('/'))),
    ];
    this.pending = '';
    this.running = undefined;
    const controller = (this.controller = new AbortController());
    if (this.deadlineHit || this.stopped) controller.abort();
    const env = { ...this.plan.env, DELABS_PYTEST_CONFIG: configFile };
    this.finished = runProcess(argv, { cwd: this.roots.workDir, env, signal: controller.signal, maxOutputBytes: 64 * 1024, onStdout: (chunk) => this.read(chunk) })
      .then(
        (result): SessionEnd => ({ reason: this.deadlineHit ? 'deadline' : this.stopped ? 'stopped' : 'exited', result }),
        (error: unknown): SessionEnd => ({ reason: this.stopped ? 'stopped' : 'exited', error: error instanceof Error ? error.message : String(error) }),
      )
      .then((end) => this.ended(end))
      .catch((error: unknown) => {
        // Could not even write the next configuration: end the session with what it has.
        this.end = { reason: 'exited', error: error instanceof Error ? error.message : String(error) };
        this.notify();
      });
    return true;
  }

  /** A process ended: blame the test it was running, and run the tests still without a result again. */
  private async ended(end: SessionEnd): Promise<void> {
    if (this.watchdog) clearTimeout(this.watchdog);
    const running = this.running;
    if (running !== undefined && !this.blamed.has(running) && end.reason === 'exited') {
      const how = end.result?.signal ? `was killed by ${end.result.signal}` : `exited with code ${String(end.result?.exitCode)}`;
      this.blamed.set(running, `the Python process ${how} during this test; does your code call os._exit() or crash the interpreter?`);
    }
    const blamedNow = running !== undefined && this.blamed.has(running);
    // The tests still without a verdict; a test with a blamed case has one (it failed) and is not run again.
    const blamedKeys = new Set([...this.blamed.keys()].map((id) => this.keyOf(id)));
    const remaining = [...new Set([...(this.collected ?? [])].filter((id) => !this.results.has(id)).map((id) => this.keyOf(id)))].filter((key) => !blamedKeys.has(key));
    if (end.reason === 'exited' && blamedNow && remaining.length > 0 && (await this.launch(remaining))) {
      this.notify();
      return;
    }
    if (this.deadline) clearTimeout(this.deadline);
    this.end = end;
    this.notify();
  }

  private read(chunk: string): void {
    this.pending += chunk;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      const at = line.indexOf(MARK);
      if (at >= 0) {
        const event = parseEvent(line.slice(at + MARK.length));
        if (event) this.apply(event);
      }
      newline = this.pending.indexOf('\n');
    }
    // The plugin's lines are bounded; an endless line of pytest's own output is not worth keeping.
    if (this.pending.length > MAX_PENDING_CHARS) this.pending = '';
  }

  private apply(event: PluginEvent): void {
    switch (event.event) {
      case 'collected':
        this.collected ??= new Set();
        for (const item of event.items) this.collected.add(item);
        break;
      case 'collect-error':
        this.collectErrors.set(event.nodeid, event);
        break;
      case 'start':
        this.started.add(event.nodeid);
        this.running = event.nodeid;
        this.watch(event.nodeid);
        break;
      case 'result':
        this.results.set(event.nodeid, event);
        this.running = undefined;
        if (this.watchdog) clearTimeout(this.watchdog);
        break;
      case 'finished':
        break;
    }
    this.notify();
  }

  /** Kills the process if the test `nodeid` is still running well after its time limit (it ignored the plugin's stop). */
  private watch(nodeid: string): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const limitMs = this.limits.get(this.keyOf(nodeid)) ?? 0;
    const controller = this.controller;
    this.watchdog = setTimeout(() => {
      if (this.running !== nodeid || this.results.has(nodeid)) return;
      this.blamed.set(
        nodeid,
        `did not finish within ${seconds(limitMs)} s (its time limit) and had to be killed; look for a loop that never ends, or one that catches every exception (a bare except:).`,
      );
      controller.abort();
    }, limitMs + WATCHDOG_GRACE_MS);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves at the session's next piece of news; rejects when `signal` aborts first. */
  private changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const onAbort = (): void => {
        this.listeners.delete(listener);
        reject(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
      };
      const listener = (): void => {
        this.listeners.delete(listener);
        signal.removeEventListener('abort', onAbort);
        resolvePromise();
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      this.listeners.add(listener);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waits for this check's test to be decided. Throws CouldNotRunError when it cannot be. */
  async verdict(check: PytestCheck, signal: AbortSignal): Promise<KindOutcome> {
    for (;;) {
      const decided = this.decide(check);
      if (decided) return decided;
      await this.changed(signal);
    }
  }

  /** The verdict as far as the session has got, or undefined while the test is still to come. */
  private decide(check: PytestCheck): KindOutcome | undefined {
    if (this.missingFiles.has(check.file)) throw new CouldNotRunError(`the lab's test file ${check.file} is missing; this is a bug in the lab.`);
    const startFailure = this.startFailure();
    if (startFailure !== undefined) throw new CouldNotRunError(startFailure);

    const collectError = [...this.collectErrors.values()].find(
      (error) => error.nodeid === '' || error.nodeid === check.file || check.file.startsWith(`${error.nodeid}/`),
    );
    if (collectError) return explainCollectError(collectError, this.hidden, this.roots);
    if (this.collected === undefined) return this.end ? this.stoppedBeforeTests() : undefined;

    const key = `${check.file}::${check.test}`;
    const items = [...this.collected].filter((id) => id === key || id.startsWith(`${key}[`));
    if (items.length === 0) throw new CouldNotRunError(`the lab's test ${check.test} was not found in ${check.file}; this is a bug in the lab.`);
    const limitMs = this.limits.get(key) ?? 0;
    const results = items.map((id) => this.results.get(id));
    const failed = results.find((result) => result?.outcome === 'failed' || result?.outcome === 'error');
    if (failed) return this.failure(failed, limitMs);
    const blamed = items.find((id) => this.blamed.has(id));
    if (blamed !== undefined) return outcome.failed(this.blamed.get(blamed) as string);
    if (results.every((result) => result !== undefined)) {
      if (results.every((result) => result?.outcome === 'skipped')) {
        throw new CouldNotRunError(`the test ${check.test} was skipped: ${results[0]?.message.replace(/^Skipped: /, '') || 'no reason given'}.`);
      }
      return outcome.passed(`${check.test} passed.`);
    }
    if (!this.end) return undefined;

    const unfinished = items.find((id) => !this.results.has(id)) as string;
    if (this.end.reason === 'stopped') throw new CouldNotRunError('the test run was stopped.');
    if (this.end.reason === 'deadline') {
      const total = seconds(this.deadlineMs);
      return this.started.has(unfinished)
        ? outcome.failed(`did not finish within ${seconds(limitMs)} s (its time limit): the tests were stopped after ${total} s; look for a loop that never ends.`)
        : outcome.failed(`did not run: the tests were stopped after ${total} s because earlier tests did not finish; fix those first.`);
    }
    if (this.end.error !== undefined) throw new CouldNotRunError(`the tests stopped before this one finished: ${this.end.error}`);
    const how = this.end.result?.signal ? `was killed by ${this.end.result.signal}` : `exited with code ${String(this.end.result?.exitCode)}`;
    return outcome.failed(`did not run: the Python process ${how} before this test finished.`);
  }

  /** Why pytest never got to run tests (no interpreter, no pytest), or undefined. */
  private startFailure(): string | undefined {
    const end = this.end;
    if (!end || this.collected !== undefined || this.collectErrors.size > 0) return undefined;
    const python = this.plan.python;
    if (end.result?.notFound) return `Python interpreter "${python}" was not found; set dataEngLabs.python.interpreterPath or install Python 3.`;
    if (end.error !== undefined) return `Python interpreter "${python}" could not be started (${end.error}); set dataEngLabs.python.interpreterPath.`;
    if (/No module named pytest\b/.test(end.result?.stderr ?? '')) {
      const quoted = quoteIfNeeded(python);
      const requirements = this.requirements ? ` (or ${quoted} -m pip install -r ${this.requirements} in the lab folder, for everything the lab needs)` : '';
      return `pytest is not installed for ${quoted}; run ${quoted} -m pip install pytest${requirements}.`;
    }
    return undefined;
  }

  /** pytest ended before collecting (and it was not a missing pytest): the last words on stderr say why. */
  private stoppedBeforeTests(): KindOutcome {
    if (this.end?.reason === 'deadline') {
      return outcome.failed(`did not finish: the tests had not even started after ${seconds(this.deadlineMs)} s; does importing your code wait for something?`);
    }
    if (this.end?.reason === 'stopped') throw new CouldNotRunError('the test run was stopped.');
    const stderr = (this.end?.result?.stderr ?? '').split('\n').filter((line) => line.trim() !== '' && !this.hidden.quotes(line));
    const last = stderr.at(-1)?.trim() ?? `pytest exited with code ${String(this.end?.result?.exitCode)}`;
    throw new CouldNotRunError(`pytest stopped before running the tests: ${last}`);
  }

  private failure(result: TestResult, limitMs: number): KindOutcome {
    const location = deepestLearnerFrame(result.text, this.roots);
    const where = location ? { location } : {};
    if (result.timeout) {
      const at = location ? ` It was at ${location.file} line ${location.line} when it was stopped.` : '';
      return outcome.failed(`did not finish within ${seconds(limitMs)} s (its time limit); look for a loop that never ends.${at}`, where);
    }
    const explained = explainFailure(result.message, this.hidden, this.roots);
    const prefix = result.outcome === 'error' ? `the test's ${result.when || 'setup'} failed: ` : '';
    return outcome.failed(`${prefix}${explained.message}`, {
      ...where,
      ...(explained.expected !== undefined ? { expected: explained.expected } : {}),
      ...(explained.actual !== undefined ? { actual: explained.actual } : {}),
    });
  }
}

/** Copies the folders holding the hidden test files (checks/, with fixtures and helpers) into `dir`. */
async function copyChecks(labPackageDir: string, files: readonly string[], dir: string): Promise<{ missing: Set<string>; hidden: HiddenSource }> {
  const tops = [...new Set(files.map((file) => file.split('/')[0] as string))];
  const hidden = new HiddenSource();
  for (const top of tops) {
    for (const file of await listFiles(join(labPackageDir, top), labPackageDir)) {
      if (file.split('/').includes('__pycache__') || file.endsWith('.pyc')) continue;
      const target = join(dir, ...file.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(join(labPackageDir, ...file.split('/')), target);
      if (file.endsWith('.py')) hidden.add(await readFile(target, 'utf8'));
    }
  }
  const missing = new Set<string>();
  for (const file of files) {
    try {
      await readFile(join(dir, ...file.split('/')));
    } catch {
      missing.add(file);
    }
  }
  return { missing, hidden };
}

/** An endpoint as the URL a test connects with: postgresql://user:password@host:port/database, the HTTP base URL, or the service's own URL. */
export function endpointUrl(endpoint: ServiceEndpoint): string {
  if (endpoint.kind === 'postgres') {
    const credentials = `${encodeURIComponent(endpoint.user)}${endpoint.password ? `:${encodeURIComponent(endpoint.password)}` : ''}@`;
    return `postgresql://${credentials}${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}/${encodeURIComponent(endpoint.database)}`;
  }
  return endpoint.kind === 'http' ? endpoint.baseUrl : endpoint.url;
}

/**
 * Every service of the lab as DELABS_SERVICE_<NAME>_URL for the hidden tests, where the resolver finds
 * it (the same place the other kinds reach it: a container, the embedded PostgreSQL, an override). A
 * service it cannot place is left out; a check that names it in `services` then could not run.
 */
async function serviceEnvironment(context: CheckContext): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const service of context.manifest.services) {
    try {
      env[serviceEnvVar(service.name)] = endpointUrl(await context.resolver.resolve(context.manifest, service));
    } catch (error) {
      if (!(error instanceof CouldNotRunError)) throw error;
    }
  }
  return env;
}

/** Each service the check names must answer before its test means anything: PostgreSQL is connected to once, per run. */
async function requireServices(check: PytestCheck, context: CheckContext): Promise<void> {
  for (const name of check.services ?? []) {
    const service = context.manifest.services.find((candidate) => candidate.name === name);
    if (!service) throw new CouldNotRunError(`the lab has no service "${name}"; this is a bug in the lab.`);
    const endpoint = await context.resolver.resolve(context.manifest, service);
    if (endpoint.kind === 'postgres') await context.memo(`pytest-service:${name}`, async () => {
      const client = await connectPostgres(endpoint, context.signal, undefined, name);
      await closeClient(client);
      return true;
    });
  }
}

async function startSession(context: CheckContext): Promise<PytestSession> {
  const checks = context.manifest.checks.filter((check): check is PytestCheck => check.kind === 'pytest');
  const files = [...new Set(checks.map((check) => check.file))];
  const dir = await mkdtemp(join(tmpdir(), 'delabs-pytest-'));
  context.onDispose(() => rm(dir, { recursive: true, force: true }));

  const { missing, hidden } = await copyChecks(context.labPackageDir, files, dir);
  const limits = new Map(checks.map((check) => [`${check.file}::${check.test}`, limitOf(check, context)]));
  const deadlineMs = [...limits.values()].reduce((sum, limit) => sum + limit, 0) + STARTUP_ALLOWANCE_MS;
  const roots = { workDir: resolve(context.workDir), realWorkDir: await realpath(context.workDir).catch(() => resolve(context.workDir)) };

  const pluginDir = join(dir, '.delabs-plugin');
  await mkdir(pluginDir);
  await writeFile(join(pluginDir, `${PLUGIN_MODULE}.py`), PLUGIN_SOURCE);
  // An empty configuration: no pytest.ini, pyproject.toml or setup.cfg of the learner's applies.
  const iniFile = join(pluginDir, 'pytest.ini');
  await writeFile(iniFile, '[pytest]\n');
  // Settings of the learner's shell must not change how the hidden tests run or report.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['PYTEST_ADDOPTS', 'PY_COLORS', 'FORCE_COLOR'].includes(name)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PYTHONPATH: [roots.workDir, pluginDir, process.env.PYTHONPATH].filter((part) => part).join(delimiter),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
  };

  Object.assign(env, await serviceEnvironment(context));

  const session = new PytestSession({ python: context.python, dir, pluginDir, iniFile, env }, context.manifest.python?.requirements, roots, hidden, missing, limits, deadlineMs);
  // Disposers run last first: pytest stops before its folder is removed.
  context.onDispose(() => session.stop());
  await session.start();
  return session;
}

/**
 * Runs one pytest check: waits for its test in the run's shared pytest session (started by the first
 * pytest check) and turns the result into a verdict: passed; failed with the assertion's message,
 * expected and actual from an `assert actual == expected`, and the deepest line of the learner's code in
 * the traceback; failed for a module that does not import, with its file and line; could not run when
 * Python or pytest is missing or the lab names a test that does not exist.
 */
export const runPytestCheck: KindRunner<'pytest'> = async (check, context) => {
  await requireServices(check, context);
  const session = await context.memo('pytest', () => startSession(context));
  return session.verdict(check, context.signal);
};
