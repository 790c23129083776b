// npm test: everything, on a fresh machine too. Installs what is missing (npm packages; Debian packages
// when run as root, otherwise it prints what to install), then: type check, lint, unit tests,
// the check kinds against real PostgreSQL, pytest and HTTP, package, package contents, the webviews in
// headless Chromium, the labs' verification harness, end-to-end in the browser VS Code, benchmarks.
// Prints a summary and "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_APT_PACKAGES, ensureAptPackages, ensureDockerEngine, ensureKafka, ensureNpmDependencies, LAB_APT_PACKAGES, SetupError } from './lib/toolchain.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-output', 'results');

function node(args, env = {}) {
  return spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
}

/** Runs node's test runner with the spec reporter on screen and TAP in a file, and counts from the TAP. */
function nodeTests(name, files, env = {}) {
  const tap = join(resultsDir, `${name}.tap`);
  rmSync(tap, { force: true });
  const ok = node(
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    env,
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (label) => Number((text.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  return { ok, passed: count('pass'), failed: count('fail') + count('cancelled') };
}

/** Every step of a full run; fewer means one that others depend on failed. */
const EXPECTED_STEPS = 21;

/** The labs' verification harness; counts proven labs as passed tests and the others as failed. */
function labsHarness() {
  const report = join(resultsDir, 'labs.json');
  rmSync(report, { force: true });
  const ok = node(['--import', 'tsx', 'test/labs/verifyLabs.ts', '--json', report]);
  const rows = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : [];
  const proven = rows.filter((row) => row.ok).length;
  return { ok, passed: proven, failed: rows.length - proven || (ok ? 0 : 1) };
}

async function main() {
  mkdirSync(resultsDir, { recursive: true });
  const { findTests } = await import('./run-unit-tests.mjs');
  const steps = [];
  const step = async (name, run) => {
    const started = Date.now();
    console.log(`\n=== ${name}`);
    let outcome;
    try {
      outcome = await run();
    } catch (error) {
      console.error(error instanceof SetupError ? error.message : error);
      outcome = false;
    }
    const result = typeof outcome === 'object' ? outcome : { ok: outcome };
    steps.push({ name, seconds: (Date.now() - started) / 1000, ...result });
    return result.ok;
  };

  const installed = await step('install dependencies', () => (ensureNpmDependencies(root), true));
  if (installed) {
    await step('type check', () => node(['scripts/typecheck.mjs']));
    await step('lint', () => node(['node_modules/eslint/bin/eslint.js', '.']));
    await step('unit tests', () => nodeTests('unit', findTests(join(root, 'test/unit'), '.unit.test.ts')));
    await step('language server (in-memory streams)', () => nodeTests('server', findTests(join(root, 'test/server'), '.server.test.ts')));
    await step('grammars (TextMate)', () => node(['scripts/test-grammars.mjs']));
    const services = await step('lab services (PostgreSQL, Python)', () => (ensureAptPackages(LAB_APT_PACKAGES), true));
    if (services) {
      await step('check kinds (PostgreSQL, pytest, HTTP)', () => nodeTests('checks', findTests(join(root, 'test/checks'), '.checks.test.ts')));
    }
    const kafka = await step('Kafka broker (Apache Kafka 4.1.1, KRaft, Maven Central)', () => (ensureKafka(root), true));
    if (kafka) {
      await step('Kafka (real broker): lag sampling, the kafka check kind', () => nodeTests('kafka', findTests(join(root, 'test/kafka'), '.kafka.test.ts')));
    }
    const docker = await step('Docker Engine (docker.io, dockerd)', async () => (await ensureDockerEngine(), true));
    if (docker) {
      await step('Docker orchestrator (real Engine, local images)', () => nodeTests('docker', findTests(join(root, 'test/docker'), '.docker.test.ts')));
    }
    const packaged = await step('package', () => node(['scripts/package.mjs']));
    if (packaged) {
      await step('package contents', () => nodeTests('package', findTests(join(root, 'test/package'), '.package.test.ts')));
      // The webviews' bundles as packaged, in headless Chromium (Debian's, as the end-to-end run uses).
      await step('webviews (headless Chromium)', () => (ensureAptPackages(E2E_APT_PACKAGES), nodeTests('webview', findTests(join(root, 'test/webview'), '.webview.test.ts'))));
      if (services) {
        await step('labs (verification harness)', () => labsHarness());
      }
      await step('end-to-end (code-server + Chromium)', async () => {
        const { prepareE2e } = await import('./run-e2e.mjs');
        const env = prepareE2e({ packageFirst: false });
        return nodeTests('e2e', findTests(join(root, 'test/e2e'), '.e2e.test.ts'), env);
      });
      // Figures, not verdicts: prints the plan view's and PEV2's time to first render; fails only if one draws nothing.
      await step('benchmark: plan view against PEV2', () => node(['--import', 'tsx', 'bench/planRender.ts', '--runs', '3']));
      // Figures too: a 150-table ER diagram from DDL to painted, by the view's renderer and by mermaid.
      await step('benchmark: ER diagram, ours and mermaid', () => node(['--import', 'tsx', 'bench/erRender.ts', '--runs', '1']));
      await step('benchmark: consumer-lag chart, 200 partitions', () => node(['--import', 'tsx', 'bench/lagRender.ts', '--updates', '20']));
      await step('benchmark: language server on 10,000 lines', () => node(['--import', 'tsx', 'bench/sqlServer.ts', '--runs', '5']));
    }
  }

  console.log('\n=== summary');
  for (const { name, ok, seconds, passed, failed } of steps) {
    const counts = passed === undefined ? '' : `  (${passed} passed, ${failed} failed)`;
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(38)} ${seconds.toFixed(1).padStart(6)} s${counts}`);
  }
  const passed = steps.reduce((sum, s) => sum + (s.passed ?? 0), 0);
  const failed = steps.reduce((sum, s) => sum + (s.failed ?? 0), 0);
  const allOk = steps.every((s) => s.ok) && steps.length === EXPECTED_STEPS;
  if (!allOk && failed === 0) console.log(`not every step passed: ${steps.filter((s) => !s.ok).map((s) => s.name).join(', ') || 'some steps did not run'}`);
  console.log(`tests: ${passed} passed, ${allOk ? failed : Math.max(failed, 1)} failed`);
  process.exit(allOk ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
