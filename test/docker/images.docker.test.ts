/**
 * The locally built test images (test/support/dockerImages.ts), proved with real containers on the
 * Docker Engine: busybox runs shell commands and applets; postgres keeps the official image's contract
 * (POSTGRES_USER/PASSWORD/DB, a pg_isready healthcheck, password authentication from outside, a quick
 * clean stop).
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import pg from 'pg';
import { ensureTestImages } from '../support/dockerImages';

const docker = new Dockerode();
let images: { readonly busybox: string; readonly postgres: string };
const created: Dockerode.Container[] = [];

/** Creates a container that `after` removes, with its anonymous volumes, whatever happens. */
async function create(options: Dockerode.ContainerCreateOptions): Promise<Dockerode.Container> {
  const container = await docker.createContainer({ ...options, Labels: { 'org.delabs.test': 'images.docker.test', ...options.Labels } });
  created.push(container);
  return container;
}

/** Splits the Engine's multiplexed log stream (8-byte frame headers; 1 = stdout, 2 = stderr). */
function demultiplex(buffer: Buffer): { stdout: string; stderr: string } {
  const streams: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer.readUInt8(offset);
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    if (kind === 2) streams.stderr.push(frame);
    else streams.stdout.push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(streams.stdout).toString('utf8'), stderr: Buffer.concat(streams.stderr).toString('utf8') };
}

async function logsOf(container: Dockerode.Container): Promise<{ stdout: string; stderr: string }> {
  return demultiplex(await container.logs({ stdout: true, stderr: true, follow: false }));
}

/** Runs a container to its end: its exit code and its output. */
async function runToEnd(options: Dockerode.ContainerCreateOptions): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const container = await create(options);
  await container.start();
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  return { exitCode: StatusCode, ...(await logsOf(container)) };
}

/** Waits until the Engine reports the container healthy; fails with its logs when it is not in time. */
async function waitHealthy(container: Dockerode.Container, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { State } = await container.inspect();
    if (State.Health?.Status === 'healthy') return;
    const trouble = !State.Running ? `exited with code ${State.ExitCode}` : Date.now() > deadline ? `is still ${State.Health?.Status ?? 'without a health status'} after ${timeoutMs / 1000} s` : undefined;
    if (trouble !== undefined) {
      const { stdout, stderr } = await logsOf(container);
      const probes = (State.Health?.Log ?? []).slice(-3).map((probe) => `  exit ${probe.ExitCode}: ${probe.Output.trim()}`);
      assert.fail(`the postgres container ${trouble}\nlast health probes:\n${probes.join('\n') || '  none'}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

before(async () => {
  const started = performance.now();
  images = await ensureTestImages(docker);
  console.log(`ensureTestImages took ${Math.round(performance.now() - started)} ms: ${images.busybox}, ${images.postgres}`);
});

after(async () => {
  for (const container of created) {
    await container.remove({ force: true, v: true }).catch((error: unknown) => {
      if ((error as { statusCode?: unknown }).statusCode !== 404) throw error;
    });
  }
});

describe('the busybox image', () => {
  it('runs sh -c, keeping stdout and stderr apart, and exits 0', async () => {
    const result = await runToEnd({ Image: images.busybox, Cmd: ['sh', '-c', 'echo hello; echo oops >&2'] });
    assert.deepEqual(result, { exitCode: 0, stdout: 'hello\n', stderr: 'oops\n' });
  });

  it('has the applets the Docker tests use: httpd, nc, wget, sleep, and a /tmp', async () => {
    const script = [
      'mkdir -p /www && echo served > /www/index.html',
      'httpd -f -p 8080 -h /www & sleep 0.5',
      'wget -qO- http://127.0.0.1:8080/',
      'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc 127.0.0.1 8080 | head -1 | tr -d "\\r"',
      'touch /tmp/x && echo tmp ok',
      'kill $!',
    ].join('\n');
    const result = await runToEnd({ Image: images.busybox, Cmd: ['sh', '-c', script] });
    assert.deepEqual(result, { exitCode: 0, stdout: 'served\nHTTP/1.1 200 OK\ntmp ok\n', stderr: '' });
  });
});

describe('the postgres image', () => {
  let container: Dockerode.Container;
  let port: number;

  const connect = async (password: string): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'lab', password, database: 'shop', connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };

  before(async () => {
    container = await create({
      Image: images.postgres,
      Env: ['POSTGRES_USER=lab', 'POSTGRES_PASSWORD=lab', 'POSTGRES_DB=shop'],
      // The server's own options, as compose files give them (`postgres -c wal_level=replica`).
      Cmd: ['postgres', '-c', 'max_connections=42', '-c', 'wal_level=replica'],
      ExposedPorts: { '5432/tcp': {} },
      Healthcheck: { Test: ['CMD-SHELL', 'pg_isready -U lab -d shop'], Interval: 1e9, Timeout: 3e9, Retries: 30 },
      HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }] } },
    });
    await container.start();
    await waitHealthy(container, 60_000);
    const binding = (await container.inspect()).NetworkSettings.Ports['5432/tcp']?.[0];
    assert.ok(binding, 'the Engine published port 5432');
    port = Number(binding.HostPort);
    assert.ok(port > 0, `a host port for 5432, not ${binding.HostPort}`);
  });

  it('lets lab in to shop with the password from POSTGRES_PASSWORD', async () => {
    const client = await connect('lab');
    try {
      const { rows } = await client.query('select current_user, current_database()');
      assert.deepEqual(rows, [{ current_user: 'lab', current_database: 'shop' }]);
    } finally {
      await client.end();
    }
  });

  it('starts postgres with the options after the image name', async () => {
    const client = await connect('lab');
    try {
      const { rows } = await client.query("select name, setting from pg_settings where name in ('max_connections', 'wal_level') order by name");
      assert.deepEqual(rows, [{ name: 'max_connections', setting: '42' }, { name: 'wal_level', setting: 'replica' }]);
    } finally {
      await client.end();
    }
  });

  it("has the official image's bash and pg_basebackup, which compose files call", async () => {
    const result = await runToEnd({ Image: images.postgres, Entrypoint: ['bash', '-c'], Cmd: ['echo "bash ${BASH_VERSINFO[0]}"; pg_basebackup --version | cut -d" " -f1-2'] });
    assert.deepEqual(result, { exitCode: 0, stdout: 'bash 5\npg_basebackup (PostgreSQL)\n', stderr: '' });
  });

  it('refuses a wrong password from outside the container', async () => {
    await assert.rejects(connect('not-the-password'), { message: 'password authentication failed for user "lab"' });
  });

  it('stops cleanly, with exit code 0, well within the 10 s grace of docker stop', async () => {
    const started = performance.now();
    await container.stop({ t: 10 });
    const seconds = (performance.now() - started) / 1000;
    const { State } = await container.inspect();
    assert.deepEqual({ status: State.Status, exitCode: State.ExitCode }, { status: 'exited', exitCode: 0 });
    assert.ok(seconds < 10, `docker stop took ${seconds.toFixed(1)} s`);
  });
});
