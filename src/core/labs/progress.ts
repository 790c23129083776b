/**
 * The learner's progress, in `.delabs/progress.json` in their workspace: small, readable, committable,
 * so it survives a new machine. Written atomically. A file that cannot be read (corrupt, or written by a
 * newer version) is reported and kept as it is: nothing is written over it until the learner decides.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const PROGRESS_FILE = join('.delabs', 'progress.json');
export const PROGRESS_VERSION = 1;

export type CheckOutcome = 'passed' | 'failed' | 'could-not-run';

export interface CheckRecord {
  readonly outcome: CheckOutcome;
  readonly at: string;
  readonly message?: string;
}

export interface LabProgress {
  /** The workspace-relative folder the lab was scaffolded into, with forward slashes. */
  readonly folder: string;
  /** The lab's content version when it was scaffolded (and when its checks last ran). */
  readonly contentVersion: string;
  readonly openedAt: string;
  /** Set when every check passed, with the content version they passed on. */
  readonly passed?: { readonly at: string; readonly contentVersion: string };
  readonly checks?: Readonly<Record<string, CheckRecord>>;
  /** sha256 of each starter file as it was scaffolded, to tell the learner's changes from ours. */
  readonly scaffolded: Readonly<Record<string, string>>;
}

export interface ProgressData {
  readonly version: number;
  readonly labs: Readonly<Record<string, LabProgress>>;
}

export type ProgressRead =
  | { readonly ok: true; readonly data: ProgressData; readonly existed: boolean }
  | { readonly ok: false; readonly reason: string };

export type LabStatus = 'not-started' | 'in-progress' | 'passed' | 'passed-on-older-version';

export function labStatus(progress: LabProgress | undefined, currentContentVersion: string): LabStatus {
  if (!progress) return 'not-started';
  if (!progress.passed) return 'in-progress';
  return progress.passed.contentVersion === currentContentVersion ? 'passed' : 'passed-on-older-version';
}

const EMPTY: ProgressData = { version: PROGRESS_VERSION, labs: {} };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the parts we rely on; anything else in the file is kept as it is. */
function parseProgress(text: string): ProgressRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `it is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isRecord(value) || typeof value['version'] !== 'number' || !isRecord(value['labs'])) {
    return { ok: false, reason: 'it is not a progress file: it needs a "version" number and a "labs" object' };
  }
  if (value['version'] > PROGRESS_VERSION) {
    return { ok: false, reason: `it was written by a newer version of Data Engineering Labs (format ${value['version']}; this version reads ${PROGRESS_VERSION})` };
  }
  for (const [id, lab] of Object.entries(value['labs'])) {
    if (!isRecord(lab) || typeof lab['folder'] !== 'string' || typeof lab['contentVersion'] !== 'string' || !isRecord(lab['scaffolded'])) {
      return { ok: false, reason: `its entry for lab "${id}" is damaged (it needs folder, contentVersion and scaffolded)` };
    }
  }
  return { ok: true, data: value as unknown as ProgressData, existed: true };
}

export class ProgressStore {
  readonly path: string;

  constructor(readonly workspaceRoot: string) {
    this.path = join(workspaceRoot, PROGRESS_FILE);
  }

  async read(): Promise<ProgressRead> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, data: EMPTY, existed: false };
      return { ok: false, reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    return parseProgress(text);
  }

  /**
   * Applies a change to the lab's entry and writes the file atomically. Refuses, with the reason, when
   * the file on disk cannot be read: it is never overwritten.
   */
  async update(labId: string, change: (current: LabProgress | undefined) => LabProgress | undefined): Promise<ProgressData> {
    const current = await this.read();
    if (!current.ok) throw new ProgressFileError(this.path, current.reason);
    const next = change(current.data.labs[labId]);
    const labs = Object.fromEntries(
      Object.entries({ ...current.data.labs, [labId]: next }).filter((entry): entry is [string, LabProgress] => entry[1] !== undefined),
    );
    const data: ProgressData = { ...current.data, version: PROGRESS_VERSION, labs };
    await writeAtomically(this.path, `${JSON.stringify(data, null, 2)}\n`);
    return data;
  }
}

export class ProgressFileError extends Error {
  override readonly name = 'ProgressFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Your progress file ${path} was kept as it is because ${reason}. Fix or move it, and your progress is recorded again.`);
  }
}

/** Writes to a temporary file beside the target, flushes it, and renames it over the target. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

