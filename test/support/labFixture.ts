/** Lab packages written to a temporary folder, for tests of the loader, scaffolding and progress. */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

/** A small valid lab.yaml; tests change one thing in it at a time. */
export const VALID_LAB_YAML = `schemaVersion: 1
id: tiny-lab
number: 1
level: 1
title: Tiny lab
summary: A lab small enough for the loader's tests.
skills: [testing]
estimatedMinutes: 15
languages: [python, sql]
prerequisites: []
services:
  - name: postgres
    kind: postgres
    database: tiny
    embedded: true
python:
  requirements: requirements.txt
scaffold:
  open: [main.py]
checkSetup:
  - service: postgres
    resetDatabase: true
    sql: [lab:checks/seed.sql, workspace:schema.sql]
checks:
  - id: adds-up
    title: add() adds two numbers
    kind: pytest
    file: checks/test_main.py
    test: test_add
  - id: has-rows
    title: the table has three rows
    kind: sql
    service: postgres
    query: select count(*) from t
    expect: { scalar: 3 }
`;

export const VALID_LAB_FILES: Readonly<Record<string, string>> = {
  'README.md': '# Tiny lab\n',
  'starter/main.py': 'def add(a, b):\n    return 0  # TODO\n',
  'starter/schema.sql': 'create table t (id int);\n',
  'starter/requirements.txt': 'pytest==9.2.0\n',
  'solution/main.py': 'def add(a, b):\n    return a + b\n',
  'checks/test_main.py': 'from main import add\n\ndef test_add():\n    assert add(2, 3) == 5\n',
  'checks/seed.sql': 'select 1;\n',
  'compose.yaml': 'services:\n  postgres:\n    image: postgres:16.6\n',
};

export interface FixtureLab {
  readonly folder: string;
  readonly yaml?: string;
  readonly files?: Readonly<Record<string, string>>;
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

/** A labs folder with the real levels.yaml and the given labs. */
export function makeLabsRoot(labs: readonly FixtureLab[]): string {
  const root = mkdtempSync(join(tmpdir(), 'delabs-labs-'));
  copyFileSync(join(REPO_ROOT, 'labs', 'levels.yaml'), join(root, 'levels.yaml'));
  for (const lab of labs) {
    const dir = join(root, lab.folder);
    mkdirSync(dir, { recursive: true });
    if (lab.yaml !== undefined) writeFileSync(join(dir, 'lab.yaml'), lab.yaml);
    writeFiles(dir, lab.files ?? VALID_LAB_FILES);
  }
  return root;
}

export function tempDir(prefix = 'delabs-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
