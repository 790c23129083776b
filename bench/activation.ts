/**
 * npm run bench: the extension's own activation time in the browser VS Code, and the size of what
 * activation loads. Each run is a fresh code-server with the packaged .vsix; activation is triggered as a
 * learner triggers it (opening the Labs view) and the figure is read from the extension's log line
 * "activated in X ms (module Y ms, activate() Z ms)". Budget (DESIGN.md section 8): under 50 ms.
 *
 *   npm run bench -- --runs 5
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from '../test/e2e/harness/browser';
import { startCodeServer } from '../test/e2e/harness/codeServer';
import { e2eEnvironment } from '../test/e2e/harness/environment';
import { openViewContainer, waitFor } from '../test/e2e/harness/workbench';
import { median } from './figures';

const ACTIVATION_BUDGET_MS = 50;
const root = join(__dirname, '..');

async function measureOnce(): Promise<{ total: number; module: number; activate: number }> {
  const session = await startCodeServer(e2eEnvironment());
  try {
    const workbench = await openWorkbench(session.workspaceUrl);
    try {
      await openViewContainer(workbench.page, 'Data Labs');
      const log = await waitFor('the activation line', () => session.extensionLog(), (text) => text.includes('activated in'), 60_000);
      const match = /activated in ([\d.]+) ms \(module ([\d.]+) ms, activate\(\) ([\d.]+) ms\)/.exec(log);
      if (!match) throw new Error(`No activation figures in the log:\n${log}`);
      return { total: Number(match[1]), module: Number(match[2]), activate: Number(match[3]) };
    } finally {
      await workbench.close();
    }
  } finally {
    await session.stop();
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 3) : 3;
  const samples = [];
  for (let run = 1; run <= runs; run += 1) {
    const sample = await measureOnce();
    samples.push(sample);
    console.log(`run ${run}: activation ${sample.total.toFixed(2)} ms (module ${sample.module.toFixed(2)} ms, activate() ${sample.activate.toFixed(2)} ms)`);
  }
  const total = median(samples.map((sample) => sample.total));
  const kib = (file: string) => statSync(join(root, 'dist', file)).size / 1024;
  console.log('');
  console.log(`activation (median of ${runs}): ${total.toFixed(2)} ms; budget ${ACTIVATION_BUDGET_MS} ms: ${total < ACTIVATION_BUDGET_MS ? 'within' : 'OVER'}`);
  console.log(`  module evaluation: ${median(samples.map((sample) => sample.module)).toFixed(2)} ms, activate(): ${median(samples.map((sample) => sample.activate)).toFixed(2)} ms`);
  console.log(`host bundle dist/extension.js: ${kib('extension.js').toFixed(1)} KiB (loaded at activation)`);
  console.log(`lazy bundles: sqlLanguageClient.js ${kib('sqlLanguageClient.js').toFixed(1)} KiB, server.js ${kib('server.js').toFixed(1)} KiB (first SQL file)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
