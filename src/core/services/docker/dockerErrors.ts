/**
 * What went wrong with Docker, in one sentence a learner can act on. dockerode reports a missing socket,
 * a refused connection, a permission problem and a daemon that died mid-request as socket errors with a
 * code, and an Engine refusal as an HTTP status with the Engine's message.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type DockerProblem = 'not-installed' | 'not-running' | 'permission-denied' | 'stopped-answering';

/** Docker cannot be used at all right now; the message says what to do. */
export class DockerUnavailableError extends Error {
  constructor(
    readonly problem: DockerProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DockerUnavailableError';
  }
}

/** The Engine refused a request; `statusCode` is its HTTP status. */
export class DockerEngineError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
    this.name = 'DockerEngineError';
  }
}

/** The learner cancelled an operation. */
export class DockerCancelledError extends Error {
  constructor(what: string) {
    super(`${what} was cancelled.`);
    this.name = 'DockerCancelledError';
  }
}

/** Where the client talks to the Engine: DOCKER_HOST when it is a unix socket, else the default socket. */
export function dockerSocketPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const host = env.DOCKER_HOST?.trim();
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return process.platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock';
}

function dockerCliOnPath(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const names = process.platform === 'win32' ? ['docker.exe'] : ['docker'];
  return (env.PATH ?? '').split(delimiter).some((folder) => folder && names.some((name) => existsSync(join(folder, name))));
}

const CONNECTION_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM']);
const DIED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

interface RawDockerError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly reason?: string;
  readonly json?: { readonly message?: string } | string | null;
  readonly message?: string;
}

/** The Engine's own message of an HTTP error from dockerode, without dockerode's prefix. */
export function engineMessage(error: unknown): string {
  const raw = error as RawDockerError;
  if (raw && typeof raw.json === 'object' && raw.json?.message) return raw.json.message;
  if (raw && typeof raw.json === 'string' && raw.json.trim()) return raw.json.trim();
  const message = raw?.message ?? String(error);
  return message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}

/**
 * Turns an error from dockerode into one of ours. `action` says what we were doing ("starting the
 * services of lab 07"); `midway` is true once the Engine had answered at least once during it.
 */
export function describeDockerError(error: unknown, action: string, midway = false, socketPath = dockerSocketPath()): Error {
  if (error instanceof DockerUnavailableError || error instanceof DockerEngineError || error instanceof DockerCancelledError) return error;
  const raw = (error ?? {}) as RawDockerError;
  const code = raw.code;
  const message = raw.message ?? String(error);
  if (code && CONNECTION_CODES.has(code) && !midway) {
    if (code === 'EACCES' || code === 'EPERM') {
      return new DockerUnavailableError(
        'permission-denied',
        `Docker refused the connection to ${socketPath} (permission denied). Add yourself to the docker group (sudo usermod -aG docker $USER), then log out and in again.`,
      );
    }
    if (code === 'ENOENT' && !dockerCliOnPath()) {
      return new DockerUnavailableError(
        'not-installed',
        'Docker is not installed: there is no Docker Engine on this machine. Install Docker Desktop or Docker Engine, then try again.',
      );
    }
    return new DockerUnavailableError('not-running', `Docker is not running: nothing answers at ${socketPath}. Start Docker Desktop or the Docker service (sudo systemctl start docker), then try again.`);
  }
  if ((code && (DIED_CODES.has(code) || CONNECTION_CODES.has(code))) || /socket hang up|premature close|aborted/i.test(message)) {
    return new DockerUnavailableError(
      'stopped-answering',
      `Docker stopped answering while ${action}. Check that Docker is running (restart it if needed), then try again.`,
    );
  }
  if (typeof raw.statusCode === 'number') return new DockerEngineError(`Docker refused ${action}: ${engineMessage(error)}`, raw.statusCode);
  return error instanceof Error ? error : new Error(message);
}

export function isNotFound(error: unknown): boolean {
  return (error as RawDockerError | undefined)?.statusCode === 404;
}
