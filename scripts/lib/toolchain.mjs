// What the end-to-end run needs beyond npm's own packages, installed on demand and cached where a
// second run (or a fresh clone on the same machine) finds it:
//   - Debian packages: Chromium for the browser, and the headers code-server's native modules build against;
//   - Node 24 (code-server's runtime) from the npm package node-<os>-<arch>;
//   - code-server (VS Code in the browser) from npm, installed with that Node.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE_DIR = process.env.DELABS_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'data-eng-labs');
export const CHROMIUM_PATH = process.env.DELABS_CHROMIUM || '/usr/bin/chromium';

/** Debian packages the end-to-end run needs, with why. */
export const E2E_APT_PACKAGES = {
  chromium: 'the browser the end-to-end tests drive',
  'fonts-liberation': 'readable text in screenshots (Chromium only recommends it)',
  'libkrb5-dev': "headers for code-server's kerberos module",
  'libsecret-1-dev': "headers for code-server's keychain module",
  'pkg-config': 'finds those headers when native modules build',
};

/** Debian packages the labs' verification harness and the check-kind tests run their services with. */
/** Debian packages for the tests against a real Docker Engine, with why. */
export const DOCKER_APT_PACKAGES = {
  'docker.io': 'the Docker Engine the orchestrator tests and the Docker end-to-end run talk to',
  'busybox-static': 'the static busybox the tests build their images around (no registry here)',
  'docker-compose': 'the Compose CLI that must see and manage what the extension creates',
};

/** Debian packages the real Kafka broker of the tests runs with, when the machine has none. */
export const KAFKA_APT_PACKAGES = {
  'openjdk-17-jre-headless': 'the JVM Apache Kafka 4 runs on (Java 17 or newer)',
  maven: 'fetches Apache Kafka and its dependencies from Maven Central',
};

export const KAFKA_VERSION = '4.1.1';
export const kafkaLibsDir = join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs');

export const LAB_APT_PACKAGES = {
  postgresql: 'the native PostgreSQL server the SQL labs are checked against',
  'redis-tools': "redis-cli, which lab 02's checks talk to the learner's key-value store with",
  'python3-venv': 'virtual environments for pytest and the labs\' Python packages',
};

const nodePackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const node24Dir = join(CACHE_DIR, `node-${NODE24_VERSION}`);
export const node24Home = join(node24Dir, 'node_modules', nodePackage);
export const node24Path = join(node24Home, 'bin', 'node');
const codeServerDir = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const codeServerMarker = join(codeServerDir, '.installed');

