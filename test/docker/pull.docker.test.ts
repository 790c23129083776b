/**
 * Pulling, for real: the Engine pulls from a registry on 127.0.0.1 that serves images exported from this
 * machine (test/support/fakeRegistry.ts), reached through dataEngLabs.services.registryMirror. A pull
 * reports layer progress, can be cancelled half-way, and a failure the Engine reports inside the progress
 * stream (dockerode's pull() has resolved by then) fails the start with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Dockerode from 'dockerode';
import { readComposeFile } from '../../src/core/services/docker/composeFile';
import { DockerCancelledError, DockerEngineError } from '../../src/core/services/docker/dockerErrors';
import { LABEL } from '../../src/core/services/docker/labels';
import { ComposeOrchestrator } from '../../src/core/services/docker/orchestrator';
import { ensureTestImages } from '../support/dockerImages';
import { startFakeRegistry, type FakeRegistry } from '../support/fakeRegistry';

const docker = new Dockerode();
const folders: string[] = [];
const pulled: string[] = [];

function lab(name: string, image: string, mirror: string): ComposeOrchestrator {
  const dir = mkdtempSync(join(tmpdir(), `delabs-pull-${name}-`));
  folders.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${image}\n    command: ["sleep", "3600"]\n    stop_grace_period: 1s\n`);
  const project = readComposeFile(join(dir, 'compose.yaml'), { projectName: `delabs-test-pull-${name}`, workingDir: dir, env: {} });
  return new ComposeOrchestrator(project, { docker, labId: name, images: { registryMirror: mirror } });
}

/** A local image with a layer of random bytes no other image has, so a pull must download it. */
async function uniqueImage(base: string, repository: string, bytes: number): Promise<string> {
  const container = await docker.createContainer({ Image: base, Cmd: ['sh', '-c', `head -c ${bytes} /dev/urandom > /payload`] });
  try {
    await container.start();
    await container.wait();
    await container.commit({ repo: repository, tag: 'source' });
  } finally {
    await container.remove({ force: true });
  }
  return `${repository}:source`;
}

async function imageExists(image: string): Promise<boolean> {
  return docker.getImage(image).inspect().then(() => true, () => false);
}

async function projectContainers(project: string): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`${LABEL.project}=${project}`] } })).length;
}

describe('pulling a missing image', () => {
  let registry: FakeRegistry;
  let slowRegistry: FakeRegistry;

  before(async () => {
    const { busybox } = await ensureTestImages(docker);
    const pullable = await uniqueImage(busybox, 'delabs-test/pull-source-a', 1024 * 1024);
    const broken = await uniqueImage(busybox, 'delabs-test/pull-source-b', 256 * 1024);
    const slow = await uniqueImage(busybox, 'delabs-test/pull-source-c', 2 * 1024 * 1024);
    registry = await startFakeRegistry(docker, [
      { source: pullable, repository: 'delabs-test/pullable', tag: '1.0' },
      { source: broken, repository: 'delabs-test/broken', tag: '1.0', corruptLayers: true },
    ]);
    slowRegistry = await startFakeRegistry(docker, [{ source: slow, repository: 'delabs-test/slow', tag: '1.0' }], { chunkDelayMs: 200 });
    // Served now; gone from the Engine, so that their own layer has to come over the wire.
    for (const source of [pullable, broken, slow]) await docker.getImage(source).remove({ force: true });
  });

  after(async () => {
    for (const name of ['mirror', 'broken', 'cancel']) {
      for (const info of await docker.listContainers({ all: true, filters: { label: [`${LABEL.project}=delabs-test-pull-${name}`] } })) await docker.getContainer(info.Id).remove({ force: true });
    }
    for (const image of pulled) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    await registry?.close();
    await slowRegistry?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('pulls through the registry mirror with layer progress, then starts the service', async () => {
    const image = `${registry.address}/delabs-test/pullable:1.0`;
    pulled.push(image);
    assert.equal(await imageExists(image), false);
    const orchestrator = lab('mirror', 'delabs-test/pullable:1.0', registry.address);
    const progress: string[] = [];
    const [app] = await orchestrator.up({ onProgress: (step) => progress.push(step.message) });
    assert.deepEqual({ state: app?.state, image: app?.image }, { state: 'running', image });
    assert.equal(progress[0], `Pulling ${image}`);
    const layerLines = progress.filter((line) => line.startsWith(`Pulling ${image}: `));
    assert.ok(layerLines.length > 0, `layer progress was reported: ${JSON.stringify(progress)}`);
    assert.ok(layerLines.every((line) => /: \d+ of \d+ layers(, \d+(\.\d)? (KB|MB) of \d+(\.\d)? (KB|MB))?$/.test(line)), JSON.stringify(layerLines));
    // The last report: every layer done, every byte downloaded (busybox's layers and the image's own 1 MiB).
    assert.match(layerLines.at(-1) ?? '', /: (\d+) of \1 layers, (\d+\.\d MB) of \2$/);
    assert.ok(layerLines.some((line) => / layers, \d+(\.\d)? (KB|MB) of /.test(line) && !/: (\d+) of \1 layers/.test(line)), `progress before the end: ${JSON.stringify(layerLines)}`);
    assert.ok(registry.requests.some((request) => /^(GET|HEAD) \/v2\/delabs-test\/pullable\/manifests\/1\.0$/.test(request)), JSON.stringify(registry.requests));
    assert.ok(registry.requests.some((request) => request.startsWith('GET /v2/delabs-test/pullable/blobs/sha256:')), JSON.stringify(registry.requests));
    await orchestrator.down({ volumes: true });
  });

  it('fails the start with the error the Engine reports inside the pull\'s progress stream', async () => {
    const image = `${registry.address}/delabs-test/broken:1.0`;
    pulled.push(image);
    const orchestrator = lab('broken', 'delabs-test/broken:1.0', registry.address);
    await assert.rejects(orchestrator.up(), (error: unknown) => {
      assert.ok(error instanceof DockerEngineError);
      assert.match(error.message, new RegExp(`^the image ${image.replace(/[.]/g, '\\.')} is not on this machine and could not be pulled \\(.*(verification failed|unexpected EOF|invalid|gzip).*\\)\\. `, 'i'));
      return true;
    });
    assert.equal(await imageExists(image), false);
    assert.equal(await projectContainers('delabs-test-pull-broken'), 0);
  });

  it('cancels a pull half-way and leaves neither the image nor a container', async () => {
    const image = `${slowRegistry.address}/delabs-test/slow:1.0`;
    pulled.push(image);
    const orchestrator = lab('cancel', 'delabs-test/slow:1.0', slowRegistry.address);
    const controller = new AbortController();
    const up = orchestrator.up({ signal: controller.signal, onProgress: (step) => / layers, /.test(step.message) && controller.abort() });
    await assert.rejects(up, (error: unknown) => error instanceof DockerCancelledError && error.message === `Pulling ${image} was cancelled.`);
    assert.equal(await projectContainers('delabs-test-pull-cancel'), 0);
    // The Engine stops the pull when its client goes away.
    for (let attempt = 0; attempt < 50 && (await imageExists(image)); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await imageExists(image), false);
  });
});
