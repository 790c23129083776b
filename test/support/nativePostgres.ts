/**
 * A real, throwaway PostgreSQL server for tests and the verification harness: Debian's server binaries
 * run on a fresh data folder in a temporary directory, listening on 127.0.0.1 only, with durability
 * switched off so it starts in a second or two. Role `lab` (password `lab`) is a superuser; loopback
 * connections are trusted. The server is stopped, and its folder removed, by stop() or at process exit.
 *
 * startNativeReplica(primary) adds a streaming replica of such a server, for labs about replication: a
 * physical copy taken with pg_basebackup -R -X stream (initdb's pg_hba.conf already trusts replication
 * connections from 127.0.0.1, and wal_level=replica and max_wal_senders are PostgreSQL's defaults),
 * started as a hot standby on its own loopback port, and returned once the primary's
 * pg_stat_replication shows it streaming.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

export interface NativePostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'lab';
  readonly password: 'lab';
  /** postgresql://lab:lab@127.0.0.1:PORT/<database> */
  url(database: string): string;
  /** Stops the server at once and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface NativePostgresOptions {
  /** The port to listen on; a free one when absent. */
  readonly port?: number;
  /**
   * Keep PostgreSQL's own synchronous_commit=on as the server default, as a lab's Docker image has, instead
   * of off: for replication labs, where a commit's wait for WAL is what is measured (fsync stays off).
   */
  readonly stockSynchronousCommit?: boolean;
}

export interface NativeReplica extends NativePostgres {
  /** The standby's application_name on the primary (pg_stat_replication), set through cluster_name. */
  readonly applicationName: string;
}

export interface NativeReplicaOptions extends NativePostgresOptions {
  /** The standby's name, as synchronous_standby_names and pg_stat_replication.application_name see it; `replica1` when absent. */
  readonly applicationName?: string;
  /** How long to wait for the replica to stream, in ms (default 60 s). */
  readonly timeoutMs?: number;
}

const NOT_INSTALLED = 'PostgreSQL is not installed: run `npm test` as root, which installs it, or `apt-get install postgresql`';

/** The folder holding initdb and pg_ctl: Debian's highest installed major, else the PATH. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return join(root, majors[0], 'bin');
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(NOT_INSTALLED);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresUser(): { uid: number; gid: number } {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const groups = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || groups.status !== 0) throw new Error('running as root needs the `postgres` system user, which the postgresql package creates: `apt-get install postgresql`');
  return { uid: Number(result.stdout.trim()), gid: Number(groups.stdout.trim()) };
}

/** The command line for a server program, through runuser when we are root (initdb refuses root). */
function asServerUser(program: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, [...args]];
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : error.message;
  }
  return String(error);
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Durability off, so a throwaway server starts and writes fast; what a lab's session SETs still wins. */
const PRIMARY_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

interface ServeOptions {
  readonly binDir: string;
  readonly folder: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly port?: number;
  /** `name=value` server settings, passed as -c on the command line. */
  readonly settings: readonly string[];
  readonly cleanUp: () => void;
}

/** Starts the server on an initialised data folder (pg_ctl start -w); stop() stops it and removes the folder, as does process exit. */
async function serve(options: ServeOptions): Promise<{ port: number; stop: () => Promise<void> }> {
  const { binDir, folder, dataDir, logFile, cleanUp } = options;
  const pgCtl = (args: readonly string[]): [string, string[]] => asServerUser(join(binDir, 'pg_ctl'), ['-D', dataDir, ...args]);
  const stopNow = (): void => {
    const [command, argv] = pgCtl(['stop', '-m', 'immediate', '-w']);
    spawnSync(command, argv, { cwd: folder, stdio: 'ignore', timeout: 30_000 });
    cleanUp();
  };

  let port = options.port ?? (await freePort());
  for (let tries = 1; ; tries += 1) {
    const serverOptions = [`-p ${port} -k ${folder} -c listen_addresses=127.0.0.1`, ...options.settings.map((setting) => `-c ${setting}`)].join(' ');
    const [command, argv] = pgCtl(['start', '-w', '-t', '60', '-l', logFile, '-o', serverOptions]);
    try {
      await run(command, argv, { cwd: folder, timeout: 90_000 });
      break;
    } catch (error) {
      // Someone may have taken the free port between the look and the start: try another one.
      if (options.port === undefined && tries < 3) {
        port = await freePort();
        continue;
      }
      const log = tail(logFile, 15);
      stopNow();
      throw new Error(`PostgreSQL did not start: ${errorText(error)}${log ? `\n${log}` : ''}`);
    }
  }

  // Stop the server even when the caller forgets to.
  process.on('exit', stopNow);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopNow);
    const [command, argv] = pgCtl(['stop', '-m', 'immediate', '-w']);
    try {
      await run(command, argv, { cwd: folder, timeout: 30_000 });
    } finally {
      cleanUp();
    }
  };
  return { port, stop };
}

