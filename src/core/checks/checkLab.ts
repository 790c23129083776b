/**
 * One call that checks a learner's lab folder with everything wired: the kinds, the PostgreSQL setup,
 * the service resolver. The extension, the command-line checker and the verification harness all use it,
 * so they give the same verdicts.
 */
import type { Lab } from '../labs/catalog';
import type { CheckDefinition } from '../labs/labSchema';
import { runLabChecks } from './engine';
import { CHECK_KIND_RUNNERS } from './kinds';
import { runPostgresSetup } from './postgres/setup';
import { createServiceResolver, type EndpointSource } from './resolver';
import type { CheckResult, LabRunResult } from './types';

export interface CheckLabOptions {
  readonly lab: Lab;
  /** The learner's lab folder. */
  readonly workDir: string;
  /** The Python interpreter for pytest checks; `python3` when empty. */
  readonly python?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: Readonly<Record<string, string>>;
  readonly containers?: EndpointSource;
  readonly embedded?: EndpointSource;
  readonly defaultTimeoutSeconds?: number;
  readonly only?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onStart?: (check: CheckDefinition) => void;
  readonly onResult?: (result: CheckResult) => void;
  /** Between tries of an `eventually` check that sets no pollSeconds. */
  readonly defaultPollMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_SECONDS = 60;

export function checkLab(options: CheckLabOptions): Promise<LabRunResult> {
  const lab = options.lab;
  const env = options.env ?? {};
  return runLabChecks({
    manifest: lab.manifest,
    labPackageDir: lab.dir,
    workDir: options.workDir,
    python: options.python?.trim() || env.DELABS_PYTHON?.trim() || 'python3',
    resolver: createServiceResolver({
      labPackageDir: () => lab.dir,
      env,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.containers ? { containers: options.containers } : {}),
      ...(options.embedded ? { embedded: options.embedded } : {}),
    }),
    kinds: CHECK_KIND_RUNNERS,
    setup: runPostgresSetup,
    defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? DEFAULT_CHECK_TIMEOUT_SECONDS,
    ...(options.only ? { only: options.only } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onResult ? { onResult: options.onResult } : {}),
    ...(options.defaultPollMs !== undefined ? { defaultPollMs: options.defaultPollMs } : {}),
  });
}
