/**
 * Running a program for a check: no shell, output captured up to a limit, and the whole process tree
 * killed when the check is stopped, so a learner's runaway child processes never outlive the run.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface ProcessOptions {
  readonly cwd: string;
  /** The environment; the current process's when absent. */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting kills the process and everything it started. */
  readonly signal: AbortSignal;
  /** How much of stdout and of stderr to keep, each; the tail is kept. Default 1 MiB. */
  readonly maxOutputBytes?: number;
  /** Called with stdout as it arrives, decoded as UTF-8, whatever maxOutputBytes keeps. */
  readonly onStdout?: (text: string) => void;
}

export interface ProcessResult {
  /** null when the process was ended by a signal (or never started). */
  readonly exitCode: number | null;
  /** The signal that ended it, e.g. SIGKILL after an abort. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The program was not found (ENOENT): nothing ran. */
  readonly notFound?: boolean;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** After the process exits, how long to wait for its output pipes to close (a grandchild may hold them). */
const CLOSE_GRACE_MS = 500;

/** Keeps the last `limit` bytes written to it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    let all = Buffer.concat(this.chunks);
    // A cut in the middle of a UTF-8 character would decode as a replacement character: skip to the next one.
    let start = 0;
    while (start < all.length && start < 4 && ((all[start] as number) & 0xc0) === 0x80) start += 1;
    if (start > 0) all = all.subarray(start);
    return all.toString('utf8');
  }
}

/** Kills the process and its descendants: the process group on POSIX, the tree on Windows. */
function killTree(pid: number): void {
  if (process.platform === 'win32') {
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    } catch {
      // The process is gone already.
    }
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // The process is gone already.
    }
  }
}

/**
 * Runs `argv` (a program and its arguments, no shell) in `cwd` and resolves when it has exited, with its
 * exit code and the tail of its output. Resolves with notFound when the program does not exist; rejects
 * for other failures to start (permission denied, say) and when `signal` is already aborted. On abort the
 * whole process group is killed and the promise resolves with signal SIGKILL.
 */
export function runProcess(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new Error('runProcess needs a program to run'));
  if (options.signal.aborted) return Promise.reject(new Error('the run was stopped before the program started'));
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;

  return new Promise<ProcessResult>((resolve, reject) => {
    const stdout = new TailBuffer(limit);
    const stderr = new TailBuffer(limit);
    const decoder = new StringDecoder('utf8');
    let settled = false;
    let exit: { code: number | null; signal: string | null } | undefined;
    let closeTimer: NodeJS.Timeout | undefined;

    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that an abort can kill everything it started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });

    const onAbort = (): void => {
      if (child.pid !== undefined) killTree(child.pid);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });

    const finish = (result: ProcessResult | Error): void => {
      if (settled) return;
      settled = true;
      if (closeTimer) clearTimeout(closeTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const finishWithExit = (): void => {
      const rest = decoder.end();
      if (rest && options.onStdout) options.onStdout(rest);
      finish({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stdout: stdout.text(), stderr: stderr.text() });
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.onStdout) {
        const text = decoder.write(chunk);
        if (text) options.onStdout(text);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish({ exitCode: null, signal: null, stdout: '', stderr: '', notFound: true });
      else finish(new Error(`could not start ${program}: ${error.code ?? error.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Output still in the pipes arrives before 'close'; a background grandchild may keep them open forever.
      closeTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finishWithExit();
      }, CLOSE_GRACE_MS);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      exit ??= { code, signal };
      finishWithExit();
    });
  });
}
