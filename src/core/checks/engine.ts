/**
 * The check engine: runs a lab's checks against the learner's folder and says, for each one, passed,
 * failed (with expected, actual, a hint and where it can a file and line) or could not run (with what to
 * do). Each check has its own time limit; `eventually` checks poll until they hold or their time is up.
 * One run shares nothing with the next: connections, temporary folders and pytest sessions are made
 * fresh for each run and disposed at its end.
 */
import type { CheckDefinition, LabManifest } from '../labs/labSchema';
import {
  CouldNotRunError,
  type CheckContext,
  type CheckResult,
  type KindOutcome,
  type KindRunner,
  type LabRunResult,
  type ServiceResolver,
} from './types';

export type KindRegistry = { readonly [K in CheckDefinition['kind']]?: KindRunner<K> };

/**
 * Runs a lab's checkSetup entries for one service (reset the database, load the learner's SQL). Returns
 * undefined when it succeeded, or the outcome every check on that service gets instead of running.
 */
export type SetupRunner = (setup: NonNullable<LabManifest['checkSetup']>[number], context: CheckContext) => Promise<KindOutcome | undefined>;

export interface RunOptions {
  readonly manifest: LabManifest;
  readonly labPackageDir: string;
  readonly workDir: string;
  readonly python: string;
  readonly resolver: ServiceResolver;
  readonly kinds: KindRegistry;
  readonly setup?: SetupRunner;
  /** The time limit of a check that sets none, in seconds. */
  readonly defaultTimeoutSeconds: number;
  /** Only these check ids (all when absent). */
  readonly only?: readonly string[];
  readonly signal?: AbortSignal;
  /** Called as each check finishes, in manifest order. */
  readonly onResult?: (result: CheckResult) => void;
  /** Called as each check starts. */
  readonly onStart?: (check: CheckDefinition) => void;
  /** How long an `eventually` check waits between tries, unless it sets pollSeconds (tests shorten it). */
  readonly defaultPollMs?: number;
}

const CANCELLED = 'could not run: the run was cancelled.';

