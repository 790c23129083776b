/**
 * Copying a lab's starter into the learner's workspace, and restoring it. A file the learner changed is
 * never overwritten by scaffolding; a reset overwrites only after backing the learner's version up.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listFiles, sha256 } from './contentVersion';

export interface ScaffoldResult {
  /** Starter files that were not in the workspace and were copied. */
  readonly created: readonly string[];
  /** Files the learner had not changed, replaced by a newer starter version. */
  readonly updated: readonly string[];
  /** Files the learner changed: left as they are. */
  readonly kept: readonly string[];
  readonly unchanged: readonly string[];
  /** The record to keep in progress: sha256 of each starter file as scaffolded. */
  readonly scaffolded: Readonly<Record<string, string>>;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeFileIn(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

/**
 * Lays `starterDir` into `targetDir`. `previous` is what an earlier scaffold recorded; with it a file the
 * learner never touched can follow a newer starter, and without it any difference counts as theirs.
 */
export async function scaffoldStarter(starterDir: string, targetDir: string, previous: Readonly<Record<string, string>> = {}): Promise<ScaffoldResult> {
  const created: string[] = [];
  const updated: string[] = [];
  const kept: string[] = [];
  const unchanged: string[] = [];
  const scaffolded: Record<string, string> = {};
  for (const file of await listFiles(starterDir)) {
    const starter = await readFile(join(starterDir, file));
    const starterHash = sha256(starter);
    const target = join(targetDir, file);
    const existing = await readIfExists(target);
    if (existing === undefined) {
      await writeFileIn(target, starter);
      created.push(file);
      scaffolded[file] = starterHash;
      continue;
    }
    const existingHash = sha256(existing);
    if (existingHash === starterHash) {
      unchanged.push(file);
      scaffolded[file] = starterHash;
    } else if (previous[file] === existingHash) {
      await writeFileIn(target, starter);
      updated.push(file);
      scaffolded[file] = starterHash;
    } else {
      kept.push(file);
      scaffolded[file] = previous[file] ?? starterHash;
    }
  }
  return { created, updated, kept, unchanged, scaffolded };
}

export interface ResetResult {
  /** Where the learner's versions of the replaced files were copied; undefined when nothing differed. */
  readonly backupDir: string | undefined;
  readonly backedUp: readonly string[];
  /** Every starter file, now as in the starter. */
  readonly restored: readonly string[];
  readonly scaffolded: Readonly<Record<string, string>>;
}

/** A folder-name-safe timestamp, e.g. 2026-11-25T10-40-22-123Z. */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Restores every starter file in `targetDir`. Each file that differs from the starter is first copied to
 * `backupDir` under the same relative path. Files that are not part of the starter are left alone.
 */
export async function resetToStarter(starterDir: string, targetDir: string, backupDir: string): Promise<ResetResult> {
  const backedUp: string[] = [];
  const restored: string[] = [];
  const scaffolded: Record<string, string> = {};
  for (const file of await listFiles(starterDir)) {
    const starter = await readFile(join(starterDir, file));
    const target = join(targetDir, file);
    const existing = await readIfExists(target);
    if (existing !== undefined && !existing.equals(starter)) {
      await mkdir(dirname(join(backupDir, file)), { recursive: true });
      await copyFile(target, join(backupDir, file));
      backedUp.push(file);
    }
    await writeFileIn(target, starter);
    restored.push(file);
    scaffolded[file] = sha256(starter);
  }
  return { backupDir: backedUp.length > 0 ? backupDir : undefined, backedUp, restored, scaffolded };
}
