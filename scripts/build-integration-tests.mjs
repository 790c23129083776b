// Bundles test/integration/**/*.integration.test.ts to out/integration for @vscode/test-cli.
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTests } from './run-unit-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await esbuild.build({
  entryPoints: findTests(join(root, 'test/integration'), '.integration.test.ts').map((file) => join(root, file)),
  outdir: join(root, 'out/integration'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode', 'mocha'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
