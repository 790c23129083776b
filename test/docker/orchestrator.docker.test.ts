/**
 * The orchestrator against the real Docker Engine, with images built on this machine (no registry):
 * start with depends_on and health, compose labels that the docker-compose CLI reads, logs, restart,
 * lab data, port conflicts, a missing image, an unhealthy service, cancellation and a daemon that dies.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { readComposeFile } from '../../src/core/services/docker/composeFile';
import { DockerCancelledError, DockerEngineError, DockerUnavailableError } from '../../src/core/services/docker/dockerErrors';
import { checkEnvironment } from '../../src/core/services/docker/environment';
import { LABEL } from '../../src/core/services/docker/labels';
import { ComposeOrchestrator, PortInUseError, ServiceNotHealthyError } from '../../src/core/services/docker/orchestrator';
import { freePort } from '../../src/core/services/embeddedPostgres';
import { ensureTestImages, TEST_IMAGES } from '../support/dockerImages';

const docker = new Dockerode();
const projects: ComposeOrchestrator[] = [];
const folders: string[] = [];

/** A lab folder with this compose.yaml (BUSYBOX stands for the local busybox image), and its orchestrator. */
function lab(name: string, compose: string, options: { docker?: Dockerode; imageOverrides?: Record<string, string> } = {}): ComposeOrchestrator {
  const dir = mkdtempSync(join(tmpdir(), `delabs-docker-${name}-`));
  folders.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), compose.replaceAll('BUSYBOX', TEST_IMAGES.busybox));
  const project = readComposeFile(join(dir, 'compose.yaml'), { projectName: `delabs-test-${name}`, workingDir: dir, env: {} });
  const orchestrator = new ComposeOrchestrator(project, { docker: options.docker ?? docker, labId: name, images: { imageOverrides: options.imageOverrides ?? {} } });
  projects.push(new ComposeOrchestrator(project, { docker, labId: name }));
  return orchestrator;
}

