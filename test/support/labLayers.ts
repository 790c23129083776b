/**
 * A learner's folder made of a lab's layers, as the verification harness and the check tests build it:
 * `starter`, then `solution`, then a known-wrong solution. A wrong solution is a patch against the
 * starter with the solution laid over it, `wrong/<mistake>.patch` (a unified diff with a/ and b/ paths,
 * as `git diff` writes it), or a folder `wrong/<mistake>/` of whole files laid over.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PATCH = '.patch';

/** The lab's known-wrong solutions by name, patches and folders alike, in name order. */
export function wrongSolutions(labDir: string): string[] {
  const root = join(labDir, 'wrong');
  if (!existsSync(root)) return [];
  const names = readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return [entry.name];
    if (entry.isFile() && entry.name.endsWith(PATCH)) return [entry.name.slice(0, -PATCH.length)];
    return [];
  });
  return [...new Set(names)].sort();
}

/** Applies `patch` to the files in `dir`; a hunk that does not apply throws, naming the patch. */
export function applyPatch(patch: string, dir: string): void {
  // GIT_CEILING_DIRECTORIES: even inside some repository's tree, `git apply` patches `dir`, not the repository.
  const result = spawnSync('git', ['apply', '--whitespace=nowarn', '-p1', patch], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) },
  });
  if (result.error) throw new Error(`git apply, which lays a wrong/ patch over the solution, did not run (${result.error.message}): apt-get install git`);
  if (result.status !== 0) throw new Error(`${patch} does not apply to the starter with the solution laid over it:\n${(result.stderr || result.stdout).trim()}`);
}

/** Lays `layer` of the lab (a folder such as `starter`, or `wrong/<mistake>` as a patch or a folder) over `dir`. */
export function layInto(labDir: string, layer: string, dir: string): void {
  const patch = join(labDir, `${layer}${PATCH}`);
  const folder = join(labDir, layer);
  if (existsSync(folder) && statSync(folder).isDirectory()) cpSync(folder, dir, { recursive: true });
  if (existsSync(patch)) applyPatch(patch, dir);
  else if (!existsSync(folder)) throw new Error(`the lab has no ${layer}/ and no ${layer}${PATCH}`);
}

/** Lays each of `layers` over `dir`, in order, and returns `dir`. */
export function layered(labDir: string, layers: readonly string[], dir: string): string {
  for (const layer of layers) layInto(labDir, layer, dir);
  return dir;
}
