/**
 * The kafka kind: the state of one topic on one of the lab's Kafka services. Its partitions and how many
 * messages it holds come from the offsets; a consumer group's lag from its committed offsets; keys and
 * values from the messages themselves, read from the earliest offsets up to the log ends as they were
 * when the check began. Every expectation that does not hold is reported at once, in one message.
 * The Kafka client is loaded on first use, from its own bundle (dist/kafka.js).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type * as KafkaRuntime from '../../kafka/kafkaRuntime';
import type { KafkaCluster, ReadMessage } from '../../kafka/kafkaRuntime';
import { lagOf } from '../../kafka/lagAnalysis';
import { CouldNotRunError, outcome, type CheckContext, type CheckOf, type KindRunner } from '../types';

/** The most messages a check reads: keyed, distinctKeys and schema need every one. */
const MAX_READ_MESSAGES = 100_000;
/** How long a connection or a request to the broker may take. */
const BROKER_TIMEOUT_MS = 5_000;
/** Kept back from the check's time limit when reading, to say how far the read got instead of timing out. */
const READ_MARGIN_MS = 1_000;
/** At most this many topics, groups or keys are named in a message. */
const NAMED_ITEMS = 20;
/** How much of a message's value a failure shows. */
const SHOWN_VALUE_CHARS = 200;

type KafkaCheck = CheckOf<'kafka'>;
type Offsets = Map<number, { earliest: number; latest: number }>;

let loadingRuntime: Promise<typeof KafkaRuntime> | undefined;

/** Loads the Kafka client once, on the first kafka check (the build keeps it in dist/kafka.js). */
function loadKafkaRuntime(): Promise<typeof KafkaRuntime> {
  loadingRuntime ??= import('../../kafka/kafkaRuntime');
  loadingRuntime.catch(() => {
    loadingRuntime = undefined;
  });
  return loadingRuntime;
}

