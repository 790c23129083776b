// npm run test:e2e: installs what the browser VS Code needs (once; cached), packages the extension
// unless --no-package, and runs test/e2e/**/*.e2e.test.ts one file at a time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, ensureAptPackages, ensureCodeServer, SetupError } from './lib/toolchain.mjs';
import { findTests } from './run-unit-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixPath = join(root, `${name}-${version}.vsix`);

export function prepareE2e({ packageFirst }) {
  ensureAptPackages();
  const { node, entry } = ensureCodeServer();
  if (packageFirst || !existsSync(vsixPath)) {
    const result = spawnSync(process.execPath, [join(root, 'scripts/package.mjs')], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new SetupError('npm run package failed');
  }
  return { DELABS_CODE_SERVER_NODE: node, DELABS_CODE_SERVER_ENTRY: entry, DELABS_VSIX: vsixPath, DELABS_CHROMIUM: CHROMIUM_PATH };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let env;
  try {
    env = prepareE2e({ packageFirst: !process.argv.includes('--no-package') });
  } catch (error) {
    console.error(error instanceof SetupError ? error.message : error);
    process.exit(1);
  }
  const files = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const tests = files.length > 0 ? files : findTests(join(root, 'test/e2e'), '.e2e.test.ts');
  const reporterArgs = process.argv.filter((arg) => arg.startsWith('--test-reporter'));
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporterArgs, ...tests], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  process.exit(result.status ?? 1);
}
