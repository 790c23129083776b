// npm run test:docker: the orchestrator against a real Docker Engine, started here when it is not running
// (as root: Debian's docker.io and dockerd in the background), with images built on this machine.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDockerEngine, SetupError } from './lib/toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  await ensureDockerEngine();
} catch (error) {
  console.error(error instanceof SetupError ? error.message : error);
  process.exit(1);
}
const { findTests } = await import('./run-unit-tests.mjs');
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : findTests(join(root, 'test/docker'), '.docker.test.ts');
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
