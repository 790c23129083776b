/**
 * A real, throwaway PostgreSQL server for tests and the verification harness: Debian's server binaries
 * run on a fresh data folder in a temporary directory, listening on 127.0.0.1 only, with durability
 * switched off so it starts in a second or two. Role `lab` (password `lab`) is a superuser; loopback
 * connections are trusted. The server is stopped, and its folder removed, by stop() or at process exit.
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
}

const NOT_INSTALLED = 'PostgreSQL is not installed: run `npm run setup` (or apt-get install postgresql)';

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
  if (result.status !== 0 || groups.status !== 0) throw new Error('running as root needs the `postgres` system user, which the postgresql package creates; run `npm run setup`');
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

  const pgCtl = (args: readonly string[]): [string, string[]] => asServerUser(join(binDir, 'pg_ctl'), ['-D', dataDir, ...args]);
  const stopNow = (): void => {
    const [command, argv] = pgCtl(['stop', '-m', 'immediate', '-w']);
    spawnSync(command, argv, { cwd: folder, stdio: 'ignore', timeout: 30_000 });
    cleanUp();
  };

  let port = options.port ?? (await freePort());
  for (let tries = 1; ; tries += 1) {
    const serverOptions = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
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
