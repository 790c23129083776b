/**
 * The Kafka client the extension, the checks and the command-line tool share: @platformatic/kafka, pure
 * JavaScript (so the .vsix works on every platform), maintained, and written for Kafka's current protocol
 * (KafkaJS, the usual pure-JS choice, has had no release since 2023 and uses request versions Kafka 4
 * removed). The build makes this file a bundle of its own (dist/kafka.js), loaded on first use: the
 * checks bundle and the CLI import it from there, the host for the lag chart.
 *
 * What the rest of the code needs of a cluster, in plain data: topics and their partitions, offsets,
 * consumer groups with members and assignments, committed offsets, a sample of every group's lag, and
 * the messages of a topic (read from the start, without a group).
 */
import type * as PlatformaticKafka from '@platformatic/kafka';
import type { ClusterSample, GroupMember, GroupSample, PartitionSample } from '../../shared/lag';

// @platformatic/kafka calls Promise.withResolvers (Node 22); Node 20 lacks it.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void } {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}

type KafkaModule = typeof PlatformaticKafka;

let loading: Promise<KafkaModule> | undefined;

function kafkaModule(): Promise<KafkaModule> {
  loading ??= import('@platformatic/kafka');
  return loading;
}

/** One message as read back. */
export interface ReadMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

export interface KafkaCluster {
  /** Every topic but Kafka's own, with its partition count. */
  topics(): Promise<Map<string, number>>;
  /** Earliest and latest (log-end) offset of each partition of a topic. */
  offsets(topic: string): Promise<Map<number, { earliest: number; latest: number }>>;
  /** Every group's lag now (consumer groups; Kafka's internal ones left out), or why the cluster could not be read. */
  sample(only?: readonly string[]): Promise<ClusterSample>;
  /** The messages of a topic from its earliest offsets up to its log ends at the moment of the call (at most `limit`). */
  readMessages(topic: string, limit: number, timeoutMs: number): Promise<ReadMessage[]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly clientId?: string;
  /** How long a connection or a request may take, in ms (a broker that is gone is told quickly). */
  readonly timeoutMs?: number;
}