async function projectResources(project: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filters = { label: [`${LABEL.project}=${project}`] };
  return {
    containers: (await docker.listContainers({ all: true, filters })).map((info) => (info.Names[0] ?? '').replace(/^\//, '')).sort(),
    networks: (await docker.listNetworks({ filters })).map((network) => network.Name).sort(),
    volumes: ((await docker.listVolumes({ filters })).Volumes ?? []).map((volume) => volume.Name).sort(),
  };
}

const NOTHING = { containers: [], networks: [], volumes: [] };

/** Waits until a service has written `text` (a started container may not have run its command yet). */
async function waitForLogs(orchestrator: ComposeOrchestrator, service: string, text: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await orchestrator.lastLogLines(service)).includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${service} never wrote "${text}"`);
}

async function httpGet(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

function webCompose(port: number, extra = ''): string {
  return `
services:
  web:
    image: BUSYBOX
    command: ["sh", "-c", "mkdir -p /www && cat /data/visits 2>/dev/null; echo visit >> /data/visits; echo hello > /www/index.html; echo started; echo warming up >&2; exec httpd -f -p 8080 -h /www"]
    ports: ["${port}:8080"]
    volumes: ["data:/data"]
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      retries: 20
${extra}
volumes:
  data:
`;
}

before(async () => {
  await ensureTestImages(docker);
  // What an interrupted earlier run left behind.
  const filters = { label: [LABEL.project] };
  const leftover = (name: string | undefined): boolean => Boolean(name?.startsWith('delabs-test-'));
  for (const info of await docker.listContainers({ all: true, filters })) {
    if (leftover(info.Labels[LABEL.project])) await docker.getContainer(info.Id).remove({ force: true });
  }
  for (const network of await docker.listNetworks({ filters })) if (leftover(network.Labels?.[LABEL.project])) await docker.getNetwork(network.Id).remove();
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) if (leftover(volume.Labels[LABEL.project])) await docker.getVolume(volume.Name).remove();
});

after(async () => {
  for (const project of projects) await project.down({ volumes: true }).catch(() => undefined);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('starting a lab on Docker', () => {
  let port: number;
  let orchestrator: ComposeOrchestrator;

  before(async () => {
    port = await freePort('127.0.0.1');
    orchestrator = lab(
      'start',
      webCompose(
        port,
        `  client:
    image: BUSYBOX
    command: ["sh", "-c", "wget -q -O - http://web:8080/ && exec sleep 3600"]
    stop_grace_period: 1s
    depends_on:
      web: {condition: service_healthy}`,
      ),
    );
  });

  it('starts services in dependency order, waits for health, and publishes on 127.0.0.1', async () => {
    const progress: string[] = [];
    const status = await orchestrator.up({ onProgress: (step) => progress.push(step.message), healthTimeoutMs: 60_000 });
    assert.deepEqual(
      status.map(({ service, state, health, containerName, ports }) => ({ service, state, health, containerName, ports })),
      [
        { service: 'web', state: 'running', health: 'healthy', containerName: 'delabs-test-start-web-1', ports: [{ hostIp: '127.0.0.1', hostPort: port, containerPort: 8080 }] },
        { service: 'client', state: 'running', health: undefined, containerName: 'delabs-test-start-client-1', ports: [] },
      ],
    );
    assert.deepEqual(progress, ['Starting web', 'Waiting for web (healthy)', 'Starting client', 'Waiting for web to become healthy']);
    assert.equal(await httpGet(port), 'hello\n');
    // The client reached web by its service name on the lab network, after web was healthy.
    assert.equal(await orchestrator.lastLogLines('client'), 'hello');
    assert.deepEqual(await projectResources('delabs-test-start'), {
      containers: ['delabs-test-start-client-1', 'delabs-test-start-web-1'],
      networks: ['delabs-test-start_default'],
      volumes: ['delabs-test-start_data'],
    });
  });

  it('is seen by the docker-compose CLI through the compose labels', () => {
    const dir = orchestrator.project.workingDir;
    const ps = execFileSync('docker-compose', ['-p', 'delabs-test-start', '-f', join(dir, 'compose.yaml'), 'ps', '--services', '--filter', 'status=running'], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(ps.trim().split('\n').sort(), ['client', 'web']);
    const logs = execFileSync('docker-compose', ['-p', 'delabs-test-start', '-f', join(dir, 'compose.yaml'), 'logs', '--no-color', 'web'], { cwd: dir, encoding: 'utf8' });
    assert.match(logs, /^delabs-test-start-web-1 +\| started$/m);
  });

  it('streams logs with stdout and stderr apart, and follows new lines', async () => {
    const seen: [string, string][] = [];
    await orchestrator.logs('web', { follow: false }, (text, stream) => seen.push([stream, text]));
    assert.deepEqual(seen.map(([stream, text]) => `${stream}: ${text}`).sort(), ['stderr: warming up\n', 'stdout: started\n']);

    const followed: string[] = [];
    const controller = new AbortController();
    const following = orchestrator.logs('web', { follow: true, tail: 0, signal: controller.signal }, (text) => {
      followed.push(text);
      if (text.includes('marker')) controller.abort();
    });
    const [status] = await orchestrator.status();
    const exec = await docker.getContainer(status?.containerId ?? '').exec({ Cmd: ['sh', '-c', 'echo marker > /proc/1/fd/1'], AttachStdout: true });
    // Even detached, the Engine answers with a stream; left open it would keep the test process alive.
    const started = (await exec.start({ Detach: true })) as unknown as { destroy?: () => void } | undefined;
    started?.destroy?.();
    await following;
    assert.deepEqual(followed, ['marker\n']);
  });

  it('reads the logs of a container with a TTY as they are, without demultiplexing', async () => {
    const tty = lab('tty', 'services:\n  console:\n    image: BUSYBOX\n    tty: true\n    command: ["sh", "-c", "echo on a terminal; echo also stderr >&2; exec sleep 3600"]\n    stop_grace_period: 1s\n');
    await tty.up();
    const seen: string[] = [];
    await waitForLogs(tty, 'console', 'also stderr');
    await tty.logs('console', { follow: false }, (text, stream) => seen.push(`${stream}: ${JSON.stringify(text)}`));
    // A TTY merges the two streams and ends lines with CR LF: all of it is stdout.
    assert.deepEqual(seen, ['stdout: "on a terminal\\r\\nalso stderr\\r\\n"']);
    await tty.down({ volumes: true });
  });

  it('restarts, keeps lab data across stop and down, and removes it only on request', async () => {
    const before = (await orchestrator.status())[0];
    await orchestrator.restart({ healthTimeoutMs: 60_000 });
    const afterRestart = (await orchestrator.status())[0];
    assert.equal(afterRestart?.containerId, before?.containerId, 'a restart keeps the container');
    assert.equal(afterRestart?.health, 'healthy');
    const restartedLogs: string[] = [];
    await orchestrator.logs('web', { follow: false }, (text, stream) => stream === 'stdout' && restartedLogs.push(text));
    // The same container ran its command again and found the first run's visit in the volume.
    assert.equal(restartedLogs.join(''), 'started\nmarker\nvisit\nstarted\n');

    assert.equal(await orchestrator.stop(), 2);
    assert.deepEqual((await orchestrator.status()).map((service) => service.state), ['exited', 'exited']);
    assert.deepEqual(await orchestrator.down(), { containers: 2, networks: 1, volumes: 0 });
    assert.deepEqual(await projectResources('delabs-test-start'), { containers: [], networks: [], volumes: ['delabs-test-start_data'] });

    await orchestrator.up({ healthTimeoutMs: 60_000 });
    // Third start on the same volume: the file holds the two earlier visits.
    const logs: string[] = [];
    await orchestrator.logs('web', { follow: false }, (text, stream) => stream === 'stdout' && logs.push(text));
    assert.equal(logs.join(''), 'visit\nvisit\nstarted\n');

    assert.deepEqual(await orchestrator.down({ volumes: true }), { containers: 2, networks: 1, volumes: 1 });
    assert.deepEqual(await projectResources('delabs-test-start'), NOTHING);
  });
});

describe('a start that cannot complete leaves nothing behind', () => {
  it('names the process holding a published port, before creating anything', async () => {
    const holder: Server = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const orchestrator = lab('port-process', webCompose(port));
      await assert.rejects(orchestrator.up(), (error: unknown) => {
        assert.ok(error instanceof PortInUseError);
        assert.equal(
          error.message,
          `port ${port}, which the service "web" publishes, is already in use by the process node (pid ${process.pid}). Stop what holds it (or the other lab using it), then start again.`,
        );
        return true;
      });
      assert.deepEqual(await projectResources('delabs-test-port-process'), NOTHING);
    } finally {
      holder.close();
    }
  });

  it('names the container of another lab holding the port', async () => {
    const port = await freePort('127.0.0.1');
    const first = lab('port-first', webCompose(port));
    await first.up({ healthTimeoutMs: 60_000 });
    const second = lab('port-second', webCompose(port));
    await assert.rejects(second.up(), {
      message: `port ${port}, which the service "web" publishes, is already in use by the container delabs-test-port-first-web-1 (Compose project delabs-test-port-first). Stop what holds it (or the other lab using it), then start again.`,
    });
    const environment = await checkEnvironment({ docker, project: second.project, services: [{ name: 'web', kind: 'http' }], bindAddress: '127.0.0.1' });
    assert.deepEqual(environment.find((line) => line.label === 'Ports'), {
      label: 'Ports',
      status: 'fail',
      detail: `${port} (web) is in use by the container delabs-test-port-first-web-1 (Compose project delabs-test-port-first). Stop what holds it, then check again.`,
    });
    const own = await checkEnvironment({ docker, project: first.project, services: [{ name: 'web', kind: 'http' }], bindAddress: '127.0.0.1' });
    assert.deepEqual(own.find((line) => line.label === 'Ports'), { label: 'Ports', status: 'ok', detail: `${port}: ${port} (this lab's web, running)` });
    await first.down({ volumes: true });
  });

  it('says an image that is not here and cannot be pulled, and how to point at another', async () => {
    const orchestrator = lab('missing-image', 'services:\n  db:\n    image: delabs-test/not-built-anywhere:1.0\n');
    await assert.rejects(orchestrator.up(), (error: unknown) => {
      assert.ok(error instanceof DockerEngineError);
      assert.match(error.message, /^the image delabs-test\/not-built-anywhere:1\.0 is not on this machine and could not be pulled \(.+\)\. /);
      assert.ok(
        error.message.endsWith('If this machine cannot reach its registry, set dataEngLabs.services.registryMirror, or name an image you have in dataEngLabs.services.imageOverrides.'),
        error.message,
      );
      return true;
    });
    assert.deepEqual(await projectResources('delabs-test-missing-image'), NOTHING);
  });

  it('says which service did not become healthy, with its last log lines, and removes what it created', async () => {
    const orchestrator = lab(
      'unhealthy',
      `services:
  db:
    image: BUSYBOX
    command: ["sh", "-c", "echo 'FATAL: could not open configuration file'; exec sleep 3600"]
    stop_grace_period: 1s
    healthcheck: {test: ["CMD", "false"], interval: 1s, retries: 2}
  app:
    image: BUSYBOX
    command: ["sleep", "3600"]
    depends_on: {db: {condition: service_healthy}}
volumes:
  data:
`,
    );
    await assert.rejects(orchestrator.up({ healthTimeoutMs: 60_000 }), (error: unknown) => {
      assert.ok(error instanceof ServiceNotHealthyError);
      assert.equal(error.message, 'the service "db" is unhealthy: its healthcheck failed every retry. Its last log lines:\nFATAL: could not open configuration file');
      return true;
    });
    assert.deepEqual(await projectResources('delabs-test-unhealthy'), NOTHING);
  });

  it('says a service that stopped before it became healthy', async () => {
    const orchestrator = lab('crash', 'services:\n  db:\n    image: BUSYBOX\n    command: ["sh", "-c", "echo bad setting >&2; exit 3"]\n    healthcheck: {test: ["CMD", "true"], interval: 1s}\n');
    await assert.rejects(orchestrator.up({ healthTimeoutMs: 60_000 }), {
      message: 'the service "db" stopped (exit code 3) before it became healthy. Its last log lines:\nbad setting',
    });
    assert.deepEqual(await projectResources('delabs-test-crash'), NOTHING);
  });

  it('gives up after the health timeout', async () => {
    const orchestrator = lab('slow', 'services:\n  db:\n    image: BUSYBOX\n    command: ["sh", "-c", "echo still starting; exec sleep 3600"]\n    stop_grace_period: 1s\n    healthcheck: {test: ["CMD", "false"], interval: 30s, start_period: 60s}\n');
    await assert.rejects(orchestrator.up({ healthTimeoutMs: 3000 }), {
      message: 'the service "db" did not become healthy within 3 s. Its last log lines:\nstill starting',
    });
    assert.deepEqual(await projectResources('delabs-test-slow'), NOTHING);
  });

  it('stops when cancelled and removes what it created', async () => {
    const orchestrator = lab('cancel', 'services:\n  db:\n    image: BUSYBOX\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n    healthcheck: {test: ["CMD", "false"], interval: 30s, start_period: 60s}\n');
    const controller = new AbortController();
    const up = orchestrator.up({ signal: controller.signal, onProgress: (step) => step.message.startsWith('Waiting') && controller.abort(), healthTimeoutMs: 60_000 });
    await assert.rejects(up, (error: unknown) => error instanceof DockerCancelledError && error.message === 'Starting the services was cancelled.');
    assert.deepEqual(await projectResources('delabs-test-cancel'), NOTHING);
  });
});

