// `tsc --noEmit` over each runtime's tsconfig: host, server, CLI, webviews, tests. Each has its own
// libs and types, so a webview cannot reach `vscode` and core/ cannot reach the DOM.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
export const PROJECTS = [
  'src/extension/tsconfig.json',
  'src/server/tsconfig.json',
  'src/cli/tsconfig.json',
  'webviews/tsconfig.json',
  'test/tsconfig.json',
  'test/integration/tsconfig.json',
  'bench/tsconfig.json',
];

let failed = 0;
for (const project of PROJECTS) {
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(root, project)], { stdio: 'inherit' });
  console.log(`${result.status === 0 ? 'ok  ' : 'FAIL'} tsc --noEmit -p ${project}`);
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