/** What one expectation found: the lines for expected and actual, a phrase for the passed message, and what is wrong. */
interface Finding {
  readonly expected: string;
  readonly actual: string;
  readonly summary: string;
  readonly problem?: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "a, b and 3 more": at most NAMED_ITEMS of them. */
function listed(items: readonly string[]): string {
  const named = items.slice(0, NAMED_ITEMS).join(', ');
  return items.length > NAMED_ITEMS ? `${named} and ${items.length - NAMED_ITEMS} more` : named;
}

/** "a", "a and b", "a, b and c". */
function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function sorted(items: Iterable<string>): string[] {
  return [...items].sort((a, b) => a.localeCompare(b));
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function partitionsText(partitions: readonly number[]): string {
  return `${partitions.length === 1 ? 'partition' : 'partitions'} ${partitions.join(', ')}`;
}

function shownValue(value: string): string {
  if (value === '') return '""';
  return value.length > SHOWN_VALUE_CHARS ? `${value.slice(0, SHOWN_VALUE_CHARS)} … (${value.length} characters)` : value;
}

/** The broker of a kafka check's service, connected once per run, and how to word its failures. */
interface Broker {
  /** Runs a request; a failure becomes a CouldNotRunError with describeKafkaError's sentence and where the address came from. */
  ask<T>(request: (cluster: KafkaCluster) => Promise<T>): Promise<T>;
  /** The same wording, for a failure the client reported as text. */
  failure(sentence: string): CouldNotRunError;
}

async function brokerFor(check: KafkaCheck, context: CheckContext): Promise<Broker> {
  const service = context.manifest.services.find((candidate) => candidate.name === check.service);
  if (!service) throw new CouldNotRunError(`the lab has no service "${check.service}"; this is a bug in the lab.`);
  if (service.kind !== 'kafka') throw new CouldNotRunError(`the service "${check.service}" is a ${service.kind} service, not a Kafka one; this is a bug in the lab.`);
  const endpoint = await context.resolver.resolve(context.manifest, service);
  if (endpoint.kind !== 'generic' || !/^kafka:\/\//i.test(endpoint.url)) {
    const address = endpoint.kind === 'generic' ? endpoint.url : endpoint.kind === 'http' ? endpoint.baseUrl : `${endpoint.host}:${endpoint.port}`;
    throw new CouldNotRunError(`the address of the service "${check.service}" (from ${endpoint.source}) is ${address}, not a kafka://host:port address: correct it there.`);
  }
  const runtime = await loadKafkaRuntime();
  const bootstrap = runtime.bootstrapServers(endpoint.url);
  const cluster = await context.memo(`kafka:${endpoint.url}`, async () => {
    const connected = await runtime.connectKafka(bootstrap, { timeoutMs: BROKER_TIMEOUT_MS });
    context.onDispose(() => connected.close());
    return connected;
  });
  const failure = (text: string): CouldNotRunError => new CouldNotRunError(`${sentence(text)} The address of the service "${check.service}" comes from ${endpoint.source}.`);
  return {
    failure,
    async ask(request) {
      try {
        return await request(cluster);
      } catch (error) {
        if (context.signal.aborted) throw error;
        throw failure(runtime.describeKafkaError(error, bootstrap));
      }
    },
  };
}

function countFindings(check: KafkaCheck, partitionCount: number, total: number): Finding[] {
  const { topic, expect } = check;
  const findings: Finding[] = [];
  const holds = plural(total, 'message');
  if (expect.partitions !== undefined) {
    const has = plural(partitionCount, 'partition');
    findings.push({
      expected: plural(expect.partitions, 'partition'),
      actual: has,
      summary: has,
      ...(partitionCount !== expect.partitions ? { problem: `the topic "${topic}" has ${has}, expected ${expect.partitions}.` } : {}),
    });
  }
  if (expect.minMessages !== undefined) {
    findings.push({
      expected: `at least ${plural(expect.minMessages, 'message')}`,
      actual: holds,
      summary: `${holds} (at least ${expect.minMessages})`,
      ...(total < expect.minMessages ? { problem: `the topic "${topic}" holds ${holds}, expected at least ${expect.minMessages}.` } : {}),
    });
  }
  if (expect.messages !== undefined) {
    findings.push({
      expected: `exactly ${plural(expect.messages, 'message')}`,
      actual: holds,
      summary: holds,
      ...(total !== expect.messages ? { problem: `the topic "${topic}" holds ${holds}, expected exactly ${expect.messages}.` } : {}),
    });
  }
  return findings;
}

/** The group's lag over every partition of the topic; a partition it never committed on has no lag to add up. */
async function lagFinding(check: KafkaCheck, wanted: { group: string; lag: number }, partitionCount: number, broker: Broker): Promise<Finding> {
  const { topic } = check;
  const { group, lag } = wanted;
  const expected = `group "${group}": a lag of at most ${lag}`;
  const sample = await broker.ask((cluster) => cluster.sample([group]));
  if (sample.error !== undefined) throw broker.failure(sample.error);
  const found = sample.groups.find((entry) => entry.group === group);
  if (!found) {
    const everyGroup = await broker.ask((cluster) => cluster.sample());
    if (everyGroup.error !== undefined) throw broker.failure(everyGroup.error);
    const names = sorted(everyGroup.groups.map((entry) => entry.group));
    const others = names.length > 0 ? `the groups are: ${listed(names)}` : 'the broker has no consumer groups';
    return { expected, actual: `no group "${group}"`, summary: '', problem: `there is no consumer group "${group}"; ${others}.` };
  }
  const partitions = Array.from({ length: partitionCount }, (_, index) => index);
  const onTopic = new Map(found.partitions.filter((entry) => entry.topic === topic).map((entry) => [entry.partition, entry]));
  const uncommitted = partitions.filter((partition) => onTopic.get(partition)?.committed === undefined);
  if (uncommitted.length > 0) {
    const where = uncommitted.length === partitionCount ? `"${topic}"` : `${partitionsText(uncommitted)} of "${topic}"`;
    return {
      expected,
      actual: `group "${group}": no committed offset on ${partitionsText(uncommitted)}`,
      summary: '',
      problem: `the consumer group "${group}" has committed no offset on ${where}: its lag there is unknown, not zero.`,
    };
  }
  const lags = partitions.map((partition) => {
    const entry = onTopic.get(partition);
    return entry ? (lagOf(entry) ?? 0) : 0;
  });
  const totalLag = lags.reduce((sum, value) => sum + value, 0);
  const perPartition = lags.map((value, partition) => `partition ${partition}: ${value}`).join(', ');
  return {
    expected,
    actual: `group "${group}": a lag of ${totalLag} (${perPartition})`,
    summary: `the group "${group}" ${plural(totalLag, 'message')} behind (at most ${lag})`,
    ...(totalLag > lag ? { problem: `the consumer group "${group}" is ${plural(totalLag, 'message')} behind on "${topic}", expected at most ${lag}.` } : {}),
  };
}

/** Every message of the topic as the offsets stood, or could-not-run when there are too many or they do not all arrive in time. */
async function readAll(check: KafkaCheck, offsets: Offsets, total: number, broker: Broker, deadline: number): Promise<ReadMessage[]> {
  if (total > MAX_READ_MESSAGES) {
    const needing = (['keyed', 'distinctKeys', 'schema'] as const).filter((name) => check.expect[name] !== undefined);
    throw new CouldNotRunError(
      `the topic "${check.topic}" holds ${total} messages, more than the ${MAX_READ_MESSAGES} a kafka check reads, and ${joinAnd(needing)} ${needing.length === 1 ? 'needs' : 'need'} every one; ` +
        'this is a bug in the lab, unless your pipeline wrote far more messages than it should.',
    );
  }
  const timeoutMs = Math.max(1_000, deadline - Date.now() - READ_MARGIN_MS);
  const read = await broker.ask((cluster) => cluster.readMessages(check.topic, MAX_READ_MESSAGES, timeoutMs));
  // Messages produced since the offsets were taken belong to the next check run, not this one.
  const messages = read.filter((message) => {
    const range = offsets.get(message.partition);
    return range !== undefined && message.offset >= range.earliest && message.offset < range.latest;
  });
  if (messages.length < total) {
    throw new CouldNotRunError(`only ${messages.length} of the ${total} messages of "${check.topic}" could be read within ${Math.round(timeoutMs / 1000)} s: give the check a longer timeoutSeconds.`);
  }
  return messages;
}

function keyedFinding(topic: string, messages: readonly ReadMessage[]): Finding {
  const unkeyed = messages.filter((message) => message.key === null);
  const first = unkeyed[0];
  const expected = 'a key on every message';
  if (!first) return { expected, actual: expected, summary: expected };
  const at = `partition ${first.partition}, offset ${first.offset}`;
  return {
    expected,
    actual: `${plural(unkeyed.length, 'message')} without a key (the first at ${at})`,
    summary: '',
    problem: `${unkeyed.length} of the ${plural(messages.length, 'message')} in "${topic}" ${unkeyed.length === 1 ? 'has' : 'have'} no key; the first is at ${at}.`,
  };
}

function distinctKeysFinding(topic: string, wanted: number, messages: readonly ReadMessage[]): Finding {
  const keys = sorted(new Set(messages.flatMap((message) => (message.key === null ? [] : [message.key]))));
  const count = plural(keys.length, 'distinct key');
  return {
    expected: plural(wanted, 'distinct key'),
    actual: keys.length > 0 ? `${count}: ${listed(keys.map((key) => JSON.stringify(key)))}` : count,
    summary: count,
    ...(keys.length !== wanted ? { problem: `the messages in "${topic}" have ${count}, expected ${wanted}.` } : {}),
  };
}

type AjvModule = { readonly default: new (options: { logger: false }) => { compile(schema: object): ValidateFunction } };

/** The ajv class for the schema's dialect: draft-07 unless its $schema names 2019-09 or 2020-12. */
function ajvFor(schema: object): Promise<AjvModule> {
  const dialect = String((schema as { $schema?: unknown }).$schema ?? '');
  if (dialect.includes('2020-12')) return import('ajv/dist/2020');
  if (dialect.includes('2019-09')) return import('ajv/dist/2019');
  return import('ajv');
}

/** The lab's JSON Schema, compiled once per run. A file that is missing or is no schema is a bug in the lab. */
function messageSchema(file: string, context: CheckContext): Promise<ValidateFunction> {
  return context.memo(`kafka-schema:${file}`, async () => {
    const text = await readFile(join(context.labPackageDir, file), 'utf8').catch(() => undefined);
    if (text === undefined) throw new CouldNotRunError(`the lab has no ${file}; this is a bug in the lab.`);
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (error) {
      throw new CouldNotRunError(`${file} is not JSON (${(error as Error).message}); this is a bug in the lab.`);
    }
    if (typeof schema !== 'object' || schema === null) throw new CouldNotRunError(`${file} is not a JSON Schema (an object); this is a bug in the lab.`);
    // Strict: a misspelt keyword in the lab's schema is an error, not a rule silently ignored. Nothing is logged.
    const Ajv = (await ajvFor(schema)).default;
    try {
      return new Ajv({ logger: false }).compile(schema);
    } catch (error) {
      throw new CouldNotRunError(`${file} is not a JSON Schema ajv can use (${(error as Error).message}); this is a bug in the lab.`);
    }
  });
}

function schemaFinding(topic: string, file: string, validate: ValidateFunction, messages: readonly ReadMessage[]): Finding {
  const expected = `every value matching ${file}`;
  for (const message of messages) {
    const at = `the message at partition ${message.partition}, offset ${message.offset} of "${topic}"`;
    if (message.value === null) return { expected, actual: 'no value', summary: '', problem: `${at} has no value.` };
    let value: unknown;
    try {
      value = JSON.parse(message.value);
    } catch (error) {
      const reason = (error as Error).message;
      return { expected, actual: `not JSON: ${reason}`, summary: '', problem: `${at} is not JSON (${reason}); its value is ${shownValue(message.value)}.` };
    }
    if (!validate(value)) {
      const [first] = validate.errors ?? [];
      const reason = first ? `${first.instancePath === '' ? '' : `${first.instancePath} `}${first.message ?? first.keyword}` : 'does not match';
      return { expected, actual: reason, summary: '', problem: `${at} does not match ${file}: ${reason}; its value is ${shownValue(message.value)}.` };
    }
  }
  return { expected, actual: expected, summary: expected };
}

/**
 * Runs a kafka check: the topic must exist, and every expectation of `expect` hold. A broker that does
 * not answer is could-not-run, with the sentence describeKafkaError gives and where the address came from.
 */
export const runKafkaCheck: KindRunner<'kafka'> = async (check, context) => {
  const deadline = Date.now() + context.timeoutMs;
  const { topic, expect } = check;
  const broker = await brokerFor(check, context);
  const topics = await broker.ask((cluster) => cluster.topics());
  const partitionCount = topics.get(topic);
  if (partitionCount === undefined) {
    const names = sorted(topics.keys());
    return outcome.failed(`there is no topic "${topic}"; ${names.length > 0 ? `the topics are: ${listed(names)}` : 'the broker has no topics'}.`, {
      expected: `a topic "${topic}"`,
      actual: names.length > 0 ? `topics: ${listed(names)}` : 'no topics',
    });
  }
  const offsets = await broker.ask((cluster) => cluster.offsets(topic));
  const total = [...offsets.values()].reduce((sum, range) => sum + range.latest - range.earliest, 0);

  const findings = countFindings(check, partitionCount, total);
  if (expect.maxLag !== undefined) findings.push(await lagFinding(check, expect.maxLag, partitionCount, broker));
  if (expect.keyed !== undefined || expect.distinctKeys !== undefined || expect.schema !== undefined) {
    const validate = expect.schema !== undefined ? await messageSchema(expect.schema, context) : undefined;
    const messages = await readAll(check, offsets, total, broker, deadline);
    if (expect.keyed) findings.push(keyedFinding(topic, messages));
    if (expect.distinctKeys !== undefined) findings.push(distinctKeysFinding(topic, expect.distinctKeys, messages));
    if (expect.schema !== undefined && validate) findings.push(schemaFinding(topic, expect.schema, validate, messages));
  }

  const problems = findings.flatMap((finding) => (finding.problem !== undefined ? [finding.problem] : []));
  if (problems.length === 0) return outcome.passed(`the topic "${topic}" is as expected: ${findings.map((finding) => finding.summary).join(', ')}.`);
  return outcome.failed(problems.map((problem, index) => (index === 0 ? problem : capitalised(problem))).join(' '), {
    expected: findings.map((finding) => finding.expected).join('\n'),
    actual: findings.map((finding) => finding.actual).join('\n'),
  });
};
