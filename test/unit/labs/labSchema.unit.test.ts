import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCatalog, loadLab } from '../../../src/core/labs/catalog';
import { labJsonSchema } from '../../../src/core/labs/labSchema';
import { formatProblem } from '../../../src/core/labs/problems';
import { makeLabsRoot, REPO_ROOT, VALID_LAB_YAML } from '../../support/labFixture';

async function problemsOf(yaml: string): Promise<string[]> {
  const root = makeLabsRoot([{ folder: '01-tiny-lab', yaml }]);
  const entry = await loadLab(root, '01-tiny-lab');
  return entry.status === 'broken' ? entry.problems.map(formatProblem) : [];
}

describe('the lab schema', () => {
  it('accepts every lab under labs/, in the 13 levels of levels.yaml', async () => {
    const catalog = await loadCatalog(join(REPO_ROOT, 'labs'));
    assert.deepEqual(catalog.problems, []);
    assert.equal(catalog.levels.length, 13);
    const broken = catalog.entries.flatMap((entry) => (entry.status === 'broken' ? entry.problems.map(formatProblem) : []));
    assert.deepEqual(broken, []);
    assert.ok(catalog.entries.length >= 3);
  });

  it('accepts the valid fixture lab', async () => {
    assert.deepEqual(await problemsOf(VALID_LAB_YAML), []);
  });

  const broken: [string, (yaml: string) => string, string[]][] = [
    ['a number out of range', (y) => y.replace('number: 1\n', 'number: 70\n'), ['01-tiny-lab/lab.yaml:3:9: number: Too big: expected number to be <=60']],
    ['a missing title', (y) => y.replace('title: Tiny lab\n', ''), ['01-tiny-lab/lab.yaml:1:1: title: is required']],
    ['a misspelt field', (y) => y.replace('skills:', 'skils:'), [
      '01-tiny-lab/lab.yaml:1:1: skills: is required',
      '01-tiny-lab/lab.yaml:7:1: skils: is not a field of this object; check its spelling in docs/lab-format.md',
    ]],
    ['an id that is not kebab-case', (y) => y.replace('id: tiny-lab', 'id: Tiny_Lab'), ['01-tiny-lab/lab.yaml:2:5: id: must be kebab-case: lower-case letters, digits and single hyphens']],
    ['an unknown check kind', (y) => y.replace('kind: pytest', 'kind: pytset'), ['01-tiny-lab/lab.yaml:27:11: checks[0].kind: kind must be one of pytest, sql, schema, explain, command, http, file, mermaid, kafka']],
    ['a sql check with two expectations', (y) => y.replace('expect: { scalar: 3 }', 'expect: { scalar: 3, rowCount: 3 }'), ['01-tiny-lab/lab.yaml:35:13: checks[1].expect: must be exactly one of { scalar: value }, { rows: [[...], ...] } or { rowCount: n }']],
    ['a sql check with both a query and a query file', (y) => y.replace('query: select count(*) from t', 'query: select count(*) from t\n    queryFile: count.sql'), ['01-tiny-lab/lab.yaml:30:5: checks[1]: needs exactly one of query and queryFile']],
    ['an explain check naming a query without its file', (y) => y.replace('kind: sql', 'kind: explain').replace('expect: { scalar: 3 }', 'queryName: count-rows\n    expect: { nodeType: Aggregate }'), ['01-tiny-lab/lab.yaml:30:5: checks[1]: queryName names a query of queryFile: give the file too']],
    ['a hidden file outside checks/', (y) => y.replace('file: checks/test_main.py', 'file: tests/test_main.py'), ['01-tiny-lab/lab.yaml:28:11: checks[0].file: must be a file under checks/']],
    ['a path that climbs out of the lab', (y) => y.replace('open: [main.py]', 'open: [../main.py]'), ['01-tiny-lab/lab.yaml:19:10: scaffold.open[0]: must be a relative path inside the lab, without ".."']],
    ['a setup file without a scope', (y) => y.replace('workspace:schema.sql', 'schema.sql'), ["01-tiny-lab/lab.yaml:23:32: checkSetup[0].sql[1]: must start with workspace: (a learner file) or lab: (a hidden file under checks/)"]],
    ['a wrong schema version', (y) => y.replace('schemaVersion: 1', 'schemaVersion: 2'), ['01-tiny-lab/lab.yaml:1:16: schemaVersion: must be 1']],
    ['YAML that does not parse', (y) => y.replace('skills: [testing]', 'skills: [testing'), ['01-tiny-lab/lab.yaml:8:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a check on a service the lab does not have', (y) => y.replace('    service: postgres\n    query', '    service: kafka\n    query'), ['01-tiny-lab/lab.yaml:33:14: checks[1].service: is not a service of this lab (postgres)']],
    ['a scaffolded file missing from starter/', (y) => y.replace('open: [main.py]', 'open: [app.py]'), ['01-tiny-lab/lab.yaml:19:10: scaffold.open[0]: starter/app.py does not exist']],
    ['a folder that does not match number and id', (y) => y.replace('id: tiny-lab', 'id: small-lab'), ['01-tiny-lab/lab.yaml:2:5: id: the lab\'s folder must be named 01-small-lab (its number and id), not 01-tiny-lab']],
  ];
  for (const [what, change, expected] of broken) {
    it(`reports ${what} with file, line and field`, async () => {
      assert.deepEqual(await problemsOf(change(VALID_LAB_YAML)), expected);
    });
  }

  it('exports a JSON Schema that editors can use', () => {
    const schema = labJsonSchema() as { $schema: string; title: string; required: string[]; properties: Record<string, { description?: string }> };
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.title, 'Data Engineering Labs: lab.yaml');
    assert.deepEqual(schema.required.sort(), ['checks', 'estimatedMinutes', 'id', 'languages', 'level', 'number', 'prerequisites', 'scaffold', 'schemaVersion', 'services', 'skills', 'summary', 'title']);
    assert.equal(schema.properties['number']?.description, "The lab's number in the curriculum, 1 to 60.");
  });
});
