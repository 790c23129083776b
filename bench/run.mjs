// npm run bench: prepares the browser VS Code like the e2e run (packaging a release build), then measures.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareE2e } from '../scripts/run-e2e.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = prepareE2e({ packageFirst: true });
const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/activation.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
process.exit(result.status ?? 1);
