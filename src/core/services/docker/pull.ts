/**
 * Pulling an image with its layers' progress. dockerode's pull() resolves as soon as the Engine starts the
 * pull; the pull's outcome, including its errors, arrives in the progress stream that follows.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { DockerCancelledError, DockerEngineError, DockerUnavailableError, describeDockerError, engineMessage } from './dockerErrors';
import { withDefaultTag } from './images';

const LAYER_STATUSES = new Set(['Pulling fs layer', 'Waiting', 'Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete', 'Already exists']);

interface PullEvent {
  readonly id?: string;
  readonly status?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

function pullError(image: string, error: unknown): Error {
  const described = describeDockerError(error, `pulling ${image}`, true);
  if (described instanceof DockerUnavailableError || described instanceof DockerCancelledError) return described;
  return new DockerEngineError(
    `the image ${image} is not on this machine and could not be pulled (${engineMessage(error).replace(/^Docker refused pulling [^:]+: /, '')}). ` +
      'If this machine cannot reach its registry, set dataEngLabs.services.registryMirror, or name an image you have in dataEngLabs.services.imageOverrides.',
    (error as { statusCode?: number }).statusCode,
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

/** Pulls one image, reporting layer progress; `pull()` resolves when the pull starts, so follow it to the end. */
export async function pullImage(docker: Dockerode, image: string, onProgress: (percent: number, detail: string) => void, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) throw new DockerCancelledError(`Pulling ${image}`);
  let stream: Readable;
  try {
    stream = (await docker.pull(withDefaultTag(image))) as unknown as Readable;
  } catch (error) {
    throw pullError(image, error);
  }
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  await new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      stream.destroy();
      reject(new DockerCancelledError(`Pulling ${image}`));
    };
    signal?.addEventListener('abort', abort, { once: true });
    docker.modem.followProgress(
      stream,
      (error: unknown, output: PullEvent[]) => {
        signal?.removeEventListener('abort', abort);
        if (signal?.aborted) return;
        const failed = output.find((event) => event.error || event.errorDetail);
        if (error) reject(describeDockerError(error, `pulling ${image}`, true));
        else if (failed) reject(pullError(image, new DockerEngineError(failed.errorDetail?.message ?? failed.error ?? 'unknown error', undefined)));
        else resolve();
      },
      (event: PullEvent) => {
        // Other events with an id ("Pulling from <repository>", "Digest: ...") are not about a layer.
        if (!event.id || !LAYER_STATUSES.has(event.status ?? '')) return;
        const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false };
        if (event.status === 'Downloading' && event.progressDetail?.total) {
          layer.current = event.progressDetail.current ?? 0;
          layer.total = event.progressDetail.total;
        } else if (event.status === 'Download complete' || event.status === 'Pull complete' || event.status === 'Already exists') {
          layer.done = true;
          layer.current = layer.total;
        }
        layers.set(event.id, layer);
        const total = [...layers.values()].reduce((sum, entry) => sum + entry.total, 0);
        const current = [...layers.values()].reduce((sum, entry) => sum + entry.current, 0);
        const done = [...layers.values()].filter((entry) => entry.done).length;
        const percent = total > 0 ? (100 * current) / total : 0;
        onProgress(percent, `${done} of ${layers.size} layers${total > 0 ? `, ${formatBytes(current)} of ${formatBytes(total)}` : ''}`);
      },
    );
  });
}
