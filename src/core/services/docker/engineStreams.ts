/** Reading the Engine's streams: multiplexed logs and newline-delimited JSON (events, progress). */
import type { Readable } from 'node:stream';
import { DockerUnavailableError } from './dockerErrors';

/** Frames of a multiplexed log buffer (8-byte header: stream type, 3 zero bytes, big-endian length). */
export function demuxBuffer(buffer: Buffer): { stream: 'stdout' | 'stderr'; text: string }[] {
  const frames: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    if (type === undefined || type > 2) return [{ stream: 'stdout', text: buffer.toString('utf8') }];
    frames.push({ stream: type === 2 ? 'stderr' : 'stdout', text: buffer.subarray(offset + 8, offset + 8 + length).toString('utf8') });
    offset += 8 + length;
  }
  return frames;
}

/** Reads newline-delimited JSON from an Engine stream until it ends or the signal aborts. */
export function readJsonLines<T>(stream: Readable, signal: AbortSignal, onItem: (item: T) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const abort = (): void => {
      stream.destroy();
      resolve();
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        try {
          onItem(JSON.parse(line) as T);
        } catch {
          // A line that is not JSON is not an event.
        }
      }
    });
    stream.on('end', () => resolve());
    stream.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
    stream.on('close', () => (signal.aborted ? resolve() : reject(new DockerUnavailableError('stopped-answering', 'Docker stopped answering while its events were followed.'))));
  });
}
