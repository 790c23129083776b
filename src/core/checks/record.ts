/** Records a check run in the learner's progress: each check's outcome, and "passed" when all did. */
import { ProgressFileError, type LabProgress, type ProgressData, type ProgressStore } from '../labs/progress';
import type { LabRunResult } from './types';

/**
 * The lab's progress entry after a run. A run of only some checks keeps the others' records; records of
 * checks the lab no longer has go; "passed" is set when every check of the lab has passed on this content
 * version, and cleared otherwise.
 */
export function applyCheckRun(current: LabProgress, run: LabRunResult, allCheckIds: readonly string[], contentVersion: string, at = new Date().toISOString()): LabProgress {
  const fresh = new Map(run.results.map((result) => [result.id, { outcome: result.status, at, message: result.message }]));
  // Records of checks the lab no longer has go.
  const checks = Object.fromEntries(
    allCheckIds.flatMap((id) => {
      const record = fresh.get(id) ?? current.checks?.[id];
      return record ? [[id, record] as const] : [];
    }),
  );
  const allPassed = allCheckIds.every((id) => checks[id]?.outcome === 'passed');
  // Everything else in the entry (fields a newer version wrote, say) is kept as it is.
  const next: { -readonly [K in keyof LabProgress]: LabProgress[K] } = { ...current, contentVersion, checks };
  if (allPassed) next.passed = { at, contentVersion };
  else delete next.passed;
  return next;
}

/**
 * Writes the run into the progress file in `store`. A lab with no entry there (never scaffolded in that
 * workspace) is left alone and undefined is returned; an unreadable file is never overwritten.
 */
export async function recordCheckRun(store: ProgressStore, run: LabRunResult, allCheckIds: readonly string[], contentVersion: string): Promise<ProgressData | undefined> {
  const before = await store.read();
  if (!before.ok) throw new ProgressFileError(store.path, before.reason);
  if (!before.data.labs[run.labId]) return undefined;
  return store.update(run.labId, (current) => (current ? applyCheckRun(current, run, allCheckIds, contentVersion) : undefined));
}
