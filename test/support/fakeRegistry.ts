/**
 * A Docker registry (the v2 HTTP API, enough for `docker pull`) on 127.0.0.1, serving images exported
 * from this machine's Engine: no registry is reachable here, yet pulls, layer progress, cancellation,
 * the registry mirror and pull errors reported inside the progress stream must be tested for real.
 * The Engine treats registries on 127.0.0.0/8 as insecure by default, so plain HTTP is accepted.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type Dockerode from 'dockerode';

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

export interface ServedImage {
  /** A local image to export, e.g. delabs-test/busybox:1.35.0. */
  readonly source: string;
  /** Where the registry serves it: repository and tag, e.g. delabs-test/pullable and 1.0. */
  readonly repository: string;
  readonly tag: string;
  /** Serve the image's last layer (its own, not its base's) with wrong bytes: the Engine's digest check fails mid-pull. */
  readonly corruptLayers?: boolean;
}

export interface FakeRegistry {
  /** host:port, the value for dataEngLabs.services.registryMirror. */
  readonly address: string;
  /** Each request as "METHOD path". */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Blob {
  readonly bytes: Buffer;
  readonly digest: string;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The files of an uncompressed tar (what `docker save` writes), by name. */
function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    offset += 512;
    if (type === '0' || type === '\0') files.set(prefix ? `${prefix}/${name}` : name, tar.subarray(offset, offset + size));
    offset += Math.ceil(size / 512) * 512;
  }
  return files;
}

async function exportImage(docker: Dockerode, image: ServedImage): Promise<{ manifest: Buffer; blobs: Blob[] }> {
  const stream = await docker.getImage(image.source).get();
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const files = readTar(Buffer.concat(chunks));
  const saved = JSON.parse(String(files.get('manifest.json'))) as [{ Config: string; Layers: string[] }];
  const config = files.get(saved[0].Config);
  if (!config) throw new Error(`docker save of ${image.source} has no config`);
  const layers = saved[0].Layers.map((name, index, all) => {
    const tar = files.get(name);
    if (!tar) throw new Error(`docker save of ${image.source} has no ${name}`);
    const gz = gzipSync(tar);
    // The digest names the real bytes; corrupt layers then fail the Engine's verification.
    const corrupt = image.corruptLayers === true && index === all.length - 1;
    return { digest: sha256(gz), bytes: corrupt ? Buffer.concat([gz.subarray(0, 64), Buffer.alloc(gz.length - 64, 7)]) : gz };
  });
  const configBlob = { bytes: config, digest: sha256(config) };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configBlob.digest },
      layers: layers.map((layer) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.bytes.length, digest: layer.digest })),
    }),
  );
  return { manifest, blobs: [configBlob, ...layers] };
}

/**
 * Serves the images; `chunkDelayMs` slows blobs down (16 KiB per tick) so a pull shows progress and can
 * be cancelled half-way.
 */
export async function startFakeRegistry(docker: Dockerode, images: readonly ServedImage[], options: { readonly chunkDelayMs?: number } = {}): Promise<FakeRegistry> {
  const manifests = new Map<string, Buffer>();
  const blobs = new Map<string, Buffer>();
  for (const image of images) {
    const { manifest, blobs: served } = await exportImage(docker, image);
    manifests.set(`${image.repository}:${image.tag}`, manifest);
    for (const blob of served) blobs.set(blob.digest, blob.bytes);
  }
  const requests: string[] = [];
  const openResponses = new Set<ServerResponse>();
  const send = async (request: IncomingMessage, response: ServerResponse, bytes: Buffer, type: string, digest?: string): Promise<void> => {
    response.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length, 'Docker-Distribution-API-Version': 'registry/2.0', ...(digest ? { 'Docker-Content-Digest': digest } : {}) });
    if (request.method === 'HEAD') return void response.end();
    const delay = options.chunkDelayMs ?? 0;
    for (let offset = 0; offset < bytes.length && !response.destroyed; offset += 16 * 1024) {
      response.write(bytes.subarray(offset, offset + 16 * 1024));
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    response.end();
  };
  const server = createServer((request, response) => {
    openResponses.add(response);
    response.on('close', () => openResponses.delete(response));
    const path = (request.url ?? '').split('?')[0] ?? '';
    requests.push(`${request.method} ${path}`);
    const notFound = (code: string): void => {
      response.writeHead(404, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
      response.end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }));
    };
    if (path === '/v2/' || path === '/v2') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
      return void response.end('{}');
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path);
    if (manifest) {
      const bytes = manifests.get(`${manifest[1]}:${manifest[2]}`) ?? [...manifests.values()].find((candidate) => sha256(candidate) === manifest[2]);
      return bytes ? void send(request, response, bytes, MANIFEST_TYPE, sha256(bytes)) : notFound('MANIFEST_UNKNOWN');
    }
    const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    const bytes = blob ? blobs.get(blob[1] ?? '') : undefined;
    if (blob && bytes) return void send(request, response, bytes, 'application/octet-stream', blob[1]);
    return notFound('BLOB_UNKNOWN');
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of openResponses) response.destroy();
        server.close(() => resolve());
      }),
  };
}
