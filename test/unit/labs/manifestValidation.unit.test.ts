import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadLab, validateLabManifest, validateManifestText } from '../../../src/core/labs/catalog';
import { formatProblem, YamlSource, type LocatedProblem } from '../../../src/core/labs/problems';
import { makeLabsRoot, VALID_LAB_YAML } from '../../support/labFixture';

/** Each problem as the loader formats it, with the text its span covers. */
function underlined(text: string, problems: readonly LocatedProblem[]): [string, string | undefined][] {
  return problems.map(({ problem, span }) => [formatProblem(problem), span ? text.slice(span.start, span.end) : undefined]);
}

describe('one lab manifest, validated from its text', () => {
  const root = makeLabsRoot([{ folder: '01-tiny-lab' }]);
  const dir = join(root, '01-tiny-lab');

  it('finds nothing wrong in a valid manifest, and gives the manifest', () => {
    const validation = validateLabManifest(VALID_LAB_YAML, dir, '01-tiny-lab');
    assert.deepEqual(validation.problems, []);
    assert.equal(validation.manifest?.id, 'tiny-lab');
  });

  it('finds what the loader finds, in its words, for the text given rather than the file', async () => {
    const text = VALID_LAB_YAML.replace('open: [main.py]', 'open: [app.py]').replace('    service: postgres\n    query', '    service: kafka\n    query');
    const validation = validateLabManifest(text, dir, '01-tiny-lab');
    assert.equal(validation.manifest, undefined);
    assert.deepEqual(validation.known, { number: 1, level: 1, title: 'Tiny lab' });
    assert.deepEqual(underlined(text, validation.problems), [
      ['01-tiny-lab/lab.yaml:19:10: scaffold.open[0]: starter/app.py does not exist', 'app.py'],
      ['01-tiny-lab/lab.yaml:33:14: checks[1].service: is not a service of this lab (postgres)', 'service'],
    ]);
    const onDisk = makeLabsRoot([{ folder: '01-tiny-lab', yaml: text }]);
    const entry = await loadLab(onDisk, '01-tiny-lab');
    assert.ok(entry.status === 'broken');
    assert.deepEqual(entry.problems, validation.problems.map((located) => located.problem));
  });

  it("spans a field's key, an unknown key, and a sequence item's value", () => {
    const text = VALID_LAB_YAML.replace('kind: pytest', 'kind: pytset').replace('skills:', 'skils:').replace('open: [main.py]', 'open: [../main.py]');
    assert.deepEqual(underlined(text, validateManifestText(text, 'lab.yaml').problems), [
      ['lab.yaml:1:1: skills: is required', 'schemaVersion: 1'],
      ['lab.yaml:19:10: scaffold.open[0]: must be a relative path inside the lab, without ".."', '../main.py'],
      ['lab.yaml:27:11: checks[0].kind: kind must be one of pytest, sql, schema, explain, command, http, file, mermaid, kafka', 'kind'],
      ['lab.yaml:7:1: skils: is not a field of this object; check its spelling in docs/lab-format.md', 'skils'],
    ]);
  });

  it('spans the first line of the nearest mapping there is when the field is missing', () => {
    const text = VALID_LAB_YAML.replace('    title: add() adds two numbers\n', '');
    assert.deepEqual(underlined(text, validateManifestText(text, 'lab.yaml').problems), [['lab.yaml:25:5: checks[0].title: is required', 'id: adds-up']]);
  });

  it('spans a YAML syntax error where the parser stopped', () => {
    const text = VALID_LAB_YAML.replace('skills: [testing]', 'skills: [testing');
    assert.deepEqual(underlined(text, validateManifestText(text, 'lab.yaml').problems), [
      ['lab.yaml:8:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]', 'e'],
    ]);
  });

  it('leaves problems about other files of the package without a span', () => {
    const bare = makeLabsRoot([{ folder: '01-tiny-lab', files: {} }]);
    const validation = validateLabManifest(VALID_LAB_YAML, join(bare, '01-tiny-lab'), '01-tiny-lab');
    assert.deepEqual(underlined(VALID_LAB_YAML, validation.problems).slice(0, 3), [
      ['01-tiny-lab/README.md: is missing: every lab needs a brief', undefined],
      ['01-tiny-lab/starter: is missing: every lab needs a starter folder', undefined],
      ['01-tiny-lab/lab.yaml:19:10: scaffold.open[0]: starter/main.py does not exist', 'main.py'],
    ]);
  });

  it('gives a YamlSource span of a key in a flow mapping, and of a key with a number for a name', () => {
    const text = 'expect: { scalar: 3, rowCount: 3 }\n1: one\n';
    const source = new YamlSource('x.yaml', text);
    const slice = (path: readonly PropertyKey[], keyOf?: string): string | undefined => {
      const span = source.spanOf(path, keyOf);
      return span ? text.slice(span.start, span.end) : undefined;
    };
    assert.deepEqual([slice(['expect', 'rowCount']), slice(['expect'], 'scalar'), slice(['1']), slice(['expect', 'rows'])], ['rowCount', 'scalar', '1', 'expect']);
  });
});
