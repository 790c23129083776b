import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLab } from '../../../src/core/labs/catalog';
import { labJsonSchema } from '../../../src/core/labs/labSchema';
import { formatProblem } from '../../../src/core/labs/problems';
import { makeLabsRoot, VALID_LAB_FILES, VALID_LAB_YAML } from '../../support/labFixture';

/** The fixture lab with a Kafka service and one kafka check whose `expect` is the YAML given. */
function kafkaLabYaml(expect: string): string {
  return VALID_LAB_YAML.replace('services:\n', 'services:\n  - name: kafka\n    kind: kafka\n').concat(
    ['  - id: orders-topic', '    title: the orders topic is as expected', '    kind: kafka', '    service: kafka', '    topic: orders', `    expect: ${expect}`, ''].join('\n'),
  );
}

async function problemsOf(expect: string, extraFiles: Record<string, string> = { 'checks/order.schema.json': '{ "type": "object" }\n' }): Promise<string[]> {
  const files = { ...VALID_LAB_FILES, ...extraFiles, 'compose.yaml': 'services:\n  postgres:\n    image: postgres:16.6\n  kafka:\n    image: apache/kafka:4.1.1\n' };
  const root = makeLabsRoot([{ folder: '01-tiny-lab', yaml: kafkaLabYaml(expect), files }]);
  const entry = await loadLab(root, '01-tiny-lab');
  return entry.status === 'broken' ? entry.problems.map(formatProblem) : [];
}

describe('the kafka check in the lab schema', () => {
  it('accepts every expectation together', async () => {
    assert.deepEqual(await problemsOf('{ partitions: 3, minMessages: 10, messages: 12, keyed: true, distinctKeys: 4, maxLag: { group: billing, lag: 0 }, schema: checks/order.schema.json }'), []);
  });

  const broken: [string, string, string[]][] = [
    ['no expectation at all', '{}', ['01-tiny-lab/lab.yaml:43:13: checks[2].expect: needs at least one of partitions, minMessages, messages, keyed, distinctKeys, maxLag, schema']],
    ['keyed: false (keyed only says true)', '{ keyed: false }', ['01-tiny-lab/lab.yaml:43:22: checks[2].expect.keyed: must be true; leave keyed out to not check the keys']],
    ['a schema that is not a .json file', '{ schema: checks/order.yaml }', ['01-tiny-lab/lab.yaml:43:23: checks[2].expect.schema: must be a .json file under checks/']],
    ['a schema outside checks/', '{ schema: schemas/order.json }', ['01-tiny-lab/lab.yaml:43:23: checks[2].expect.schema: must be a file under checks/']],
    ['a maxLag without its lag', '{ maxLag: { group: billing } }', ['01-tiny-lab/lab.yaml:43:23: checks[2].expect.maxLag.lag: is required']],
    ['a topic without partitions', '{ partitions: 0 }', ['01-tiny-lab/lab.yaml:43:27: checks[2].expect.partitions: Too small: expected number to be >=1']],
  ];
  for (const [what, expect, expected] of broken) {
    it(`reports ${what} with file, line and field`, async () => {
      assert.deepEqual(await problemsOf(expect), expected);
    });
  }

  it('reports a schema file the lab does not have', async () => {
    assert.deepEqual(await problemsOf('{ schema: checks/order.schema.json }', {}), ['01-tiny-lab/lab.yaml:43:23: checks[2].expect.schema: checks/order.schema.json does not exist']);
  });

  it("gives editors each expectation's description", () => {
    const schema = JSON.stringify(labJsonSchema());
    for (const description of [
      'The topic has exactly this many partitions.',
      'Every message of the topic has a key.',
      'The messages have exactly this many distinct keys (messages without a key count for none).',
      'The consumer group has committed an offset on every partition of the topic, and its total lag there is at most `lag`.',
    ]) {
      assert.ok(schema.includes(JSON.stringify(description)), description);
    }
  });
});
