import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { labStatus, PROGRESS_FILE, ProgressFileError, ProgressStore, type LabProgress } from '../../../src/core/labs/progress';
import { tempDir } from '../../support/labFixture';

const opened: LabProgress = { folder: 'labs/01-heap-ranking', contentVersion: 'aaaaaaaaaaaa', openedAt: '2026-11-25T10:00:00.000Z', scaffolded: { 'main.py': 'f00' } };

describe('the progress store', () => {
  it('reads a missing file as no progress', async () => {
    assert.deepEqual(await new ProgressStore(tempDir()).read(), { ok: true, data: { version: 1, labs: {} }, existed: false });
  });

  it('writes .delabs/progress.json atomically, readable and committable, leaving no temporary file', async () => {
    const root = tempDir();
    const store = new ProgressStore(root);
    await store.update('heap-ranking', () => opened);
    await store.update('normalization-er', () => ({ ...opened, folder: 'labs/05-normalization-er' }));
    const text = readFileSync(join(root, PROGRESS_FILE), 'utf8');
    assert.equal(text, `${JSON.stringify({ version: 1, labs: { 'heap-ranking': opened, 'normalization-er': { ...opened, folder: 'labs/05-normalization-er' } } }, null, 2)}\n`);
    assert.deepEqual(readdirSync(join(root, '.delabs')), ['progress.json']);
  });

  it('removes a lab when the change returns undefined', async () => {
    const store = new ProgressStore(tempDir());
    await store.update('heap-ranking', () => opened);
    const data = await store.update('heap-ranking', () => undefined);
    assert.deepEqual(data.labs, {});
  });

  const unreadable: [string, string, string][] = [
    ['corrupt JSON', '{"version": 1, "labs": {', "it is not valid JSON (Expected property name or '}' in JSON at position 24)"],
    ['a file of another shape', '[1, 2, 3]', 'it is not a progress file: it needs a "version" number and a "labs" object'],
    ['a newer format', '{"version": 7, "labs": {}}', 'it was written by a newer version of Data Engineering Labs (format 7; this version reads 1)'],
    ['a damaged lab entry', '{"version": 1, "labs": {"heap-ranking": {"folder": 3}}}', 'its entry for lab "heap-ranking" is damaged (it needs folder, contentVersion and scaffolded)'],
  ];
  for (const [what, text, reason] of unreadable) {
    it(`reports ${what} and keeps the file byte for byte`, async () => {
      const root = tempDir();
      mkdirSync(join(root, '.delabs'));
      writeFileSync(join(root, PROGRESS_FILE), text);
      const store = new ProgressStore(root);
      assert.deepEqual(await store.read(), { ok: false, reason });
      await assert.rejects(store.update('heap-ranking', () => opened), (error: unknown) => error instanceof ProgressFileError && error.reason === reason);
      assert.equal(readFileSync(join(root, PROGRESS_FILE), 'utf8'), text);
      assert.deepEqual(readdirSync(join(root, '.delabs')), ['progress.json']);
    });
  }

  it('tells not started, in progress, passed, and passed on an older version of the lab apart', () => {
    assert.equal(labStatus(undefined, 'v2'), 'not-started');
    assert.equal(labStatus(opened, 'v2'), 'in-progress');
    assert.equal(labStatus({ ...opened, passed: { at: '2026-11-25T11:00:00.000Z', contentVersion: 'v2' } }, 'v2'), 'passed');
    assert.equal(labStatus({ ...opened, passed: { at: '2026-11-25T11:00:00.000Z', contentVersion: 'v1' } }, 'v2'), 'passed-on-older-version');
  });
});
