// npm start: installs what is missing, builds and packages the extension, and opens VS Code with it on
// a learner's workspace. Desktop VS Code when `code` is on the PATH; otherwise the browser VS Code
// (code-server) on a loopback port, printed when it is ready. Ctrl+C stops it.
//   DELABS_WORKSPACE  the learner's workspace (default: ~/data-eng-labs-workspace, created when missing)
//   DELABS_PORT       the browser VS Code's port (default 8080, or the next free one)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, ensureNpmDependencies, SetupError } from './lib/toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = process.env.DELABS_WORKSPACE || join(homedir(), 'data-eng-labs-workspace');

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort() {
  const wanted = Number(process.env.DELABS_PORT || 8080);
  for (let port = wanted; port < wanted + 50; port += 1) {
    if (await portIsFree(port)) return port;
    console.log(`port ${port} is in use; trying ${port + 1}`);
  }
  throw new SetupError(`No free port from ${wanted} to ${wanted + 49}; set DELABS_PORT to a free port.`);
}

function hasDesktopCode() {
  const result = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return result.status === 0 && !/code-server/i.test(result.stdout);
}

async function main() {
  ensureNpmDependencies(root);
  mkdirSync(workspace, { recursive: true });
  const { prepareE2e } = await import('./run-e2e.mjs');

  if (hasDesktopCode()) {
    const packaged = spawnSync(process.execPath, [join(root, 'scripts/package.mjs')], { cwd: root, stdio: 'inherit' });
    if (packaged.status !== 0) throw new SetupError('Packaging the extension failed.');
    const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    spawnSync('code', ['--install-extension', join(root, `${name}-${version}.vsix`), '--force'], { stdio: 'inherit' });
    spawnSync('code', [workspace], { stdio: 'inherit' });
    console.log(`Opened ${workspace} in VS Code with Data Engineering Labs installed.`);
    return;
  }

  const { DELABS_CODE_SERVER_NODE: node, DELABS_CODE_SERVER_ENTRY: entry, DELABS_VSIX: vsix } = prepareE2e({ packageFirst: true });
  const base = join(CACHE_DIR, 'learner');
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(
      settingsFile,
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
          'chat.disableAIFeatures': true,
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
        },
        null,
        2,
      ),
    );
  }
  const port = await choosePort();
  const configFile = join(base, 'code-server.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const install = spawnSync(node, [entry, ...common, '--install-extension', vsix, '--force'], { stdio: 'inherit' });
  if (install.status !== 0) throw new SetupError('code-server could not install the extension.');

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  const server = spawn(node, [entry, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let announced = false;
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (!announced && chunk.toString().includes('HTTP server listening')) {
      announced = true;
      console.log(`\nData Engineering Labs is ready in VS Code (browser). Open:\n\n  ${url}\n\nThe Data Labs icon in the activity bar opens the Labs view. Ctrl+C stops VS Code.\n`);
    }
  });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error) => {
  console.error(error instanceof SetupError ? error.message : error);
  process.exit(1);
});
