import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sha256 } from '../../../src/core/labs/contentVersion';
import { backupStamp, resetToStarter, scaffoldStarter } from '../../../src/core/labs/scaffold';
import { tempDir, writeFiles } from '../../support/labFixture';

function starter(files: Record<string, string> = { 'main.py': 'print("todo")\n', 'data/input.csv': 'a,b\n1,2\n' }): string {
  const dir = tempDir('delabs-starter-');
  writeFiles(dir, files);
  return dir;
}

describe('scaffolding a lab', () => {
  it('copies every starter file into an empty folder and records their hashes', async () => {
    const target = join(tempDir(), 'labs', '01-heap-ranking');
    const result = await scaffoldStarter(starter(), target);
    assert.deepEqual(result.created, ['data/input.csv', 'main.py']);
    assert.deepEqual([result.updated, result.kept, result.unchanged], [[], [], []]);
    assert.equal(readFileSync(join(target, 'data/input.csv'), 'utf8'), 'a,b\n1,2\n');
    assert.deepEqual(result.scaffolded, { 'data/input.csv': sha256('a,b\n1,2\n'), 'main.py': sha256('print("todo")\n') });
  });

  it('never overwrites a file the learner changed, and restores one they deleted', async () => {
    const source = starter();
    const target = tempDir();
    const first = await scaffoldStarter(source, target);
    writeFileSync(join(target, 'main.py'), 'print("my solution")\n');
    const { rmSync } = await import('node:fs');
    rmSync(join(target, 'data/input.csv'));
    const second = await scaffoldStarter(source, target, first.scaffolded);
    assert.deepEqual([second.created, second.kept, second.updated, second.unchanged], [['data/input.csv'], ['main.py'], [], []]);
    assert.equal(readFileSync(join(target, 'main.py'), 'utf8'), 'print("my solution")\n');
  });

  it('brings a file the learner never touched up to a newer starter, but keeps a changed one', async () => {
    const target = tempDir();
    const first = await scaffoldStarter(starter(), target);
    writeFileSync(join(target, 'main.py'), 'print("mine")\n');
    const newer = starter({ 'main.py': 'print("todo, v2")\n', 'data/input.csv': 'a,b\n1,2\n3,4\n' });
    const second = await scaffoldStarter(newer, target, first.scaffolded);
    assert.deepEqual([second.updated, second.kept], [['data/input.csv'], ['main.py']]);
    assert.equal(readFileSync(join(target, 'data/input.csv'), 'utf8'), 'a,b\n1,2\n3,4\n');
    assert.equal(readFileSync(join(target, 'main.py'), 'utf8'), 'print("mine")\n');
    assert.equal(second.scaffolded['main.py'], sha256('print("todo")\n'), 'the kept file stays recorded as first scaffolded');
  });

  it('without a record, treats any difference as the learner\'s', async () => {
    const target = tempDir();
    writeFiles(target, { 'main.py': 'print("todo")\n', 'data/input.csv': 'edited\n' });
    const result = await scaffoldStarter(starter(), target);
    assert.deepEqual([result.unchanged, result.kept], [['main.py'], ['data/input.csv']]);
    assert.equal(readFileSync(join(target, 'data/input.csv'), 'utf8'), 'edited\n');
  });
});

describe('resetting a lab', () => {
  it('backs up each changed file, restores the starter, and leaves the learner\'s own files alone', async () => {
    const source = starter();
    const target = tempDir();
    await scaffoldStarter(source, target);
    writeFileSync(join(target, 'main.py'), 'print("half done")\n');
    writeFileSync(join(target, 'notes.md'), 'my notes\n');
    const backupDir = join(tempDir(), '.delabs', 'backups', '01-heap-ranking', backupStamp(new Date('2026-11-25T10:40:22.123Z')));
    const result = await resetToStarter(source, target, backupDir);
    assert.equal(result.backupDir, backupDir);
    assert.match(backupDir, /2026-11-25T10-40-22-123Z$/);
    assert.deepEqual([result.backedUp, result.restored], [['main.py'], ['data/input.csv', 'main.py']]);
    assert.equal(readFileSync(join(backupDir, 'main.py'), 'utf8'), 'print("half done")\n');
    assert.equal(readFileSync(join(target, 'main.py'), 'utf8'), 'print("todo")\n');
    assert.equal(readFileSync(join(target, 'notes.md'), 'utf8'), 'my notes\n');
    assert.equal(existsSync(join(backupDir, 'data/input.csv')), false, 'an unchanged file is not backed up');
  });

  it('makes no backup when nothing differs from the starter', async () => {
    const source = starter();
    const target = tempDir();
    await scaffoldStarter(source, target);
    const backupDir = join(tempDir(), 'backup');
    const result = await resetToStarter(source, target, backupDir);
    assert.deepEqual([result.backupDir, result.backedUp], [undefined, []]);
    assert.equal(existsSync(backupDir), false);
  });
});
