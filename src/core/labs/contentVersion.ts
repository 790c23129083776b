import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Every file below dir, as forward-slash paths relative to base, sorted. */
export async function listFiles(dir: string, base = dir): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A lab's content version: a hash of what decides whether a solution passes (the manifest, the starter
 * and the hidden checks), not of the brief or the reference solution. Progress is keyed by it, so a
 * lab that changes after it was passed is told apart from one that did not.
 */
export async function labContentVersion(labDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = ['lab.yaml', ...(await listFiles(join(labDir, 'starter'), labDir)), ...(await listFiles(join(labDir, 'checks'), labDir))];
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(labDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}
