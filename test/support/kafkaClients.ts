/**
 * Real producers and consumers for the tests against the real broker (test/support/kafkaBroker.ts),
 * with @platformatic/kafka, the client the extension uses: topics made, messages produced, a consumer
 * group that reads and commits exactly as many messages as a test says.
 */
import '../../src/core/kafka/kafkaRuntime';
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: [bootstrap] });
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.close();
  }
}

/**
 * Produces `messages` (key, value) to `topic`, each to the partition given or by its key, exactly once:
 * the producer is idempotent, so a send retried after a request timed out on a busy machine (the
 * broker had written it) is not written twice. Without that the tests counted duplicates under load.
 */
export async function produce(bootstrap: string, topic: string, messages: readonly { key?: string; value: string; partition?: number }[]): Promise<void> {
  const producer = new Producer({ clientId: 'test-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers, idempotent: true });
  try {
    await producer.send({ messages: messages.map((message) => ({ topic, value: message.value, ...(message.key !== undefined ? { key: message.key } : {}), ...(message.partition !== undefined ? { partition: message.partition } : {}) })) });
  } finally {
    await producer.close();
  }
}

/** A member of a consumer group that reads from the start and commits what it was told to read. */
export interface GroupConsumer {
  /** Reads (and commits) `count` more messages. */
  read(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function joinGroup(bootstrap: string, group: string, topic: string, clientId = 'test-consumer'): Promise<GroupConsumer> {
  const consumer = new Consumer({ clientId, groupId: group, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: 'earliest', maxWaitTime: 200 });
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async read(count) {
      for (let index = 0; index < count; index += 1) {
        const next = await iterator.next();
        if (next.done) throw new Error('the stream ended');
        await next.value.commit();
      }
    },
    async close() {
      await stream.close().catch(() => undefined);
      await consumer.close(true).catch(() => undefined);
    },
  };
}
