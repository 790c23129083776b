/** What the check-kind tests share: a valid lab around the checks under test, scratch folders, no services. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { parse } from 'yaml';
import { CouldNotRunError, type ServiceResolver } from '../../src/core/checks/types';
import { labSchema, type LabManifest } from '../../src/core/labs/labSchema';
import { REPO_ROOT } from './labFixture';

/** A valid lab named after the kind under test, holding `checks`; `fields` replaces any other field. */
export function kindTestLab(kind: string, checks: readonly unknown[], fields: Readonly<Record<string, unknown>> = {}): LabManifest {
  return labSchema.parse({
    schemaVersion: 1,
    id: `${kind}-lab`,
    number: 1,
    level: 1,
    title: `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)} lab`,
    summary: `A lab for the ${kind} kind tests.`,
    skills: ['testing'],
    estimatedMinutes: 10,
    languages: ['python'],
    prerequisites: [],
    services: [],
    scaffold: { open: ['main.py'] },
    checks,
    ...fields,
  });
}

/** A resolver for tests whose checks talk to no service. */
export const NO_SERVICES: ServiceResolver = { resolve: () => Promise.reject(new CouldNotRunError('no services in these tests')) };

/** Writes `files` (relative paths, folders made as needed) into `dir` and returns it. */
export function writeTree(dir: string, files: Readonly<Record<string, string>>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A temporary root for one test file, removed after it; `folder` makes a fresh folder in it holding `files`. */
export function scratchFolders(prefix: string): { readonly root: string; folder(files?: Readonly<Record<string, string>>): string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return {
    root,
    folder(files = {}) {
      counter += 1;
      const dir = join(root, `d${counter}`);
      mkdirSync(dir);
      return writeTree(dir, files);
    },
  };
}

/** One of the real labs under labs/: its manifest and package folder. */
export function realLab(folder: string): { readonly manifest: LabManifest; readonly dir: string } {
  const dir = join(REPO_ROOT, 'labs', folder);
  return { manifest: labSchema.parse(parse(readFileSync(join(dir, 'lab.yaml'), 'utf8'))), dir };
}
