import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../../src/core/labs/catalog';
import { formatProblem } from '../../../src/core/labs/problems';
import { makeLabsRoot, VALID_LAB_FILES, VALID_LAB_YAML } from '../../support/labFixture';

function lab(number: number, id: string, change: (yaml: string) => string = (yaml) => yaml) {
  const yaml = change(VALID_LAB_YAML.replace('id: tiny-lab', `id: ${id}`).replace('number: 1\n', `number: ${number}\n`));
  return { folder: `${String(number).padStart(2, '0')}-${id}`, yaml };
}

describe('the lab catalog', () => {
  it('lists labs by number, with a broken one beside the good ones, never hiding them', async () => {
    const root = makeLabsRoot([lab(3, 'third'), lab(2, 'second', (y) => y.replace('estimatedMinutes: 15', 'estimatedMinutes: many')), lab(1, 'first')]);
    const catalog = await loadCatalog(root);
    assert.deepEqual(
      catalog.entries.map((entry) => [entry.folder, entry.status]),
      [['01-first', 'ok'], ['02-second', 'broken'], ['03-third', 'ok']],
    );
    const brokenEntry = catalog.entries[1];
    assert.ok(brokenEntry?.status === 'broken');
    assert.equal(brokenEntry.title, 'Tiny lab');
    assert.equal(brokenEntry.level, 1);
    assert.deepEqual(brokenEntry.problems.map(formatProblem), ['02-second/lab.yaml:8:19: estimatedMinutes: expected number, received string']);
  });

  it('reports every problem of a lab, not only the first', async () => {
    const root = makeLabsRoot([lab(1, 'first', (y) => y.replace('open: [main.py]', 'open: [app.py, other.py]').replace('file: checks/test_main.py', 'file: checks/test_gone.py'))]);
    const [entry] = (await loadCatalog(root)).entries;
    assert.ok(entry?.status === 'broken');
    assert.deepEqual(entry.problems.map(formatProblem), [
      '01-first/lab.yaml:19:10: scaffold.open[0]: starter/app.py does not exist',
      '01-first/lab.yaml:19:18: scaffold.open[1]: starter/other.py does not exist',
      '01-first/lab.yaml:28:11: checks[0].file: checks/test_gone.py does not exist',
    ]);
  });

  it("breaks a lab whose check names a learner's query file or query the starter does not have", async () => {
    const checks = [
      "  - { id: named, title: a named query, kind: explain, service: postgres, queryFile: queries.sql, queryName: top-customers, expect: { usesIndexOn: t } }",
      "  - { id: unnamed, title: a query not in the file, kind: sql, service: postgres, queryFile: queries.sql, queryName: gone, expect: { rowCount: 1 } }",
      "  - { id: absent, title: a file not in the starter, kind: explain, service: postgres, queryFile: nowhere.sql, expect: { noSeqScanOn: t } }",
    ].join('\n');
    const files = { ...VALID_LAB_FILES, 'starter/queries.sql': '-- query: top-customers\nselect 1;\n\n-- name: later\nselect 2;\n' };
    const root = makeLabsRoot([{ ...lab(1, 'first', (y) => `${y}${checks}\n`), files }]);
    const [entry] = (await loadCatalog(root)).entries;
    assert.ok(entry?.status === 'broken');
    assert.deepEqual(entry.problems.map(formatProblem), [
      '01-first/lab.yaml:37:117: checks[3].queryName: starter/queries.sql has no line `-- query: gone` (or `-- name: gone`)',
      '01-first/lab.yaml:38:98: checks[4].queryFile: starter/nowhere.sql does not exist',
    ]);
  });

  it('breaks a lab whose prerequisite or number is unknown or taken', async () => {
    const root = makeLabsRoot([
      lab(1, 'first'),
      lab(2, 'second', (y) => y.replace('prerequisites: []', 'prerequisites: [first, missing-lab]')),
      { ...lab(2, 'again'), folder: '02-again' },
    ]);
    const catalog = await loadCatalog(root);
    const problems = catalog.entries.flatMap((entry) => (entry.status === 'broken' ? entry.problems.map(formatProblem) : []));
    // Folders are read in name order, so 02-again holds number 2 first.
    assert.deepEqual(problems, [
      '02-second/lab.yaml: number: 2 is already the number of 02-again',
      '02-second/lab.yaml: prerequisites[1]: "missing-lab" is not the id of any lab',
    ]);
    assert.deepEqual(catalog.entries.map((entry) => [entry.folder, entry.status]), [['01-first', 'ok'], ['02-again', 'ok'], ['02-second', 'broken']]);
  });

  it('names a folder that is not a lab folder, and a lab folder without lab.yaml', async () => {
    const root = makeLabsRoot([{ folder: 'notes', files: {} }, { folder: '04-empty', files: {} }]);
    const catalog = await loadCatalog(root);
    assert.deepEqual(
      catalog.entries.map((entry) => (entry.status === 'broken' ? entry.problems.map(formatProblem) : [])),
      [['04-empty/lab.yaml: is missing: every lab folder needs a lab.yaml'], ['notes: is not a lab folder name: NN-<id>, e.g. 07-analytics-star-schema']],
    );
  });

  it('checks that compose.yaml has every service the lab names', async () => {
    const root = makeLabsRoot([lab(1, 'first', (y) => y.replace('  - name: postgres', '  - name: warehouse').replace(/service: postgres/g, 'service: warehouse'))]);
    const [entry] = (await loadCatalog(root)).entries;
    assert.ok(entry?.status === 'broken');
    assert.deepEqual(entry.problems.map(formatProblem), ['01-first/lab.yaml:12:11: services[0].name: compose.yaml has no service "warehouse"']);
  });

  it('gives a lab a content version that changes with its checks but not with its brief', async () => {
    const root = makeLabsRoot([lab(1, 'first')]);
    const before = (await loadCatalog(root)).entries[0];
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${root}/01-first/README.md`, '# A better brief\n');
    const afterBrief = (await loadCatalog(root)).entries[0];
    writeFileSync(`${root}/01-first/checks/test_main.py`, 'def test_add():\n    assert True\n');
    const afterChecks = (await loadCatalog(root)).entries[0];
    assert.ok(before?.status === 'ok' && afterBrief?.status === 'ok' && afterChecks?.status === 'ok');
    assert.match(before.contentVersion, /^[0-9a-f]{12}$/);
    assert.equal(afterBrief.contentVersion, before.contentVersion);
    assert.notEqual(afterChecks.contentVersion, before.contentVersion);
  });
});
