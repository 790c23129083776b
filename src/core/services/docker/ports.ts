/**
 * Is a host port free, and if not, who holds it: a container (by name and Compose project) or, on Linux,
 * a process (by name and pid, read from /proc for the sockets this user may see).
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type Dockerode from 'dockerode';
import { LABEL } from './labels';

/** Whether something could listen on host:port now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortHolder {
  readonly description: string;
  /** The Compose project of the container holding the port, when it is one. */
  readonly project?: string;
}

/** Who listens on the port: a container publishing it, else a local process; undefined when unknown. */
export async function findPortHolder(port: number, docker?: Dockerode): Promise<PortHolder | undefined> {
  if (docker) {
    try {
      const containers = await docker.listContainers();
      for (const container of containers) {
        if (container.Ports.some((published) => published.PublicPort === port)) {
          const name = (container.Names[0] ?? container.Id.slice(0, 12)).replace(/^\//, '');
          const project = container.Labels[LABEL.project];
          return { description: project ? `the container ${name} (Compose project ${project})` : `the container ${name}`, ...(project ? { project } : {}) };
        }
      }
    } catch {
      // No Docker, or it does not answer: a process may still hold the port.
    }
  }
  const process = await processListeningOn(port);
  return process ? { description: process } : undefined;
}

/** The TCP sockets bound to local `port`, from /proc/net/tcp and tcp6 (Linux; none elsewhere): their state code and inode. */
async function socketsOnPort(port: number): Promise<{ state: string; inode: string }[]> {
  const sockets: { state: string; inode: string }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (!local || !state || inode === undefined) continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) sockets.push({ state, inode });
    }
  }
  return sockets;
}

async function listeningInodes(port: number): Promise<Set<string>> {
  return new Set((await socketsOnPort(port)).filter((socket) => socket.state === '0A').map((socket) => socket.inode));
}

/** TCP_TIME_WAIT in /proc/net/tcp. */
const TIME_WAIT = '06';

/**
 * Whether the only sockets on local `port` are closed connections in TIME_WAIT. The lab ports lie in
 * the operating system's range of ephemeral ports, so after many short connections one of them can be
 * the local end of a connection that closed less than a minute ago, and nothing may listen on it until
 * the kernel lets it go (60 s on Linux).
 */
export async function heldOnlyByClosedConnections(port: number): Promise<boolean> {
  const sockets = await socketsOnPort(port);
  return sockets.length > 0 && sockets.every((socket) => socket.state === TIME_WAIT);
}

export interface TimeWaitOptions {
  /** How long to wait at most; a little over Linux's 60 s by default. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Called once, when the wait begins, with a line for the progress notification. */
  readonly onWait?: (message: string) => void;
}

/**
 * Waits while `port` is held only by closed connections in TIME_WAIT, and says whether it became free;
 * false at once when something else holds it (a listener, a live connection) or the wait runs out.
 */
export async function waitOutClosedConnections(host: string, port: number, options: TimeWaitOptions = {}): Promise<boolean> {
  if (!(await heldOnlyByClosedConnections(port))) return false;
  options.onWait?.(`port ${port} is held by a connection that closed less than a minute ago (TCP TIME_WAIT): waiting for the system to free it`);
  const deadline = Date.now() + (options.timeoutMs ?? 65_000);
  while (Date.now() < deadline && !options.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    if (await isPortFree(host, port)) return true;
    if (!(await heldOnlyByClosedConnections(port))) return isPortFree(host, port);
  }
  return false;
}

/** "the process postgres (pid 1234)" for the process listening on the port, from /proc. */
export async function processListeningOn(port: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() || 'unknown';
        return `the process ${name} (pid ${pid})`;
      }
    }
  }
  return undefined;
}
