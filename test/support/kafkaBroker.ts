/**
 * A real Apache Kafka broker for the tests: Kafka 4 in KRaft mode (one process that is broker and
 * controller), run natively from its Maven Central artifacts (scripts/lib/toolchain.mjs fetches and
 * caches them), on loopback ports of its own, with its data in a temporary folder. It can be stopped
 * and started again on the same port with the same data, for the tests of a broker that goes away.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../e2e/harness/codeServer';

const ROOT = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 90_000;

export interface KafkaBroker {
  /** `127.0.0.1:<port>`. */
  readonly bootstrap: string;
  readonly port: number;
  /** The broker's log (stdout and stderr), for a failing test's message. */
  log(): string;
  /** Stops the broker (SIGTERM, then SIGKILL after 20 s); its data stays for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Where the broker's jars are: DELABS_KAFKA_LIBS, else fetched (once) into the cache by the toolchain. */
async function kafkaLibs(): Promise<string> {
  if (process.env.DELABS_KAFKA_LIBS) return process.env.DELABS_KAFKA_LIBS;
  const toolchain = (await import(join(ROOT, 'scripts', 'lib', 'toolchain.mjs'))) as { ensureKafka(root: string): string };
  return toolchain.ensureKafka(ROOT);
}

export async function startKafkaBroker(): Promise<KafkaBroker> {
  const libs = await kafkaLibs();
  const classpath = `${libs}/*`;
  const dir = mkdtempSync(join(tmpdir(), 'delabs-kafka-'));
  const [port, controllerPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      // A group's first member starts consuming at once, not after the default 3 s.
      'group.initial.rebalance.delay.ms=0',
      'delete.topic.enable=true',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'log4j2.properties'),
    ['status = warn', 'appender.out.type = Console', 'appender.out.name = OUT', 'appender.out.layout.type = PatternLayout', 'appender.out.layout.pattern = [%d] %p %m (%c)%n', 'rootLogger.level = WARN', 'rootLogger.appenderRef.out.ref = OUT', 'logger.server.name = kafka.server.KafkaRaftServer', 'logger.server.level = INFO', ''].join('\n'),
  );
  const java = ['-Xms256m', '-Xmx512m', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', classpath];
  const clusterId = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
  const format = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`Kafka's storage could not be formatted:\n${format.stdout}\n${format.stderr}`);
  const logFile = join(dir, 'broker.log');
  let process_: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn('java', [...java, 'kafka.Kafka', properties], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    process_ = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Kafka exited with ${child.exitCode} while starting:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
      if ((await portAnswers(port)) && readFileSync(logFile, 'utf8').includes('Kafka Server started')) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    child.kill('SIGKILL');
    throw new Error(`Kafka did not start within ${START_TIMEOUT_MS / 1000} s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
  };

  const stop = async (): Promise<void> => {
    const child = process_;
    process_ = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  };

  await start();
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    log: () => readFileSync(logFile, 'utf8'),
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
