/**
 * The kafka check kind on a real Kafka broker (Kafka 4 in KRaft mode, test/support/kafkaBroker.ts), run
 * through the real engine and the real service resolver, its override pointing at the test broker:
 * partitions, message counts, keys, a consumer group's lag, values against a JSON Schema, a broker that
 * stops, and an `eventually` check that passes once a producer catches up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { CHECK_KIND_RUNNERS } from '../../src/core/checks/kinds';
import { createServiceResolver } from '../../src/core/checks/resolver';
import type { CheckResult } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab, scratchFolders } from '../support/checkFixture';
import { startKafkaBroker, type KafkaBroker } from '../support/kafkaBroker';
import { createTopic, joinGroup, produce } from '../support/kafkaClients';

const ORDER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { id: { type: 'integer' }, amount: { type: 'number' } },
  required: ['id', 'amount'],
  additionalProperties: false,
};

/** The topics the tests make, as a missing topic's message lists them. */
const TOPICS = ['audit', 'events', 'firehose', 'later', 'orders', 'payments', 'raw'];

/** What a test compares of a result; expected and actual are there, undefined, when the kind gave none. */
interface Shown {
  readonly id: string;
  readonly status: CheckResult['status'];
  readonly message: string;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
}

function lab(checks: readonly unknown[]): LabManifest {
  return kindTestLab('kafka', checks, {
    services: [
      { name: 'broker', kind: 'kafka' },
      { name: 'db', kind: 'postgres', database: 'shop' },
    ],
  });
}

const kafkaCheck = (id: string, topic: string, expect: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  title: `check ${id}`,
  kind: 'kafka',
  service: 'broker',
  topic,
  expect,
  ...extra,
});