export class SetupError extends Error {}

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new SetupError(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new SetupError(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function missingAptPackages(packages) {
  return packages.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

/** Installs missing Debian packages as root (keeping the .debs in the cache), or says exactly what to run. */
export function ensureAptPackages(packages = E2E_APT_PACKAGES) {
  if (process.platform !== 'linux') return;
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    if (!existsSync(CHROMIUM_PATH)) throw new SetupError(`No Chromium at ${CHROMIUM_PATH}; install Chromium and set DELABS_CHROMIUM to its path.`);
    return;
  }
  const missing = missingAptPackages(Object.keys(packages));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new SetupError(
      `These Debian packages are needed and missing:\n${missing.map((name) => `  ${name}: ${packages[name]}`).join('\n')}\n` +
        `Install them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\nthen run the command again.`,
    );
  }
  const archives = join(CACHE_DIR, 'apt-archives');
  mkdirSync(join(archives, 'partial'), { recursive: true });
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-o', `Dir::Cache::archives=${archives}`, '-o', 'APT::Sandbox::User=root', ...missing], { env });
}

const DOCKER_SOCKET = '/var/run/docker.sock';

function dockerAnswers() {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
}

/**
 * A running Docker Engine: installs Debian's docker.io (with busybox-static and docker-compose) when
 * missing, and starts dockerd in the background when nothing answers at its socket (machines without
 * systemd, such as CI containers). Waits until it answers; its log is in the cache folder.
 */
export async function ensureDockerEngine() {
  ensureAptPackages(DOCKER_APT_PACKAGES);
  if (dockerAnswers()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new SetupError(`The Docker Engine does not answer at ${DOCKER_SOCKET}. Start it (sudo systemctl start docker), then run the command again.`);
  const logFile = join(CACHE_DIR, 'dockerd.log');
  mkdirSync(CACHE_DIR, { recursive: true });
  log(`starting dockerd in the background (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] }).unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (dockerAnswers()) return;
  }
  throw new SetupError(`dockerd did not answer within 60 s; its log is ${logFile}.`);
}

function nodeVersion(nodePath) {
  const result = spawnSync(nodePath, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Installs into a scratch folder and moves it into place, so an interrupted install is never taken for a finished one. */
function installAtomically(target, install) {
  const scratch = `${target}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'delabs-cache', private: true }));
  try {
    install(scratch);
    rmSync(target, { recursive: true, force: true });
    renameSync(scratch, target);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? process.env.npm_execpath : undefined;
function npm(args, options) {
  if (npmCli) run(process.execPath, [npmCli, ...args], options);
  else run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, options);
}

/** Node 24 for code-server: this Node when it is 24 already, otherwise the npm package node-<os>-<arch>. */
export function ensureNode24() {
  if (process.versions.node.startsWith('24.')) return process.execPath;
  if (nodeVersion(node24Path) === `v${NODE24_VERSION}`) return node24Path;
  log(`installing Node ${NODE24_VERSION} (${nodePackage}) into ${node24Dir}`);
  installAtomically(node24Dir, (dir) => npm(['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${nodePackage}@${NODE24_VERSION}`], { cwd: dir }));
  if (nodeVersion(node24Path) !== `v${NODE24_VERSION}`) throw new SetupError(`Node ${NODE24_VERSION} did not install at ${node24Path}`);
  return node24Path;
}

/** code-server from npm, installed with Node 24 and its native modules built against Node 24's headers. */
export function ensureCodeServer() {
  const node = ensureNode24();
  if (existsSync(codeServerMarker) && readFileSync(codeServerMarker, 'utf8').trim() === CODE_SERVER_VERSION) return { node, entry: codeServerEntry };
  log(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (a few minutes, once)`);
  const nodeHome = node === process.execPath ? undefined : node24Home;
  // Nothing of an outer `npm test` may leak in: its npm_config_user_agent names Node 20, and code-server's
  // postinstall reads the Node version from it.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const env = {
    ...inherited,
    PATH: `${join(node, '..')}:${process.env.PATH}`,
    // code-server's postinstall runs npm in its own folders; npm 11 blocks install scripts unless told.
    npm_config_dangerously_allow_all_scripts: 'true',
    ...(nodeHome ? { npm_config_nodedir: nodeHome } : {}),
  };
  installAtomically(codeServerDir, (dir) => {
    // The system npm, run by Node 24 through PATH, so the native modules build for Node 24.
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env });
    if (!existsSync(join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
      throw new SetupError("code-server's postinstall did not install VS Code's modules; see the npm output above.");
    }
    writeFileSync(join(dir, '.installed'), CODE_SERVER_VERSION);
  });
  return { node, entry: codeServerEntry };
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureNpmDependencies(root) {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && existsSync(lock) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  npm(['ci', '--no-audit', '--no-fund'], { cwd: root });
}

function commandAnswers(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

/**
 * Apache Kafka's broker for the tests (KRaft mode: no ZooKeeper), from its artifacts on Maven Central:
 * the jars of test/support/kafka/pom.xml copied into the cache once; Java and Maven from Debian when the
 * machine has none. Returns the folder of jars (run with `java -cp '<dir>/*' kafka.Kafka`).
 */
export function ensureKafka(root) {
  const marker = join(kafkaLibsDir, '.complete');
  if (existsSync(marker)) return kafkaLibsDir;
  if (!commandAnswers('java', ['-version']) || !commandAnswers('mvn', ['-v'])) ensureAptPackages(KAFKA_APT_PACKAGES);
  log(`fetching Apache Kafka ${KAFKA_VERSION} from Maven Central into ${kafkaLibsDir} (once)`);
  installAtomically(kafkaLibsDir, (staging) => {
    run('mvn', ['-q', '-B', '-f', join(root, 'test', 'support', 'kafka', 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`]);
    writeFileSync(join(staging, '.complete'), `${KAFKA_VERSION}\n`);
  });
  return kafkaLibsDir;
}
