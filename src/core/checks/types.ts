/**
 * The check engine's vocabulary: what a check run produces and what a check kind is given to run with.
 * Pure types and two small error classes; no VS Code, so the engine runs in the editor, the CLI and CI.
 */
import type { CheckDefinition, LabManifest, ServiceDefinition } from '../labs/labSchema';

/** passed and failed are verdicts on the learner's work; could-not-run is not (a service down, no pytest). */
export type CheckStatus = 'passed' | 'failed' | 'could-not-run';

/** A place in the learner's lab folder. */
export interface SourceLocation {
  /** Relative to the learner's lab folder, forward slashes. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, when known. */
  readonly column?: number;
}

/** What one kind reports for one check. Messages are for the learner: no hidden test code, no stack traces. */
export interface KindOutcome {
  readonly status: CheckStatus;
  /** One or two sentences: what was checked and what happened. For could-not-run, what to do. */
  readonly message: string;
  /** What the check wanted, as the learner would write it (a row list, a value, a column set). */
  readonly expected?: string;
  /** What it found, in the same form as expected. */
  readonly actual?: string;
  readonly location?: SourceLocation;
}

export interface CheckResult extends KindOutcome {
  readonly id: string;
  readonly title: string;
  readonly kind: CheckDefinition['kind'];
  /** The manifest's hint, on failure only. */
  readonly hint?: string;
  readonly durationMs: number;
  /** How many times an `eventually` check was tried (1 for the others). */
  readonly attempts: number;
}

export interface LabRunResult {
  readonly labId: string;
  readonly results: readonly CheckResult[];
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface PostgresEndpoint {
  readonly kind: 'postgres';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Where the endpoint came from, for messages: "the override in dataEngLabs.services.overrides", say. */
  readonly source: string;
  /**
   * The server has one database whatever the client asks for (the embedded PostgreSQL): a reset drops
   * and re-creates the schemas in it instead of the database.
   */
  readonly singleDatabase?: boolean;
}

export interface HttpEndpoint {
  readonly kind: 'http';
  /** Without a trailing slash, e.g. http://127.0.0.1:8701. */
  readonly baseUrl: string;
  readonly source: string;
}

export interface GenericEndpoint {
  readonly kind: 'generic';
  readonly url: string;
  readonly source: string;
}

export type ServiceEndpoint = PostgresEndpoint | HttpEndpoint | GenericEndpoint;

/** Finds where a lab's service runs. Throws CouldNotRunError when it cannot be reached or is not started. */
export interface ServiceResolver {
  resolve(lab: LabManifest, service: ServiceDefinition): Promise<ServiceEndpoint>;
}

/** Everything a kind needs to run a check. */
export interface CheckContext {
  readonly manifest: LabManifest;
  /** Absolute path of the lab package (holds checks/). */
  readonly labPackageDir: string;
  /** Absolute path of the learner's lab folder (the scaffolded starter and their work). */
  readonly workDir: string;
  /** The Python interpreter to run pytest with (a path or a command on PATH). */
  readonly python: string;
  readonly resolver: ServiceResolver;
  /** Aborted when the check's time is up or the run is cancelled; kinds stop their work (kill, cancel). */
  readonly signal: AbortSignal;
  /** This check's time limit. */
  readonly timeoutMs: number;
  /**
   * Shares work between the checks of one run: the first caller with a key runs `make`, the others get
   * the same promise (one pytest session for all pytest checks, one database connection per service).
   */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Registers clean-up for the end of the run (close a connection, remove a temporary folder). */
  onDispose(dispose: () => Promise<void> | void): void;
}

export type CheckOf<K extends CheckDefinition['kind']> = Extract<CheckDefinition, { kind: K }>;

export type KindRunner<K extends CheckDefinition['kind']> = (check: CheckOf<K>, context: CheckContext) => Promise<KindOutcome>;

/** Thrown by a kind or the resolver when the check cannot run; the message says what to do. */
export class CouldNotRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CouldNotRunError';
  }
}

/** Shorthand for a kind's verdicts. */
export const outcome = {
  passed: (message: string, extra: Partial<KindOutcome> = {}): KindOutcome => ({ status: 'passed', message, ...extra }),
  failed: (message: string, extra: Partial<KindOutcome> = {}): KindOutcome => ({ status: 'failed', message, ...extra }),
  couldNotRun: (message: string): KindOutcome => ({ status: 'could-not-run', message }),
};