/** `kafka://host:port[,host:port]` or `host:port[,host:port]` → the bootstrap servers. */
export function bootstrapServers(url: string): string[] {
  const list = url.replace(/^kafka:\/\//, '').replace(/\/.*$/, '');
  return list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * The messages of an error and of every error and cause inside it: the client nests them several levels
 * deep ("Listing topics failed" > "metadata failed 2 times" > "Cannot connect to any broker" > ECONNREFUSED).
 */
function nestedMessages(error: unknown, depth = 0): string[] {
  if (error === undefined || error === null || depth > 6) return [];
  const nested = (error as { errors?: unknown }).errors;
  const cause = error instanceof Error ? error.cause : undefined;
  return [
    error instanceof Error ? error.message : String(error),
    ...(Array.isArray(nested) ? nested.flatMap((inner: unknown) => nestedMessages(inner, depth + 1)) : []),
    ...nestedMessages(cause, depth + 1),
  ];
}

/** A failure of the client, as a sentence with what to do. */
export function describeKafkaError(error: unknown, bootstrap: readonly string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  const nested = (error as { errors?: unknown[] } | null)?.errors;
  const causes = Array.isArray(nested) ? nested.map((cause) => (cause instanceof Error ? cause.message : String(cause))) : [];
  const all = nestedMessages(error).join(' ');
  if (/ECONNREFUSED|connect|ETIMEDOUT|EHOSTUNREACH|Connection closed|timed out|Timeout/i.test(all)) {
    return `the Kafka broker at ${bootstrap.join(', ')} does not answer: start the lab's services (Data Labs: Start Services), or check the address.`;
  }
  return `Kafka at ${bootstrap.join(', ')} answered with an error: ${causes[0] ?? text}`;
}

const INTERNAL_TOPIC = /^__/;

export async function connectKafka(bootstrap: readonly string[], options: ConnectOptions = {}): Promise<KafkaCluster> {
  const kafka = await kafkaModule();
  const timeout = options.timeoutMs ?? 5_000;
  const base = { clientId: options.clientId ?? 'data-eng-labs', bootstrapBrokers: [...bootstrap], connectTimeout: timeout, requestTimeout: timeout, timeout, retries: 1, retryDelay: 200 };
  const admin = new kafka.Admin(base);

  const topics = async (): Promise<Map<string, number>> => {
    const names = (await admin.listTopics()).filter((name) => !INTERNAL_TOPIC.test(name));
    if (names.length === 0) return new Map();
    const metadata = await admin.metadata({ topics: names, forceUpdate: true });
    return new Map(names.map((name) => [name, metadata.topics.get(name)?.partitionsCount ?? 0]));
  };

  const listOffsets = async (topicPartitions: Map<string, number>, timestamp: bigint): Promise<Map<string, number>> => {
    const result = new Map<string, number>();
    if (topicPartitions.size === 0) return result;
    const listed = await admin.listOffsets({
      topics: [...topicPartitions].map(([name, count]) => ({ name, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp })) })),
    });
    for (const topic of listed) for (const partition of topic.partitions) result.set(`${topic.name}\u0000${partition.partitionIndex}`, Number(partition.offset));
    return result;
  };

  const offsets = async (topic: string): Promise<Map<number, { earliest: number; latest: number }>> => {
    const count = (await topics()).get(topic);
    if (count === undefined) throw new Error(`there is no topic "${topic}"`);
    const wanted = new Map([[topic, count]]);
    const [earliest, latest] = await Promise.all([listOffsets(wanted, -2n), listOffsets(wanted, -1n)]);
    return new Map(Array.from({ length: count }, (_, partition) => [partition, { earliest: earliest.get(`${topic}\u0000${partition}`) ?? 0, latest: latest.get(`${topic}\u0000${partition}`) ?? 0 }]));
  };

  const sample = async (only?: readonly string[]): Promise<ClusterSample> => {
    const at = Date.now();
    try {
      const listed = [...(await admin.listGroups()).values()].filter((group) => group.protocolType === 'consumer' || group.protocolType === '');
      const ids = listed.map((group) => group.id).filter((id) => !only || only.includes(id));
      if (ids.length === 0) return { at, groups: [] };
      const [described, committed, existing] = await Promise.all([admin.describeGroups({ groups: ids }), admin.listConsumerGroupOffsets({ groups: ids }), topics()]);
      // Every topic a group reads or has committed on, that still exists.
      const wanted = new Map<string, number>();
      const gone = new Map<string, Set<string>>();
      const note = (group: string, topic: string): void => {
        const count = existing.get(topic);
        if (count !== undefined) wanted.set(topic, count);
        else gone.set(group, (gone.get(group) ?? new Set()).add(topic));
      };
      for (const group of described.values()) for (const member of group.members.values()) for (const assignment of member.assignments?.values() ?? []) note(group.id, assignment.topic);
      for (const group of committed) for (const topic of group.topics) note(group.groupId, topic.name);
      const ends = await listOffsets(wanted, -1n);
      const groups: GroupSample[] = ids.map((id) => {
        const group = described.get(id);
        const members: GroupMember[] = [...(group?.members.values() ?? [])].map((member) => ({
          id: member.id,
          clientId: member.clientId,
          host: member.clientHost,
          assignments: [...(member.assignments?.values() ?? [])].map((assignment) => ({ topic: assignment.topic, partitions: [...assignment.partitions].sort((a, b) => a - b) })),
        }));
        const owners = new Map<string, string>();
        for (const member of members) for (const assignment of member.assignments) for (const partition of assignment.partitions) owners.set(`${assignment.topic}\u0000${partition}`, member.clientId);
        const commits = new Map<string, number>();
        for (const topic of committed.find((entry) => entry.groupId === id)?.topics ?? []) {
          for (const partition of topic.partitions) if (partition.committedOffset >= 0n) commits.set(`${topic.name}\u0000${partition.partitionIndex}`, Number(partition.committedOffset));
        }
        // The group's topics: what it is assigned and what it committed on.
        const keys = new Set([...owners.keys(), ...commits.keys()].filter((key) => ends.has(key)));
        // A topic a member is assigned counts with all its partitions, committed or not.
        for (const topic of new Set([...owners.keys()].map((key) => key.split('\u0000')[0] ?? ''))) {
          for (let partition = 0; partition < (wanted.get(topic) ?? 0); partition += 1) keys.add(`${topic}\u0000${partition}`);
        }
        const partitions: PartitionSample[] = [...keys]
          .map((key) => {
            const [topic = '', partition = '0'] = key.split('\u0000');
            const committedOffset = commits.get(key);
            const owner = owners.get(key);
            return { topic, partition: Number(partition), logEnd: ends.get(key) ?? 0, ...(committedOffset !== undefined ? { committed: committedOffset } : {}), ...(owner ? { owner } : {}) };
          })
          .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        const missing = [...(gone.get(id) ?? [])].sort();
        return { at, group: id, state: group?.state ?? 'Unknown', members, partitions, ...(missing.length > 0 ? { missingTopics: missing } : {}) };
      });
      return { at, groups };
    } catch (error) {
      return { at, groups: [], error: describeKafkaError(error, bootstrap) };
    }
  };

  const readMessages = async (topic: string, limit: number, timeoutMs: number): Promise<ReadMessage[]> => {
    const ends = await offsets(topic);
    const total = [...ends.values()].reduce((sum, entry) => sum + entry.latest - entry.earliest, 0);
    const wanted = Math.min(limit, total);
    if (wanted === 0) return [];
    const consumer = new kafka.Consumer({ ...base, groupId: `data-eng-labs-check-${process.pid}-${Date.now()}`, deserializers: kafka.stringDeserializers, autocommit: false });
    const messages: ReadMessage[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: kafka.MessagesStreamModes.EARLIEST, maxWaitTime: 500 });
      const deadline = setTimeout(() => void stream.close(), timeoutMs);
      try {
        for await (const message of stream) {
          const end = ends.get(message.partition)?.latest ?? 0;
          if (Number(message.offset) < end) messages.push({ partition: message.partition, offset: Number(message.offset), key: message.key ?? null, value: message.value ?? null });
          if (messages.length >= wanted) break;
        }
      } finally {
        clearTimeout(deadline);
        await stream.close().catch(() => undefined);
      }
    } finally {
      await consumer.close(true).catch(() => undefined);
      // The throw-away group leaves no trace behind.
      await admin.deleteGroups({ groups: [consumer.groupId] }).catch(() => undefined);
    }
    return messages.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  };

  return {
    topics,
    offsets,
    sample,
    readMessages,
    close: () => admin.close().catch(() => undefined),
  };
}