function shown({ id, status, message, expected, actual }: CheckResult): Shown {
  return { id, status, message, expected, actual };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('kafka checks on a real broker', () => {
  const scratch = scratchFolders('delabs-kafka-kind-');
  const labPackage = scratch.folder({
    'checks/order.schema.json': JSON.stringify(ORDER_SCHEMA),
    'checks/misspelt.schema.json': JSON.stringify({ type: 'object', propertees: {} }),
    'checks/not-json.schema.json': '{ "type": ',
  });
  let broker: KafkaBroker;

  async function run(checks: readonly unknown[], overrides: Readonly<Record<string, string>> = { broker: `kafka://${broker.bootstrap}` }): Promise<CheckResult[]> {
    const result = await runLabChecks({
      manifest: lab(checks),
      labPackageDir: labPackage,
      workDir: scratch.folder(),
      python: 'python3',
      resolver: createServiceResolver({ labPackageDir: () => labPackage, overrides }),
      kinds: CHECK_KIND_RUNNERS,
      defaultTimeoutSeconds: 30,
    });
    return [...result.results];
  }

  before(async () => {
    broker = await startKafkaBroker();
    const partitions: Readonly<Record<string, number>> = { audit: 2, events: 1, firehose: 1, later: 1, orders: 3, payments: 2, raw: 1 };
    for (const topic of TOPICS) await createTopic(broker.bootstrap, topic, partitions[topic] ?? 1);
    // Six orders, two to each partition, one customer per partition: keyed, three distinct keys, all valid.
    await produce(broker.bootstrap, 'orders', Array.from({ length: 6 }, (_, id) => ({ key: `customer-${id % 3}`, value: JSON.stringify({ id, amount: 10 * id }), partition: id % 3 })));
    await produce(broker.bootstrap, 'events', [
      { key: 'a', value: '{"id":1,"amount":5}' },
      { value: '{"id":2,"amount":6}' },
      { key: 'b', value: '{"id":3,"amount":"7"}' },
      { key: 'a', value: 'not json' },
    ]);
    await produce(broker.bootstrap, 'raw', [{ key: 'x', value: '{"id": 1,' }]);
  });

  after(async () => {
    await broker?.dispose();
  });

  it('passes and fails on the partition count, and names the topics there are when the topic is missing', async () => {
    const results = await run([kafkaCheck('three', 'orders', { partitions: 3 }), kafkaCheck('two', 'orders', { partitions: 2 }), kafkaCheck('missing', 'order', { partitions: 3 })]);
    assert.deepEqual(results.map(shown), [
      { id: 'three', status: 'passed', message: 'the topic "orders" is as expected: 3 partitions.', expected: undefined, actual: undefined },
      { id: 'two', status: 'failed', message: 'the topic "orders" has 3 partitions, expected 2.', expected: '2 partitions', actual: '3 partitions' },
      {
        id: 'missing',
        status: 'failed',
        message: 'there is no topic "order"; the topics are: audit, events, firehose, later, orders, payments, raw.',
        expected: 'a topic "order"',
        actual: 'topics: audit, events, firehose, later, orders, payments, raw',
      },
    ]);
  });

  it('counts the messages from the offsets: at least, and exactly', async () => {
    const results = await run([
      kafkaCheck('at-least', 'orders', { minMessages: 6 }),
      kafkaCheck('too-few', 'orders', { minMessages: 10 }),
      kafkaCheck('exactly', 'orders', { messages: 6 }),
      kafkaCheck('too-many', 'orders', { messages: 5 }),
      kafkaCheck('empty', 'later', { messages: 0 }),
    ]);
    assert.deepEqual(results.map(shown), [
      { id: 'at-least', status: 'passed', message: 'the topic "orders" is as expected: 6 messages (at least 6).', expected: undefined, actual: undefined },
      { id: 'too-few', status: 'failed', message: 'the topic "orders" holds 6 messages, expected at least 10.', expected: 'at least 10 messages', actual: '6 messages' },
      { id: 'exactly', status: 'passed', message: 'the topic "orders" is as expected: 6 messages.', expected: undefined, actual: undefined },
      { id: 'too-many', status: 'failed', message: 'the topic "orders" holds 6 messages, expected exactly 5.', expected: 'exactly 5 messages', actual: '6 messages' },
      { id: 'empty', status: 'passed', message: 'the topic "later" is as expected: 0 messages.', expected: undefined, actual: undefined },
    ]);
  });

  it('reads every message for its keys: a key on each, and how many distinct keys', async () => {
    const results = await run([
      kafkaCheck('keyed', 'orders', { keyed: true }),
      kafkaCheck('unkeyed', 'events', { keyed: true }),
      kafkaCheck('three-customers', 'orders', { distinctKeys: 3 }),
      kafkaCheck('two-keys', 'events', { distinctKeys: 3 }),
    ]);
    assert.deepEqual(results.map(shown), [
      { id: 'keyed', status: 'passed', message: 'the topic "orders" is as expected: a key on every message.', expected: undefined, actual: undefined },
      {
        id: 'unkeyed',
        status: 'failed',
        message: '1 of the 4 messages in "events" has no key; the first is at partition 0, offset 1.',
        expected: 'a key on every message',
        actual: '1 message without a key (the first at partition 0, offset 1)',
      },
      { id: 'three-customers', status: 'passed', message: 'the topic "orders" is as expected: 3 distinct keys.', expected: undefined, actual: undefined },
      { id: 'two-keys', status: 'failed', message: 'the messages in "events" have 2 distinct keys, expected 3.', expected: '3 distinct keys', actual: '2 distinct keys: "a", "b"' },
    ]);
  });

  it("checks every value against the lab's JSON Schema, naming the first message that fails by partition and offset", async () => {
    const results = await run([
      kafkaCheck('valid', 'orders', { schema: 'checks/order.schema.json' }),
      kafkaCheck('wrong-type', 'events', { schema: 'checks/order.schema.json' }),
      kafkaCheck('not-json', 'raw', { schema: 'checks/order.schema.json' }),
    ]);
    assert.deepEqual(results.map(shown), [
      { id: 'valid', status: 'passed', message: 'the topic "orders" is as expected: every value matching checks/order.schema.json.', expected: undefined, actual: undefined },
      {
        id: 'wrong-type',
        status: 'failed',
        message: 'the message at partition 0, offset 2 of "events" does not match checks/order.schema.json: /amount must be number; its value is {"id":3,"amount":"7"}.',
        expected: 'every value matching checks/order.schema.json',
        actual: '/amount must be number',
      },
      {
        id: 'not-json',
        status: 'failed',
        message: 'the message at partition 0, offset 0 of "raw" is not JSON (Expected double-quoted property name in JSON at position 9); its value is {"id": 1,.',
        expected: 'every value matching checks/order.schema.json',
        actual: 'not JSON: Expected double-quoted property name in JSON at position 9',
      },
    ]);
  });

  it('passes with every expectation summed up, and fails with every one that does not hold, at once', async () => {
    const results = await run([
      kafkaCheck('all-good', 'orders', { partitions: 3, messages: 6, keyed: true, distinctKeys: 3, schema: 'checks/order.schema.json' }),
      kafkaCheck('all-wrong', 'events', { partitions: 2, minMessages: 4, keyed: true, distinctKeys: 3, schema: 'checks/order.schema.json' }),
    ]);
    assert.deepEqual(results.map(shown), [
      {
        id: 'all-good',
        status: 'passed',
        message: 'the topic "orders" is as expected: 3 partitions, 6 messages, a key on every message, 3 distinct keys, every value matching checks/order.schema.json.',
        expected: undefined,
        actual: undefined,
      },
      {
        id: 'all-wrong',
        status: 'failed',
        message:
          'the topic "events" has 1 partition, expected 2. ' +
          '1 of the 4 messages in "events" has no key; the first is at partition 0, offset 1. ' +
          'The messages in "events" have 2 distinct keys, expected 3. ' +
          'The message at partition 0, offset 2 of "events" does not match checks/order.schema.json: /amount must be number; its value is {"id":3,"amount":"7"}.',
        expected: ['2 partitions', 'at least 4 messages', 'a key on every message', '3 distinct keys', 'every value matching checks/order.schema.json'].join('\n'),
        actual: ['1 partition', '4 messages', '1 message without a key (the first at partition 0, offset 1)', '2 distinct keys: "a", "b"', '/amount must be number'].join('\n'),
      },
    ]);
  });

  it("passes while a consumer group keeps up, and fails with the group's lag per partition once it falls behind", async () => {
    await produce(broker.bootstrap, 'payments', Array.from({ length: 8 }, (_, index) => ({ key: `p${index}`, value: String(index), partition: index % 2 })));
    const ledger = await joinGroup(broker.bootstrap, 'ledger', 'payments', 'ledger-consumer');
    await ledger.read(8);
    await ledger.close();
    const caughtUp = await run([kafkaCheck('caught-up', 'payments', { maxLag: { group: 'ledger', lag: 0 } })]);
    assert.deepEqual(caughtUp.map(shown), [
      { id: 'caught-up', status: 'passed', message: 'the topic "payments" is as expected: the group "ledger" 0 messages behind (at most 0).', expected: undefined, actual: undefined },
    ]);

    await produce(broker.bootstrap, 'payments', [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }]);
    const behind = await run([kafkaCheck('within-three', 'payments', { maxLag: { group: 'ledger', lag: 3 } }), kafkaCheck('within-one', 'payments', { maxLag: { group: 'ledger', lag: 1 } })]);
    assert.deepEqual(behind.map(shown), [
      { id: 'within-three', status: 'passed', message: 'the topic "payments" is as expected: the group "ledger" 3 messages behind (at most 3).', expected: undefined, actual: undefined },
      {
        id: 'within-one',
        status: 'failed',
        message: 'the consumer group "ledger" is 3 messages behind on "payments", expected at most 1.',
        expected: 'group "ledger": a lag of at most 1',
        actual: 'group "ledger": a lag of 3 (partition 0: 2, partition 1: 1)',
      },
    ]);
  });

  it('fails, naming the partitions, when the group has committed no offset on some of them: unknown lag is not zero lag', async () => {
    // Every audit message goes to partition 0: the group never commits on partition 1.
    await produce(broker.bootstrap, 'audit', [{ value: 'x', partition: 0 }, { value: 'y', partition: 0 }, { value: 'z', partition: 0 }]);
    const auditor = await joinGroup(broker.bootstrap, 'auditor', 'audit', 'auditor-consumer');
    await auditor.read(3);
    await auditor.close();
    const results = await run([kafkaCheck('partial', 'audit', { maxLag: { group: 'auditor', lag: 0 } }), kafkaCheck('elsewhere', 'orders', { maxLag: { group: 'auditor', lag: 10 } })]);
    assert.deepEqual(results.map(shown), [
      {
        id: 'partial',
        status: 'failed',
        message: 'the consumer group "auditor" has committed no offset on partition 1 of "audit": its lag there is unknown, not zero.',
        expected: 'group "auditor": a lag of at most 0',
        actual: 'group "auditor": no committed offset on partition 1',
      },
      {
        id: 'elsewhere',
        status: 'failed',
        message: 'the consumer group "auditor" has committed no offset on "orders": its lag there is unknown, not zero.',
        expected: 'group "auditor": a lag of at most 10',
        actual: 'group "auditor": no committed offset on partitions 0, 1, 2',
      },
    ]);
  });

  it('fails on a consumer group that does not exist, naming the groups there are', async () => {
    const results = await run([kafkaCheck('nobody', 'payments', { maxLag: { group: 'billing', lag: 0 } })]);
    assert.deepEqual(results.map(shown), [
      { id: 'nobody', status: 'failed', message: 'there is no consumer group "billing"; the groups are: auditor, ledger.', expected: 'group "billing": a lag of at most 0', actual: 'no group "billing"' },
    ]);
  });

  it("could not run: the lab's schema is missing or no schema, the service is not Kafka, its address is not kafka://", async () => {
    const results = await run([
      kafkaCheck('no-file', 'orders', { schema: 'checks/missing.schema.json' }),
      kafkaCheck('misspelt', 'orders', { schema: 'checks/misspelt.schema.json' }),
      kafkaCheck('not-json', 'orders', { schema: 'checks/not-json.schema.json' }),
      kafkaCheck('postgres', 'orders', { partitions: 3 }, { service: 'db' }),
    ]);
    assert.deepEqual(results.map(shown), [
      { id: 'no-file', status: 'could-not-run', message: 'could not run: the lab has no checks/missing.schema.json; this is a bug in the lab.', expected: undefined, actual: undefined },
      {
        id: 'misspelt',
        status: 'could-not-run',
        message: 'could not run: checks/misspelt.schema.json is not a JSON Schema ajv can use (strict mode: unknown keyword: "propertees"); this is a bug in the lab.',
        expected: undefined,
        actual: undefined,
      },
      {
        id: 'not-json',
        status: 'could-not-run',
        message: 'could not run: checks/not-json.schema.json is not JSON (Unexpected end of JSON input); this is a bug in the lab.',
        expected: undefined,
        actual: undefined,
      },
      { id: 'postgres', status: 'could-not-run', message: 'could not run: the service "db" is a postgres service, not a Kafka one; this is a bug in the lab.', expected: undefined, actual: undefined },
    ]);
    const http = await run([kafkaCheck('http', 'orders', { partitions: 3 })], { broker: 'http://127.0.0.1:9092' });
    assert.deepEqual(http.map(shown), [
      {
        id: 'http',
        status: 'could-not-run',
        message: 'could not run: the address of the service "broker" (from the setting dataEngLabs.services.overrides) is http://127.0.0.1:9092, not a kafka://host:port address: correct it there.',
        expected: undefined,
        actual: undefined,
      },
    ]);
  });

  it('could not run: the messages to read are more than a check reads, while counting them needs no reading', async () => {
    const count = 100_001;
    for (let start = 0; start < count; start += 10_000) {
      await produce(broker.bootstrap, 'firehose', Array.from({ length: Math.min(10_000, count - start) }, (_, index) => ({ value: String(start + index) })));
    }
    const results = await run([kafkaCheck('counted', 'firehose', { messages: 100_001 }), kafkaCheck('too-many-to-read', 'firehose', { keyed: true, schema: 'checks/order.schema.json' })]);
    assert.deepEqual(results.map(shown), [
      { id: 'counted', status: 'passed', message: 'the topic "firehose" is as expected: 100001 messages.', expected: undefined, actual: undefined },
      {
        id: 'too-many-to-read',
        status: 'could-not-run',
        message:
          'could not run: the topic "firehose" holds 100001 messages, more than the 100000 a kafka check reads, and keyed and schema need every one; ' +
          'this is a bug in the lab, unless your pipeline wrote far more messages than it should.',
        expected: undefined,
        actual: undefined,
      },
    ]);
  });

  it('eventually: passes once a producer catches up, after failing while it had not', async () => {
    const running = run([kafkaCheck('caught-up', 'later', { messages: 5, keyed: true }, { eventually: true, pollSeconds: 0.2, timeoutSeconds: 30 })]);
    await sleep(1_500);
    await produce(broker.bootstrap, 'later', Array.from({ length: 5 }, (_, index) => ({ key: `k${index}`, value: String(index) })));
    const [result] = await running;
    assert.ok(result);
    assert.deepEqual(shown(result), { id: 'caught-up', status: 'passed', message: 'the topic "later" is as expected: 5 messages, a key on every message.', expected: undefined, actual: undefined });
    assert.ok(result.attempts > 1, `tried ${result.attempts} times`);
  });

  it('could not run when the broker does not answer, with where its address came from', async () => {
    await broker.stop();
    const results = await run([kafkaCheck('down', 'orders', { partitions: 3 })]);
    assert.deepEqual(results.map(shown), [
      {
        id: 'down',
        status: 'could-not-run',
        message:
          `could not run: the Kafka broker at ${broker.bootstrap} does not answer: start the lab's services (Data Labs: Start Services), or check the address. ` +
          'The address of the service "broker" comes from the setting dataEngLabs.services.overrides.',
        expected: undefined,
        actual: undefined,
      },
    ]);
  });
});