/** The services a check talks to, whose checkSetup must run first: a pytest check's `services`, another kind's `service`. */
export function servicesOf(check: CheckDefinition): readonly string[] {
  if (check.kind === 'pytest') return check.services ?? [];
  return 'service' in check ? [check.service] : [];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs one piece of work (a kind on a check, a setup step) once, within `timeoutMs`, turning thrown errors into verdicts. */
async function attempt(
  work: (context: CheckContext) => Promise<KindOutcome>,
  base: Omit<CheckContext, 'signal' | 'timeoutMs'>,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<KindOutcome> {
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(new Error('cancelled'));
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<KindOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve({
        status: 'failed',
        message: `did not finish within ${Math.round(timeoutMs / 1000)} s (its time limit); look for a loop that never ends or a query that waits on a lock.`,
      });
    }, timeoutMs);
  });
  try {
    const run = work({ ...base, signal: controller.signal, timeoutMs }).catch((error: unknown): KindOutcome => {
      if (error instanceof CouldNotRunError) return { status: 'could-not-run', message: `could not run: ${error.message}` };
      if (controller.signal.aborted) return { status: 'could-not-run', message: CANCELLED };
      return { status: 'could-not-run', message: `could not run: ${errorText(error)}` };
    });
    const result = await Promise.race([run, timedOut]);
    if (outer?.aborted) return { status: 'could-not-run', message: CANCELLED };
    if (result.status === 'could-not-run' && !result.message.startsWith('could not run')) return { ...result, message: `could not run: ${result.message}` };
    return result;
  } finally {
    if (timer) clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export async function runLabChecks(options: RunOptions): Promise<LabRunResult> {
  const startedAt = new Date();
  const memos = new Map<string, Promise<unknown>>();
  const disposers: Array<() => Promise<void> | void> = [];
  const base: Omit<CheckContext, 'signal' | 'timeoutMs'> = {
    manifest: options.manifest,
    labPackageDir: options.labPackageDir,
    workDir: options.workDir,
    python: options.python,
    resolver: options.resolver,
    memo<T>(key: string, make: () => Promise<T>): Promise<T> {
      let entry = memos.get(key);
      if (!entry) {
        entry = make();
        memos.set(key, entry);
      }
      return entry as Promise<T>;
    },
    onDispose(dispose) {
      disposers.push(dispose);
    },
  };

  const setupDone = new Map<string, Promise<KindOutcome | undefined>>();
  const setupFor = (service: string): Promise<KindOutcome | undefined> => {
    let done = setupDone.get(service);
    if (!done) {
      done = (async () => {
        for (const entry of options.manifest.checkSetup ?? []) {
          if (entry.service !== service) continue;
          if (!options.setup) return { status: 'could-not-run', message: 'could not run: this build has no setup runner for checkSetup.' } as KindOutcome;
          const timeoutMs = options.defaultTimeoutSeconds * 1000;
          const setup = options.setup;
          const result = await attempt(
            async (context) => (await setup(entry, context)) ?? { status: 'passed', message: 'set up' },
            base,
            timeoutMs,
            options.signal,
          );
          if (result.status !== 'passed') return result;
        }
        return undefined;
      })();
      setupDone.set(service, done);
    }
    return done;
  };

  const results: CheckResult[] = [];
  try {
    for (const check of options.manifest.checks) {
      if (options.only && !options.only.includes(check.id)) continue;
      options.onStart?.(check);
      const began = Date.now();
      const timeoutMs = (check.timeoutSeconds ?? options.defaultTimeoutSeconds) * 1000;
      let verdict: KindOutcome;
      let attempts = 0;
      const runner = options.kinds[check.kind] as KindRunner<CheckDefinition['kind']> | undefined;
      let setupVerdict: KindOutcome | undefined;
      for (const service of servicesOf(check)) {
        setupVerdict = await setupFor(service);
        if (setupVerdict) break;
      }
      if (options.signal?.aborted) {
        verdict = { status: 'could-not-run', message: CANCELLED };
      } else if (setupVerdict) {
        verdict = setupVerdict;
      } else if (!runner) {
        verdict = { status: 'could-not-run', message: `could not run: this version of Data Engineering Labs cannot run ${check.kind} checks yet; update the extension.` };
      } else if (check.eventually) {
        // Poll until it holds or the time is up; report the last value seen.
        const deadline = began + timeoutMs;
        const pollMs = check.pollSeconds !== undefined ? check.pollSeconds * 1000 : (options.defaultPollMs ?? 1000);
        for (;;) {
          attempts += 1;
          verdict = await attempt((context) => runner(check, context), base, Math.max(1, deadline - Date.now()), options.signal);
          if (verdict.status !== 'failed' || options.signal?.aborted) break;
          if (Date.now() + pollMs >= deadline) {
            const seconds = Math.round(timeoutMs / 1000);
            verdict = {
              ...verdict,
              message: `still not true after ${seconds} s (${attempts} ${attempts === 1 ? 'try' : 'tries'}): ${verdict.message}`,
            };
            break;
          }
          await sleep(pollMs, options.signal);
        }
      } else {
        attempts = 1;
        verdict = await attempt((context) => runner(check, context), base, timeoutMs, options.signal);
      }
      const result: CheckResult = {
        ...verdict,
        id: check.id,
        title: check.title,
        kind: check.kind,
        ...(verdict.status === 'failed' && check.hint !== undefined ? { hint: check.hint } : {}),
        durationMs: Date.now() - began,
        attempts: Math.max(attempts, 1),
      };
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    for (const dispose of disposers.reverse()) {
      try {
        await dispose();
      } catch {
        // Clean-up is best effort: a connection already gone is fine.
      }
    }
  }
  return { labId: options.manifest.id, results, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime() };
}