/** Starts a throwaway PostgreSQL server; see NativePostgres. */
export async function startNativePostgres(options: NativePostgresOptions = {}): Promise<NativePostgres> {
  const binDir = findBinDir();
  const folder = mkdtempSync(join(tmpdir(), 'delabs-pg-'));
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  const root = process.getuid?.() === 0;
  if (root) {
    const { uid, gid } = postgresUser();
    chownSync(folder, uid, gid);
  }
  const exec = async (program: string, args: readonly string[]): Promise<void> => {
    const [command, argv] = asServerUser(join(binDir, program), args);
    await run(command, argv, { cwd: folder, timeout: 60_000 });
  };

  const cleanUp = (): void => rmSync(folder, { recursive: true, force: true });
  try {
    try {
      await exec('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    } catch {
      rmSync(dataDir, { recursive: true, force: true });
      await exec('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
    }
  } catch (error) {
    cleanUp();
    throw new Error(`initdb failed: ${errorText(error)}`);
  }

  const { port, stop } = await serve({ binDir, folder, dataDir, logFile, cleanUp, ...(options.port !== undefined ? { port: options.port } : {}), settings: options.stockSynchronousCommit ? PRIMARY_SETTINGS.filter((setting) => !setting.startsWith('synchronous_commit=')) : PRIMARY_SETTINGS });

  try {
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query("create role lab login superuser password 'lab'");
      await admin.query('create database lab owner lab');
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop();
    throw new Error(`PostgreSQL started but could not be prepared: ${errorText(error)}`);
  }

  return {
    host: '127.0.0.1',
    port,
    user: 'lab',
    password: 'lab',
    url: (database) => `postgresql://lab:lab@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop,
  };
}

/**
 * Starts a streaming replica (hot standby) of a server from startNativePostgres: pg_basebackup -R -X stream
 * from the primary into a fresh folder, started on its own loopback port with cluster_name set to the
 * standby's name (so synchronous_standby_names can name it), and returned once the primary's
 * pg_stat_replication shows it streaming. It has the primary's roles and databases (role `lab` included);
 * it refuses writes, as a standby does. stop() stops it and removes its folder; the primary is left alone.
 */
export async function startNativeReplica(primary: NativePostgres, options: NativeReplicaOptions = {}): Promise<NativeReplica> {
  const binDir = findBinDir();
  const applicationName = options.applicationName ?? 'replica1';
  const folder = mkdtempSync(join(tmpdir(), 'delabs-pg-replica-'));
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(folder, uid, gid);
  }
  const cleanUp = (): void => rmSync(folder, { recursive: true, force: true });
  try {
    const [command, argv] = asServerUser(join(binDir, 'pg_basebackup'), [
      '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync',
    ]);
    await run(command, argv, { cwd: folder, timeout: 120_000 });
  } catch (error) {
    cleanUp();
    throw new Error(`pg_basebackup from the primary on port ${primary.port} failed: ${errorText(error)}`);
  }

  const { port, stop } = await serve({ binDir, folder, dataDir, logFile, cleanUp, ...(options.port !== undefined ? { port: options.port } : {}), settings: ['fsync=off', `cluster_name=${applicationName}`] });

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let state = 'not connected';
  try {
    for (;;) {
      const admin = new Client({ host: '127.0.0.1', port: primary.port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        const result = await admin.query<{ state: string }>('select state from pg_stat_replication where application_name = $1', [applicationName]);
        state = result.rows[0]?.state ?? 'not connected';
      } finally {
        await admin.end();
      }
      if (state === 'streaming') break;
      if (Date.now() > deadline) throw new Error(`the replica "${applicationName}" on port ${port} is ${state}, not streaming, after ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s\n${tail(logFile, 15)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    host: '127.0.0.1',
    port,
    user: 'lab',
    password: 'lab',
    applicationName,
    url: (database) => `postgresql://lab:lab@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop,
  };
}
