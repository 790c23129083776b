/** A lab's compose.yaml read into what the orchestrator runs; what Data Labs cannot run is refused by name. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ComposeFileError, parseComposeFile, parseDuration, readComposeFile, splitCommand } from '../../../src/core/services/docker/composeFile';
import { describeDockerError, DockerUnavailableError } from '../../../src/core/services/docker/dockerErrors';
import { isPinned, resolveImage } from '../../../src/core/services/docker/images';
import { configHash, containerLabels } from '../../../src/core/services/docker/labels';
import { demuxBuffer } from '../../../src/core/services/docker/engineStreams';

const LABS = join(__dirname, '..', '..', '..', 'labs');

function parse(text: string, env: Record<string, string> = {}) {
  return parseComposeFile(text, { file: '/labs/07/compose.yaml', projectName: 'delabs-Shop Lab', workingDir: '/labs/07', env });
}

function problemsOf(text: string): readonly string[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ComposeFileError) return error.problems;
    throw error;
  }
  assert.fail('expected the file to be refused');
}

describe('compose.yaml', () => {
  it('reads every form of the subset labs use', () => {
    const project = parse(`
services:
  app:
    image: busybox:1.36
    command: sh -c 'echo "hi there" && sleep 1'
    entrypoint: ["/bin/sh"]
    environment: [A=1, B=two=2, FROM_HOST]
    ports: ["8080", "127.0.0.1:8081:80", "9000:9000/udp", {target: 5432, published: 54307, host_ip: 127.0.0.1}]
    volumes: [data:/data, ./init:/init:ro, {type: volume, source: data, target: /more, read_only: true}]
    depends_on:
      db: {condition: service_healthy}
    restart: unless-stopped
    networks: [backend]
    user: "999"
    tty: true
    stop_grace_period: 1m30s
  db:
    image: postgres:\${PG_VERSION:-16.6}
    environment: {POSTGRES_PASSWORD: lab, PORT: 5432, EMPTY: null}
    healthcheck:
      test: pg_isready -U lab
      interval: 2s
      timeout: 500ms
      retries: 30
      start_period: 1m
    networks: [backend]
volumes:
  data:
networks:
  backend: {}
`, { FROM_HOST: 'yes' });
    assert.equal(project.name, 'delabs-shop-lab');
    assert.deepEqual(project.services.map((service) => service.name), ['db', 'app']);
    const [db, app] = project.services;
    assert.deepEqual(app, {
      name: 'app',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'echo "hi there" && sleep 1'],
      entrypoint: ['/bin/sh'],
      environment: { A: '1', B: 'two=2', FROM_HOST: 'yes' },
      ports: [
        { hostIp: '', published: 0, target: 8080, protocol: 'tcp' },
        { hostIp: '127.0.0.1', published: 8081, target: 80, protocol: 'tcp' },
        { hostIp: '', published: 9000, target: 9000, protocol: 'udp' },
        { hostIp: '127.0.0.1', published: 54307, target: 5432, protocol: 'tcp' },
      ],
      mounts: [
        { type: 'volume', source: 'data', target: '/data', readOnly: false },
        { type: 'bind', source: '/labs/07/init', target: '/init', readOnly: true },
        { type: 'volume', source: 'data', target: '/more', readOnly: true },
      ],
      dependsOn: [{ service: 'db', condition: 'service_healthy' }],
      restart: 'unless-stopped',
      networks: ['backend'],
      user: '999',
      tty: true,
      stopGracePeriodMs: 90_000,
    });
    assert.equal(db?.image, 'postgres:16.6');
    assert.deepEqual(db?.environment, { POSTGRES_PASSWORD: 'lab', PORT: '5432' });
    assert.deepEqual(db?.healthcheck, { test: ['CMD-SHELL', 'pg_isready -U lab'], intervalMs: 2000, timeoutMs: 500, retries: 30, startPeriodMs: 60_000 });
    assert.deepEqual(project.volumes, ['data']);
    assert.deepEqual(project.networks, ['backend']);
  });

  it('refuses what Data Labs does not run, naming the key and what to do instead', () => {
    assert.deepEqual(
      problemsOf(`
services:
  app:
    build: .
    image: app:1.0
    privileged: true
    ports: ["8000-8010:8000-8010"]
    volumes: [/data, missing:/x]
    depends_on: [nowhere]
    healthcheck: {test: "true", interval: soon}
secrets: {}
`),
      [
        'secrets: not supported by Data Labs (use environment or env_file)',
        'services.app.build: not supported by Data Labs (labs run published images: push the image and name it in image)',
        'services.app.privileged: not supported by Data Labs (lab services run unprivileged)',
        'services.app.healthcheck.interval: "soon" is not a duration (e.g. 2s, 1m30s)',
        'services.app.ports[0]: "8000-8010:8000-8010" is not a port Data Labs understands (use "HOST:CONTAINER", "IP:HOST:CONTAINER" or "CONTAINER"; no ranges)',
        'services.app.volumes[0]: anonymous volumes are not supported by Data Labs (name the volume so "remove lab data" can find it)',
        'services.app.volumes[1]: the volume "missing" must be declared under the top-level volumes',
        'services.app.depends_on: there is no service "nowhere"',
      ],
    );
    assert.deepEqual(problemsOf('services:\n  a: {image: x:1, depends_on: [b]}\n  b: {image: x:1, depends_on: [a]}\n'), ['depends_on: a cycle a -> b -> a']);
    assert.deepEqual(problemsOf('services: {}\n'), ['services: at least one service is needed']);
    assert.throws(() => parse('services: [\n'), /compose\.yaml cannot be run: it is not valid YAML/);
  });

  it('reads env files relative to the lab folder, with the environment key winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'delabs-compose-'));
    writeFileSync(join(dir, 'lab.env'), '# comment\nexport A=from-file\nB="quoted value"\nC=plain # trailing\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  s:\n    image: x:1.0\n    env_file: lab.env\n    environment: {A: from-compose}\n');
    const project = readComposeFile(join(dir, 'compose.yaml'), { projectName: 'p', workingDir: dir, env: {} });
    assert.deepEqual(project.services[0]?.environment, { A: 'from-compose', B: 'quoted value', C: 'plain' });
  });

  it('splits string commands like a shell without running one', () => {
    assert.deepEqual(splitCommand(`postgres -c 'shared_buffers=64MB' -c "log_statement=all" a\\ b`), ['postgres', '-c', 'shared_buffers=64MB', '-c', 'log_statement=all', 'a b']);
    assert.deepEqual([parseDuration('1m30s'), parseDuration('250ms'), parseDuration('1h'), parseDuration('soon')], [90_000, 250, 3_600_000, undefined]);
  });

  it('pins every image of every lab to a version tag', () => {
    const unpinned: string[] = [];
    for (const folder of readdirSync(LABS).filter((name) => /^\d\d-/.test(name))) {
      let project;
      try {
        project = readComposeFile(join(LABS, folder, 'compose.yaml'), { projectName: folder, workingDir: join(LABS, folder), env: {} });
      } catch (error) {
        if (error instanceof ComposeFileError && /could not be read \(ENOENT\)/.test(error.message)) continue;
        throw error;
      }
      for (const service of project.services) if (!isPinned(service.image)) unpinned.push(`${folder}: ${service.name} uses ${service.image}`);
    }
    assert.deepEqual(unpinned, []);
  });
});

describe('images', () => {
  it('runs an override first, else the image through the mirror, else the image', () => {
    const settings = { imageOverrides: { 'postgres:16.6': 'delabs-test/postgres:15.18' }, registryMirror: 'https://mirror.example.com:5000/' };
    assert.equal(resolveImage('postgres:16.6', settings), 'delabs-test/postgres:15.18');
    assert.equal(resolveImage('redis:7.4', settings), 'mirror.example.com:5000/library/redis:7.4');
    assert.equal(resolveImage('bitnami/kafka:3.7.0', settings), 'mirror.example.com:5000/bitnami/kafka:3.7.0');
    assert.equal(resolveImage('quay.io/minio/minio:RELEASE.2024-01-01', settings), 'quay.io/minio/minio:RELEASE.2024-01-01');
    assert.equal(resolveImage('redis:7.4', {}), 'redis:7.4');
    assert.deepEqual(['postgres', 'postgres:latest', 'postgres:16.6', 'localhost:5000/pg', 'pg@sha256:abc'].map(isPinned), [false, false, true, false, true]);
  });
});

describe('compose labels', () => {
  it('labels containers as docker compose does, with a hash that changes with the configuration', () => {
    const project = parse('services:\n  db: {image: "postgres:16.6", depends_on: {}}\n  app: {image: "x:1.0", depends_on: {db: {condition: service_healthy}}}\n');
    const app = project.services.find((service) => service.name === 'app');
    assert.ok(app);
    const hash = configHash(app, 'x:1.0', '127.0.0.1');
    assert.notEqual(hash, configHash(app, 'x:1.1', '127.0.0.1'));
    assert.notEqual(hash, configHash(app, 'x:1.0', '0.0.0.0'));
    assert.deepEqual(containerLabels(project, app, 'shop-lab', 'x:1.0', hash), {
      'com.docker.compose.project': 'delabs-shop-lab',
      'com.docker.compose.service': 'app',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.config-hash': hash,
      'com.docker.compose.project.working_dir': '/labs/07',
      'com.docker.compose.project.config_files': '/labs/07/compose.yaml',
      'com.docker.compose.version': '2.20.2',
      'com.docker.compose.image': 'x:1.0',
      'com.docker.compose.depends_on': 'db:service_healthy:false',
      'org.delabs.lab': 'shop-lab',
    });
  });
});

describe('Docker errors', () => {
  const cases: [string, object, boolean, string][] = [
    ['a refused connection', { code: 'ECONNREFUSED' }, false, 'Docker is not running: nothing answers at /run/docker.sock. Start Docker Desktop or the Docker service (sudo systemctl start docker), then try again.'],
    ['a socket without permission', { code: 'EACCES' }, false, 'Docker refused the connection to /run/docker.sock (permission denied). Add yourself to the docker group (sudo usermod -aG docker $USER), then log out and in again.'],
    ['a connection reset midway', { code: 'ECONNRESET' }, true, 'Docker stopped answering while starting lab 07. Check that Docker is running (restart it if needed), then try again.'],
    ['a refused connection midway', { code: 'ECONNREFUSED' }, true, 'Docker stopped answering while starting lab 07. Check that Docker is running (restart it if needed), then try again.'],
    ['an Engine refusal', { statusCode: 409, json: { message: 'Conflict. The container name is already in use' } }, true, 'Docker refused starting lab 07: Conflict. The container name is already in use'],
  ];
  for (const [name, raw, midway, expected] of cases) {
    it(`says what to do about ${name}`, () => {
      assert.equal(describeDockerError(Object.assign(new Error('raw'), raw), 'starting lab 07', midway, '/run/docker.sock').message, expected);
    });
  }

  it('classifies the problem for the status bar and the tree', () => {
    const error = describeDockerError(Object.assign(new Error('x'), { code: 'EACCES' }), 'x', false, '/s');
    assert.ok(error instanceof DockerUnavailableError);
    assert.equal(error.problem, 'permission-denied');
  });

  it('demultiplexes a log buffer into stdout and stderr frames', () => {
    const frame = (type: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    assert.deepEqual(demuxBuffer(Buffer.concat([frame(1, 'ready\n'), frame(2, 'warning: x\n'), frame(1, 'é\n')])), [
      { stream: 'stdout', text: 'ready\n' },
      { stream: 'stderr', text: 'warning: x\n' },
      { stream: 'stdout', text: 'é\n' },
    ]);
    assert.deepEqual(demuxBuffer(Buffer.from('plain tty output\n')), [{ stream: 'stdout', text: 'plain tty output\n' }]);
  });
});
