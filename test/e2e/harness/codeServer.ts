/**
 * A real VS Code (code-server) serving a fresh learner workspace on a loopback port, with the packaged
 * extension installed from its .vsix. Everything lives in one temporary folder, removed on stop().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CodeServerOptions {
  /** Node 24 and code-server's entry.js (from scripts/lib/toolchain.mjs). */
  readonly node: string;
  readonly entry: string;
  readonly vsixPath: string;
  /** Files to put in the workspace before VS Code opens it, by relative path. */
  readonly workspaceFiles?: Readonly<Record<string, string>>;
  /** User settings on top of the harness's quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Keep the temporary folder after stop() (to read logs). */
  readonly keep?: boolean;
}

export interface CodeServerSession {
  readonly url: string;
  readonly workspace: string;
  readonly userDataDir: string;
  /** The URL that opens the workspace folder. */
  readonly workspaceUrl: string;
  /** code-server's own output so far. */
  output(): string;
  /** The extension's log (the "Data Engineering Labs" LogOutputChannel file), or '' before it exists. */
  extensionLog(): string;
  stop(): Promise<void>;
}

/** A quiet VS Code: no trust prompt, no welcome page, no AI, no update or telemetry traffic. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  // One row per folder, so a test can expand labs/ and then the lab's folder.
  'explorer.compactFolders': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function findFiles(dir: string, predicate: (name: string) => boolean): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && predicate(entry.name))
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServerSession> {
  const root = mkdtempSync(join(tmpdir(), 'delabs-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  const configFile = join(root, 'code-server.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const settings = JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2);
  writeFileSync(join(userDataDir, 'User', 'settings.json'), settings);
  // code-server's extension host is a remote one: settings of machine scope (dataEngLabs.python.interpreterPath)
  // come from its Machine settings, as VS Code Remote's "Remote [host]" settings, never from the User ones.
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), settings);
  for (const [file, text] of Object.entries(options.workspaceFiles ?? {})) {
    mkdirSync(join(workspace, file, '..'), { recursive: true });
    writeFileSync(join(workspace, file), text);
  }
  const port = await freeLoopbackPort();
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data') };
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const install = spawnSync(options.node, [options.entry, ...common, '--install-extension', options.vsixPath], { env, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) {
    throw new Error(`code-server could not install ${options.vsixPath}:\n${install.stdout}\n${install.stderr}`);
  }

  const child: ChildProcess = spawn(
    options.node,
    [options.entry, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${output}`)), 60_000);
    const poll = setInterval(() => {
      if (output.includes('HTTP server listening')) {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      clearInterval(poll);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });

  return {
    url,
    workspace,
    userDataDir,
    workspaceUrl: `${url}/?folder=${encodeURIComponent(workspace)}`,
    output: () => output,
    extensionLog: () =>
      findFiles(join(userDataDir, 'logs'), (name) => name.endsWith('Data Engineering Labs.log'))
        .map((file) => readFileSync(file, 'utf8'))
        .join(''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!options.keep) rmSync(root, { recursive: true, force: true });
    },
  };
}
