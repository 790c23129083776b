/**
 * `data-eng-labs check <lab>`: runs a lab's checks on the learner's folder, outside VS Code, with the
 * same engine the extension uses. Exit code 0 only when every check passed; 1 when one failed; 3 when
 * none failed but one could not run; 2 for a usage error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkLab, DEFAULT_CHECK_TIMEOUT_SECONDS } from '../core/checks/checkLab';
import { recordCheckRun } from '../core/checks/record';
import { formatRun, summarise } from '../core/checks/report';
import { findLabEntry, loadCatalog } from '../core/labs/catalog';
import { formatProblem } from '../core/labs/problemFormat';
import { ProgressStore } from '../core/labs/progress';
import type { LabRunResult } from '../core/checks/types';
import type { EmbeddedPostgres } from '../core/services/embeddedPostgres';
import type { CliIO } from './io';

export const CHECK_USAGE = `  check <lab> [--json] [--embedded] [--dir <folder>] [--workspace <folder>] [--python <path>] [--only <id,id>] [--timeout <s>] [--labs <folder>]
        Run a lab's checks on your lab folder. <lab> is its number (7), id (analytics-star-schema) or
        folder name (07-analytics-star-schema). The folder is found from .delabs/progress.json in the
        workspace (the current folder unless --workspace), else labs/<NN-id>; --dir names it directly.
        Exit code 0 only when every check passed (1: a check failed; 3: a check could not run).
        Services come from DELABS_SERVICE_<NAME>_URL (e.g. DELABS_SERVICE_POSTGRES_URL) or the port the
        lab's compose.yaml publishes; with --embedded, a PostgreSQL-only lab runs on the embedded
        PostgreSQL (PGlite, in memory, for this run), with no Docker. Python from --python, DELABS_PYTHON or python3.
`;

const VALUE_OPTIONS = ['--dir', '--workspace', '--python', '--only', '--timeout', '--labs'];

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** The lab packages: --labs, DELABS_LABS_DIR, or the labs/ folder shipped beside the CLI. */
function labsRoot(args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const given = optionValue(args, '--labs') ?? env.DELABS_LABS_DIR;
  if (given) return resolve(given);
  return [join(__dirname, '..', 'labs'), join(__dirname, '..', '..', 'labs')].find((dir) => existsSync(join(dir, 'levels.yaml')));
}

export async function checkCommand(args: readonly string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  for (const option of VALUE_OPTIONS) {
    const index = args.indexOf(option);
    if (index >= 0 && (args[index + 1] === undefined || args[index + 1]?.startsWith('--'))) {
      io.err(`data-eng-labs check: ${option} needs a value.\n`);
      return 2;
    }
  }
  const name = args.find((arg, index) => !arg.startsWith('--') && !VALUE_OPTIONS.includes(args[index - 1] ?? ''));
  if (!name) {
    io.err(`data-eng-labs check: name a lab, e.g. data-eng-labs check 7.\n\n${CHECK_USAGE}`);
    return 2;
  }
  const timeout = Number(optionValue(args, '--timeout') ?? DEFAULT_CHECK_TIMEOUT_SECONDS);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 1800) {
    io.err('data-eng-labs check: --timeout must be a whole number of seconds from 1 to 1800.\n');
    return 2;
  }
  const root = labsRoot(args, env);
  if (!root) {
    io.err('data-eng-labs check: cannot find the lab packages; pass --labs <folder> or set DELABS_LABS_DIR.\n');
    return 2;
  }
  const catalog = await loadCatalog(root);
  const entry = findLabEntry(catalog, name);
  if (!entry) {
    io.err(`data-eng-labs check: no lab "${name}" in ${root}. Labs are named by number, id or folder, e.g. 7, analytics-star-schema or 07-analytics-star-schema.\n`);
    return 2;
  }
  if (entry.status === 'broken') {
    io.err(`data-eng-labs check: the lab ${entry.folder} is broken:\n${entry.problems.map((problem) => `  ${formatProblem(problem)}`).join('\n')}\n`);
    return 2;
  }
  const lab = entry;

  const workspace = resolve(optionValue(args, '--workspace') ?? process.cwd());
  const store = new ProgressStore(workspace);
  let workDir = optionValue(args, '--dir');
  if (workDir !== undefined) {
    workDir = resolve(workDir);
  } else {
    const progress = await store.read();
    const folder = progress.ok ? progress.data.labs[lab.manifest.id]?.folder : undefined;
    workDir = folder !== undefined ? join(workspace, folder) : join(workspace, 'labs', lab.folder);
  }
  if (!existsSync(workDir)) {
    io.err(
      `data-eng-labs check: the lab folder ${workDir} does not exist. Open the lab in VS Code (Data Labs: Open Lab...) or pass --dir <folder>.\n`,
    );
    return 2;
  }

  const only = optionValue(args, '--only')?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !lab.manifest.checks.some((check) => check.id === id)) ?? [];
  if (unknown.length > 0) {
    io.err(`data-eng-labs check: lab ${lab.folder} has no check ${unknown.join(', ')}; its checks are ${lab.manifest.checks.map((check) => check.id).join(', ')}.\n`);
    return 2;
  }
  const json = args.includes('--json');
  const python = optionValue(args, '--python');
  let embedded: EmbeddedPostgres | undefined;
  if (args.includes('--embedded')) {
    const others = lab.manifest.services.filter((service) => service.kind !== 'postgres' || !service.embedded);
    if (others.length > 0) {
      io.err(
        `data-eng-labs check: --embedded runs PostgreSQL only, and lab ${lab.folder} also needs ${others.map((service) => `${service.name} (${service.kind})`).join(', ')}: ` +
          'start its services with Docker (docker compose up in the lab package) instead.\n',
      );
      return 2;
    }
    // Loaded only here: the build makes it an ES module of its own (dist/embeddedPostgres.mjs) beside PGlite's files.
    const { startEmbeddedPostgres } = await import('../core/services/embeddedPostgres');
    embedded = await startEmbeddedPostgres();
  }
  let run: LabRunResult;
  try {
    run = await checkLab({
      lab,
      workDir,
      env,
      defaultTimeoutSeconds: timeout,
      ...(python ? { python } : {}),
      ...(only ? { only } : {}),
      ...(embedded ? { embedded: async (_lab, service) => embedded.endpoint(service.database ?? 'postgres') } : {}),
    });
  } finally {
    await embedded?.stop();
  }

  if (!args.includes('--dir')) {
    try {
      await recordCheckRun(store, run, lab.manifest.checks.map((check) => check.id), lab.contentVersion);
    } catch (error) {
      io.err(`data-eng-labs check: the results were not recorded: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const title = `Lab ${String(lab.manifest.number).padStart(2, '0')} ${lab.manifest.title} (${workDir})`;
  io.out(json ? `${JSON.stringify({ lab: lab.manifest.id, folder: workDir, ...run }, null, 2)}\n` : formatRun(title, run));
  const summary = summarise(run);
  if (summary.failed > 0) return 1;
  if (summary.couldNotRun > 0) return 3;
  return 0;
}
