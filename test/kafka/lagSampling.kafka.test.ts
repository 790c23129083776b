/**
 * Consumer lag sampled from a real Kafka broker (Kafka 4 in KRaft mode, test/support/kafkaBroker.ts) while
 * real producers and consumers move: lag rising and falling, a group with no committed offset told apart
 * from one with zero lag and from an idle topic, a group that rebalances, a deleted topic, and a broker
 * that stops in the middle of sampling and comes back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectKafka, type KafkaCluster } from '../../src/core/kafka/kafkaRuntime';
import { groupLag } from '../../src/core/kafka/lagAnalysis';
import type { GroupSample } from '../../src/shared/lag';
import { startKafkaBroker, type KafkaBroker } from '../support/kafkaBroker';
import { createTopic, deleteTopic, joinGroup, produce, type GroupConsumer } from '../support/kafkaClients';

/** `count` messages spread evenly over `partitions` partitions, keyed. */
function messages(count: number, partitions: number, start = 0): { key: string; value: string; partition: number }[] {
  return Array.from({ length: count }, (_, index) => ({ key: `k${start + index}`, value: JSON.stringify({ trade: start + index }), partition: (start + index) % partitions }));
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

describe('consumer lag on a real Kafka broker', () => {
  let broker: KafkaBroker;
  let cluster: KafkaCluster;
  const consumers: GroupConsumer[] = [];

  before(async () => {
    broker = await startKafkaBroker();
    cluster = await connectKafka([broker.bootstrap], { timeoutMs: 3_000 });
  });

  after(async () => {
    for (const consumer of consumers) await consumer.close();
    await cluster?.close();
    await broker?.dispose();
  });

  const groupSample = async (group: string): Promise<GroupSample | undefined> => (await cluster.sample([group])).groups.find((entry) => entry.group === group);

  it('follows the lag as producers and a consumer move: rising, then falling to zero', async () => {
    await createTopic(broker.bootstrap, 'trades', 3);
    await produce(broker.bootstrap, 'trades', messages(30, 3));
    const consumer = await joinGroup(broker.bootstrap, 'analytics', 'trades');
    consumers.push(consumer);
    await consumer.read(12);
    const history: GroupSample[] = [];
    history.push(await until('12 committed', () => groupSample('analytics'), (sample) => (sample?.partitions.reduce((sum, partition) => sum + (partition.committed ?? 0), 0) ?? 0) === 12) as GroupSample);
    const first = history[0] as GroupSample;
    assert.deepEqual(first.partitions.map((partition) => [partition.topic, partition.partition, partition.logEnd]), [['trades', 0, 10], ['trades', 1, 10], ['trades', 2, 10]]);
    // The partitions the consumer has not reached yet have no committed offset: their lag is unknown, not 10.
    const known = first.partitions.filter((partition) => partition.committed !== undefined);
    const lagNow = groupLag(history);
    assert.equal(lagNow?.totalLag, known.reduce((sum, partition) => sum + partition.logEnd - (partition.committed ?? 0), 0));
    for (const partition of lagNow?.partitions ?? []) assert.equal(partition.lag === undefined, partition.committed === undefined);

    await produce(broker.bootstrap, 'trades', messages(15, 3, 30));
    history.push((await groupSample('analytics')) as GroupSample);
    const rising = groupLag(history);
    assert.equal((rising?.totalLag ?? 0) - (lagNow?.totalLag ?? 0), 5 * known.length, 'each partition with an offset lags 5 more');
    assert.equal(rising?.produceRate !== undefined && rising.produceRate > 0, true);
    assert.equal(rising?.members.length, 1);
    assert.deepEqual(rising?.members[0]?.assignments, [{ topic: 'trades', partitions: [0, 1, 2] }]);
    assert.ok(rising?.partitions.every((partition) => partition.owner === 'test-consumer'));

    await consumer.read(33);
    history.push(await until('all committed', () => groupSample('analytics'), (sample) => (sample?.partitions.every((partition) => partition.committed === partition.logEnd) ?? false)) as GroupSample);
    const drained = groupLag(history);
    assert.equal(drained?.totalLag, 0);
    assert.equal(drained?.status, 'caught-up');
    assert.deepEqual(drained?.partitions.map((partition) => [partition.partition, partition.logEnd, partition.committed, partition.lag, partition.lagSeconds]), [[0, 15, 15, 0, 0], [1, 15, 15, 0, 0], [2, 15, 15, 0, 0]]);
  });

  it('tells a group with no committed offset from zero lag, and an idle topic from a busy one', async () => {
    await createTopic(broker.bootstrap, 'quotes', 2);
    await produce(broker.bootstrap, 'quotes', messages(4, 2));
    const consumer = await joinGroup(broker.bootstrap, 'quiet', 'quotes', 'quiet-consumer');
    consumers.push(consumer);
    const joined = await until('the member assigned', () => groupSample('quiet'), (sample) => (sample?.members[0]?.assignments.length ?? 0) > 0);
    const noOffset = groupLag([joined as GroupSample]);
    assert.deepEqual(noOffset?.partitions.map((partition) => [partition.partition, partition.lag, partition.status]), [[0, undefined, 'no-offset'], [1, undefined, 'no-offset']]);
    assert.equal(noOffset?.status, 'no-offset');
    assert.equal(noOffset?.totalLag, 0, 'unknown lag is not counted');

    await consumer.read(4);
    const read = await until('4 committed', () => groupSample('quiet'), (sample) => sample?.partitions.every((partition) => partition.committed === 2) ?? false);
    const later = await groupSample('quiet');
    assert.equal(groupLag([read as GroupSample, later as GroupSample])?.status, 'idle', 'nothing produced since: an idle topic, not a busy caught-up one');
  });

  it('follows a group that rebalances: a second member takes part of the partitions', async () => {
    const second = await joinGroup(broker.bootstrap, 'analytics', 'trades', 'second-consumer');
    consumers.push(second);
    const rebalanced = await until('two members sharing the partitions', () => groupSample('analytics'), (sample) => sample?.members.length === 2 && sample.members.every((member) => member.assignments.length > 0) && sample.state === 'Stable', 45_000);
    const owned = rebalanced?.members.flatMap((member) => member.assignments.flatMap((assignment) => assignment.partitions.map((partition) => `${member.clientId}:${partition}`))) ?? [];
    assert.equal(owned.length, 3, `each partition owned once: ${owned.join(' ')}`);
    assert.deepEqual([...new Set(rebalanced?.members.map((member) => member.clientId))].sort(), ['second-consumer', 'test-consumer']);
    assert.deepEqual(new Set(rebalanced?.partitions.map((partition) => partition.owner)), new Set(['second-consumer', 'test-consumer']));
  });

  it('names a deleted topic the group had committed on, and samples the rest', async () => {
    await createTopic(broker.bootstrap, 'scratch', 1);
    await produce(broker.bootstrap, 'scratch', messages(3, 1));
    const consumer = await joinGroup(broker.bootstrap, 'cleanup', 'scratch', 'cleanup-consumer');
    await consumer.read(3);
    await consumer.close();
    await until('3 committed', () => groupSample('cleanup'), (sample) => sample?.partitions[0]?.committed === 3);
    await deleteTopic(broker.bootstrap, 'scratch');
    const after = await until('the topic gone', () => groupSample('cleanup'), (sample) => (sample?.missingTopics ?? []).includes('scratch'));
    assert.deepEqual(after?.partitions, []);
    assert.equal(groupLag([after as GroupSample])?.status, 'stopped');
  });

  it('says so when the broker stops in the middle of sampling, and recovers when it returns', async () => {
    const before = await cluster.sample();
    assert.equal(before.error, undefined);
    await broker.stop();
    const down = await cluster.sample();
    assert.deepEqual([down.groups, down.error], [[], `the Kafka broker at ${broker.bootstrap} does not answer: start the lab's services (Data Labs: Start Services), or check the address.`]);
    await broker.start();
    const back = await until('the broker back', () => cluster.sample(), (sample) => sample.error === undefined && sample.groups.some((group) => group.group === 'analytics'), 60_000);
    const analytics = back.groups.find((group) => group.group === 'analytics');
    assert.equal(analytics?.partitions.reduce((sum, partition) => sum + (partition.committed ?? 0), 0), 45, 'the committed offsets survived the restart');
  });

  it('reads a topic\'s messages from the start, without leaving a group behind', async () => {
    const read = await cluster.readMessages('trades', 1_000, 15_000);
    assert.equal(read.length, 45);
    assert.deepEqual(read.slice(0, 2), [{ partition: 0, offset: 0, key: 'k0', value: '{"trade":0}' }, { partition: 0, offset: 1, key: 'k3', value: '{"trade":3}' }]);
    const groups = (await cluster.sample()).groups.map((group) => group.group);
    assert.ok(!groups.some((group) => group.startsWith('data-eng-labs-check-')), groups.join(', '));
  });
});