describe('when Docker is not there or dies', () => {
  it('says Docker is not running when nothing answers at its socket', async () => {
    const orchestrator = lab('absent', 'services:\n  db:\n    image: BUSYBOX\n', { docker: new Dockerode({ socketPath: '/tmp/delabs-no-docker.sock' }) });
    await assert.rejects(orchestrator.up(), (error: unknown) => {
      assert.ok(error instanceof DockerUnavailableError);
      assert.equal(error.problem, 'not-running');
      assert.match(error.message, /^Docker is not running: nothing answers at \/var\/run\/docker\.sock\. Start Docker Desktop or the Docker service/);
      return true;
    });
  });

  it('says Docker stopped answering when the daemon dies mid-start, and a later down removes what was left', async () => {
    // A socket in front of the real Engine that dies the moment the Engine answers "container created".
    const proxyPath = join(mkdtempSync(join(tmpdir(), 'delabs-proxy-')), 'docker.sock');
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const engine = createConnection('/var/run/docker.sock');
      sockets.add(client).add(engine);
      let creating = false;
      client.on('data', (chunk: Buffer) => {
        if (/^POST \S*\/containers\/create/m.test(chunk.toString('latin1'))) creating = true;
        engine.write(chunk);
      });
      engine.on('data', (chunk: Buffer) => {
        if (creating && /^HTTP\/1\.1 201/.test(chunk.toString('latin1'))) {
          proxy.close();
          for (const socket of sockets) socket.destroy();
          return;
        }
        client.write(chunk);
      });
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));
    const dying = lab('dying', 'services:\n  db:\n    image: BUSYBOX\n    command: ["sleep", "3600"]\n', { docker: new Dockerode({ socketPath: proxyPath }) });
    await assert.rejects(dying.up(), {
      message: 'Docker stopped answering while starting the services of delabs-test-dying. Check that Docker is running (restart it if needed), then try again.',
    });
    const left = await projectResources('delabs-test-dying');
    assert.deepEqual(left.containers, ['delabs-test-dying-db-1'], 'the Engine created the container before it "died"');
    const later = new ComposeOrchestrator(dying.project, { docker, labId: 'dying' });
    await later.down({ volumes: true });
    assert.deepEqual(await projectResources('delabs-test-dying'), NOTHING);
  });
});

describe('image overrides', () => {
  it("runs lab 07's compose.yaml, written for postgres:16.6, on the locally built PostgreSQL", async () => {
    const compose = (await import('node:fs')).readFileSync(join(__dirname, '..', '..', 'labs', '07-analytics-star-schema', 'compose.yaml'), 'utf8');
    const port = await freePort('127.0.0.1');
    const orchestrator = lab('override', compose.replace('127.0.0.1:54307:5432', `127.0.0.1:${port}:5432`), { imageOverrides: { 'postgres:16.6': TEST_IMAGES.postgres } });
    const [postgres] = await orchestrator.up({ healthTimeoutMs: 90_000 });
    assert.deepEqual({ state: postgres?.state, health: postgres?.health, image: postgres?.image }, { state: 'running', health: 'healthy', image: TEST_IMAGES.postgres });
    const { default: pg } = await import('pg');
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'lab', password: 'lab', database: 'shop' });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; database: string }>('select current_user as user, current_database() as database');
      assert.deepEqual(rows, [{ user: 'lab', database: 'shop' }]);
    } finally {
      await client.end();
    }
    await orchestrator.down({ volumes: true });
  });
});
