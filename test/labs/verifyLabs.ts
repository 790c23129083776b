/**
 * The verification harness: proves every lab's checks honest, with real services run natively.
 *
 * For each lab under labs/: scaffold the starter into a temporary folder and run its checks (at least
 * one must fail, as a failure, not "could not run"); lay the solution over a fresh starter and run them
 * `--repeat` times (all must pass every time, so a flaky check is caught here); lay each wrong/<mistake>
 * over a fresh starter and solution (at least one check must fail); and run the command-line checker on the starter
 * and the solution, which must give the same verdicts; a PostgreSQL-only lab is run on the embedded
 * PostgreSQL (PGlite) too, starter and solution, and, when a Docker Engine answers, in Docker through
 * the extension's orchestrator from the lab's own compose.yaml (its postgres image replaced by the one
 * built on this machine, as no registry is reachable here). Prints a table and exits 1 unless every lab is
 * proven. A lab whose services cannot run here is listed with the reason, never skipped.
 *
 * A lab with a PostgreSQL service named `*-replica` gets a native streaming replica of its other PostgreSQL
 * service (a pair of its own, started for that lab only). A lab with services this harness cannot run
 * (MongoDB, ...) runs only the checks that name none of them; the others, and the wrong/<kind>-... solutions
 * meant for them, are listed as not run here with the reason, and the lab is proven for the part that ran.
 *
 *   node --import tsx test/labs/verifyLabs.ts [--lab <number|id>] [--repeat N] [--json <file>]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkLab } from '../../src/core/checks/checkLab';
import { servicesOf } from '../../src/core/checks/engine';
import { serviceEnvVar } from '../../src/core/checks/resolver';
import type { CheckResult } from '../../src/core/checks/types';
import { findLabEntry, loadCatalog, type Lab } from '../../src/core/labs/catalog';
import { formatProblem } from '../../src/core/labs/problemFormat';
import type { CheckDefinition, ServiceDefinition } from '../../src/core/labs/labSchema';
import Dockerode from 'dockerode';
import { readComposeFile } from '../../src/core/services/docker/composeFile';
import { containerEndpoint } from '../../src/core/services/docker/endpoints';
import { ComposeOrchestrator } from '../../src/core/services/docker/orchestrator';
import { startEmbeddedPostgres } from '../../src/core/services/embeddedPostgres';
import { ensureTestImages } from '../support/dockerImages';
import { startNativePostgres, startNativeReplica, type NativePostgres, type NativeReplica } from '../support/nativePostgres';
import { ensureCheckPython } from '../support/nativePython';
import { layered, wrongSolutions } from '../support/labLayers';

const REPO = join(__dirname, '..', '..');
const LABS = join(REPO, 'labs');

interface Row {
  readonly lab: string;
  readonly checks: number;
  starter: string;
  solution: string;
  wrong: string;
  cli: string;
  embedded: string;
  docker: string;
  /** What this harness could not run, and why ('-' when everything ran). */
  notRun: string;
  seconds: number;
  ok: boolean;
  /** Everything ran and held, but part of the lab (notRun) is unverified here. */
  partial: boolean;
  readonly problems: string[];
  /** Said about the lab without failing it: what was not run here. */
  readonly notes: string[];
}

interface Options {
  readonly only?: string;
  readonly repeat: number;
  readonly json?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const repeat = Number(value('--repeat') ?? process.env.DELABS_VERIFY_REPEAT ?? 3);
  const only = value('--lab');
  const json = value('--json');
  return { repeat: Number.isInteger(repeat) && repeat >= 1 ? repeat : 3, ...(only ? { only } : {}), ...(json ? { json } : {}) };
}

/**
 * A fresh copy of the starter with `overlays` laid over it in order: solution/, or solution/ then
 * wrong/<mistake> (a patch against the solution, or a folder of the files it changes: labLayers.ts).
 */
function workspaceFor(lab: Lab, ...overlays: string[]): string {
  return layered(lab.dir, ['starter', ...overlays], mkdtempSync(join(tmpdir(), `delabs-verify-${lab.manifest.id}-`)));
}

function tally(results: readonly CheckResult[]): { passed: number; failed: number; couldNotRun: CheckResult[] } {
  return {
    passed: results.filter((result) => result.status === 'passed').length,
    failed: results.filter((result) => result.status === 'failed').length,
    couldNotRun: results.filter((result) => result.status === 'could-not-run'),
  };
}

/** The service kinds this harness runs natively. */
const NATIVE_KINDS: ReadonlySet<ServiceDefinition['kind']> = new Set(['postgres']);

/** Why a kind of service cannot run here, for the table. */
function whyNotHere(kind: ServiceDefinition['kind']): string {
  return kind === 'mongodb' ? 'no MongoDB on this machine' : `no native ${kind} in this harness yet`;
}

interface RunnablePart {
  /** The checks whose services all run here. */
  readonly runnable: readonly CheckDefinition[];
  readonly unrunnable: readonly CheckDefinition[];
  /** The lab's services that cannot run here, and their kinds. */
  readonly missing: readonly ServiceDefinition[];
  readonly missingKinds: ReadonlySet<ServiceDefinition['kind']>;
  /** Why the unrunnable checks cannot run, e.g. "no MongoDB on this machine". */
  readonly reason: string;
}

/** Splits the lab's checks into those this harness can run and those that need a service it cannot provide. */
function runnablePart(lab: Lab): RunnablePart {
  const missing = lab.manifest.services.filter((service) => !NATIVE_KINDS.has(service.kind));
  const missingNames = new Set(missing.map((service) => service.name));
  const runnable = lab.manifest.checks.filter((check) => servicesOf(check).every((name) => !missingNames.has(name)));
  const unrunnable = lab.manifest.checks.filter((check) => !runnable.includes(check));
  const missingKinds = new Set(missing.map((service) => service.kind));
  return { runnable, unrunnable, missing, missingKinds, reason: [...missingKinds].map(whyNotHere).join(', ') };
}

/** Why the lab cannot be verified here at all, or undefined when at least some of its checks can run. */
function unsupportedServices(part: RunnablePart): string | undefined {
  if (part.runnable.length > 0) return undefined;
  const services = part.missing.map((service) => `${service.kind} (service "${service.name}")`).join(', ');
  return `${part.reason}: every check needs ${services}, so none can run here`;
}

/** The lab with only these checks: the engine (and its pytest session) then runs nothing else. */
function withChecks(lab: Lab, checks: readonly CheckDefinition[]): Lab {
  return checks.length === lab.manifest.checks.length ? lab : { ...lab, manifest: { ...lab.manifest, checks: [...checks] } };
}

/** A streaming replica is wanted for each PostgreSQL service named `*-replica`; it replicates the lab's one other PostgreSQL service. */
function isReplicaService(service: ServiceDefinition): boolean {
  return service.kind === 'postgres' && service.name.endsWith('-replica');
}

/** The native servers a lab's PostgreSQL services map to. */
interface NativeServers {
  readonly primary?: NativePostgres;
  readonly replica?: NativeReplica;
  /** Why PostgreSQL (or the replica) cannot run here. */
  readonly problem?: string;
}

/** Starts a primary and its streaming replica for one lab; the replica lab's own pair, so its settings touch no other lab. */
async function startReplicaPair(): Promise<NativeServers> {
  let primary: NativePostgres | undefined;
  try {
    primary = await startNativePostgres({ stockSynchronousCommit: true });
    const replica = await startNativeReplica(primary);
    console.log(`native PostgreSQL primary on 127.0.0.1:${primary.port}, streaming replica "${replica.applicationName}" on 127.0.0.1:${replica.port}`);
    return { primary, replica };
  } catch (error) {
    await primary?.stop();
    return { problem: `a PostgreSQL streaming replica cannot run here: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The command-line checker's verdicts on a folder, by check id. */
function cliVerdicts(lab: Lab, dir: string, env: NodeJS.ProcessEnv, python: string, only?: readonly string[]): Record<string, string> | string {
  const cli = join(REPO, 'dist', 'cli.js');
  const onlyArgs = only ? ['--only', only.join(',')] : [];
  const result = spawnSync(process.execPath, [cli, 'check', lab.manifest.id, '--dir', dir, '--json', '--labs', LABS, '--python', python, ...onlyArgs], {
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    const parsed = JSON.parse(result.stdout) as { results: CheckResult[] };
    return Object.fromEntries(parsed.results.map((entry) => [entry.id, entry.status]));
  } catch {
    return `the CLI printed no JSON (exit ${String(result.status)}): ${result.stderr.trim().slice(0, 300)}`;
  }
}

function sameVerdicts(inProcess: readonly CheckResult[], cli: Record<string, string> | string): string | undefined {
  if (typeof cli === 'string') return cli;
  const differing = inProcess.filter((result) => cli[result.id] !== result.status);
  if (differing.length === 0 && Object.keys(cli).length === inProcess.length) return undefined;
  return `the CLI disagrees on ${differing.map((result) => `${result.id} (engine ${result.status}, CLI ${cli[result.id] ?? 'missing'})`).join(', ')}`;
}

/** The Engine, when one answers here; the Docker column is then proven, otherwise it says "no Docker". */
async function dockerIfRunning(): Promise<Dockerode | undefined> {
  const docker = new Dockerode();
  return docker.ping().then(() => docker, () => undefined);
}

/**
 * Runs the starter and the solution against the lab's compose.yaml in Docker, started by the orchestrator
 * the extension uses (project delabs-harness-<id>), with postgres images replaced by the local one. Only
 * the lab's PostgreSQL services run (a primary and its streaming replica included), as written in the
 * file; services of other kinds (MongoDB) are left out, as their checks are (`lab` holds the rest).
 */
async function verifyOnDocker(lab: Lab, docker: Dockerode, python: string, starterDir: string, solutionDir: string, row: Row): Promise<void> {
  const { postgres: localPostgres } = await ensureTestImages(docker);
  const whole = readComposeFile(join(lab.dir, 'compose.yaml'), { projectName: `delabs-harness-${lab.manifest.id}`, workingDir: lab.dir, env: {} });
  const postgresNames = new Set(lab.manifest.services.filter((service) => service.kind === 'postgres').map((service) => service.name));
  const project = { ...whole, services: whole.services.filter((service) => postgresNames.has(service.name)) };
  const imageOverrides = Object.fromEntries(project.services.filter((service) => service.image.startsWith('postgres:')).map((service) => [service.image, localPostgres]));
  const orchestrator = new ComposeOrchestrator(project, { docker, labId: lab.manifest.id, images: { imageOverrides } });
  try {
    const statuses = await orchestrator.up({ healthTimeoutMs: 120_000 });
    const onDocker = (dir: string): Promise<readonly CheckResult[]> =>
      checkLab({ lab, workDir: dir, python, env: {}, containers: async (_lab, service) => containerEndpoint(project, statuses, service) }).then((result) => result.results);
    const dockerStarter = tally(await onDocker(starterDir));
    const dockerSolution = await onDocker(solutionDir);
    const notPassing = dockerSolution.filter((result) => result.status !== 'passed');
    row.docker = `${dockerStarter.failed} fail / ${dockerSolution.length - notPassing.length} pass`;
    if (dockerStarter.failed === 0) row.problems.push('Docker: no check fails on the starter');
    for (const result of [...dockerStarter.couldNotRun, ...notPassing]) row.problems.push(`Docker: ${result.id} ${result.status}: ${result.message}`);
  } catch (error) {
    row.docker = 'failed';
    row.problems.push(`Docker: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await orchestrator.down({ volumes: true });
  }
}

function emptyRow(folder: string, checks: number, problems: string[]): Row {
  return { lab: folder, checks, starter: '-', solution: '-', wrong: '-', cli: '-', embedded: '-', docker: '-', notRun: '-', seconds: 0, ok: false, partial: false, problems, notes: [] };
}

async function verifyLab(fullLab: Lab, options: Options, servers: NativeServers, docker: Dockerode | undefined): Promise<Row> {
  const started = Date.now();
  const row = emptyRow(fullLab.folder, fullLab.manifest.checks.length, []);
  const part = runnablePart(fullLab);
  const postgresServices = fullLab.manifest.services.filter((service) => service.kind === 'postgres');
  const replicas = postgresServices.filter(isReplicaService);
  const primaries = postgresServices.filter((service) => !isReplicaService(service));
  const replicaRule = replicas.length > 0 && primaries.length !== 1 ? `a *-replica service needs exactly one other PostgreSQL service to replicate, and the lab has ${primaries.length}` : undefined;
  const unsupported = unsupportedServices(part) ?? replicaRule ?? (postgresServices.length > 0 && !servers.primary ? servers.problem : undefined);
  if (unsupported) {
    row.problems.push(`not verified: ${unsupported}`);
    row.seconds = (Date.now() - started) / 1000;
    return row;
  }
  // From here on only the checks that can run here are run; the rest are listed, not failed.
  const lab = withChecks(fullLab, part.runnable);
  const only = part.unrunnable.length > 0 ? part.runnable.map((check) => check.id) : undefined;
  if (part.unrunnable.length > 0) {
    row.partial = true;
    row.notes.push(`not run here: ${part.reason} (${part.unrunnable.length} checks: ${part.unrunnable.map((check) => check.id).join(', ')})`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const service of postgresServices) {
    const server = isReplicaService(service) ? servers.replica : servers.primary;
    if (server) env[serviceEnvVar(service.name)] = server.url(service.database ?? 'postgres');
  }
  const requirements = lab.manifest.python ? [join(lab.dir, 'starter', lab.manifest.python.requirements)] : [];
  const python = await ensureCheckPython(requirements);
  const run = (dir: string): Promise<readonly CheckResult[]> => checkLab({ lab, workDir: dir, python, env, defaultTimeoutSeconds: 60 }).then((result) => result.results);
  const couldNotRun = (label: string, results: readonly CheckResult[]): void => {
    for (const result of tally(results).couldNotRun) row.problems.push(`${label}: ${result.id} ${result.message}`);
  };
  const folders: string[] = [];
  try {
    // The starter: something must fail, as a failure.
    const starterDir = workspaceFor(lab);
    folders.push(starterDir);
    const starter = await run(starterDir);
    const starterTally = tally(starter);
    row.starter = `${starterTally.failed}/${starter.length} fail`;
    couldNotRun('starter', starter);
    if (starterTally.failed === 0) row.problems.push('starter: no check fails on the starter');
    const starterCli = sameVerdicts(starter, cliVerdicts(lab, starterDir, env, python, only));

    // The solution, repeated: everything must pass every time.
    const solutionDir = workspaceFor(lab, 'solution');
    folders.push(solutionDir);
    let cleanRuns = 0;
    let solution: readonly CheckResult[] = [];
    for (let attempt = 1; attempt <= options.repeat; attempt += 1) {
      solution = await run(solutionDir);
      const failing = solution.filter((result) => result.status !== 'passed');
      if (failing.length === 0) cleanRuns += 1;
      for (const result of failing) row.problems.push(`solution run ${attempt}: ${result.id} ${result.status}: ${result.message}`);
    }
    row.solution = `${tally(solution).passed}/${solution.length} pass ×${cleanRuns}/${options.repeat}`;
    const solutionCli = sameVerdicts(solution, cliVerdicts(lab, solutionDir, env, python, only));
    row.cli = starterCli === undefined && solutionCli === undefined ? 'same' : 'differs';
    if (starterCli) row.problems.push(`CLI on the starter: ${starterCli}`);
    if (solutionCli) row.problems.push(`CLI on the solution: ${solutionCli}`);

    // Each known-wrong solution must be caught.
    const mistakes = wrongSolutions(lab.dir);
    let caught = 0;
    // A wrong/<kind>-... solution is a mistake in the part of a service kind that cannot run here: when no
    // runnable check catches it, it is listed as not run here (its catching checks are among the unrun ones).
    const notRunWrong: string[] = [];
    for (const mistake of mistakes) {
      const dir = workspaceFor(lab, 'solution', join('wrong', mistake));
      folders.push(dir);
      const results = await run(dir);
      couldNotRun(`wrong/${mistake}`, results);
      const failed = results.filter((result) => result.status === 'failed').map((result) => result.id);
      if (failed.length > 0) caught += 1;
      else if ([...part.missingKinds].some((kind) => mistake.startsWith(`${kind}-`))) notRunWrong.push(mistake);
      else row.problems.push(`wrong/${mistake}: no check fails`);
    }
    const judged = mistakes.length - notRunWrong.length;
    row.wrong = mistakes.length === 0 ? 'none' : `${caught}/${judged} caught`;
    if (mistakes.length === 0) row.problems.push('no wrong/ solutions: every lab needs at least one');
    else if (judged === 0) row.problems.push('no wrong/ solution can be judged here: the part that runs here needs at least one');
    if (notRunWrong.length > 0) row.notes.push(`not run here: ${part.reason} (${notRunWrong.length} wrong/: ${notRunWrong.join(', ')}; no check that runs here catches them)`);
    if (part.unrunnable.length > 0) {
      const wrongPart = notRunWrong.length > 0 ? `, ${notRunWrong.length} wrong/` : '';
      row.notRun = `${part.unrunnable.length} checks${wrongPart}: ${part.reason}`;
    }

    // A PostgreSQL-only lab runs on the embedded PostgreSQL too, when a learner has no Docker: prove it there.
    const services = lab.manifest.services;
    if (services.length > 0 && services.every((service) => service.kind === 'postgres' && service.embedded) && replicas.length === 0) {
      const embedded = await startEmbeddedPostgres();
      try {
        const onEmbedded = (dir: string): Promise<readonly CheckResult[]> =>
          checkLab({ lab, workDir: dir, python, env: process.env, embedded: async (_lab, service) => embedded.endpoint(service.database ?? 'postgres') }).then((result) => result.results);
        const embeddedStarter = tally(await onEmbedded(starterDir));
        const embeddedSolution = await onEmbedded(solutionDir);
        const notPassing = embeddedSolution.filter((result) => result.status !== 'passed');
        row.embedded = `${embeddedStarter.failed} fail / ${embeddedSolution.length - notPassing.length} pass`;
        if (embeddedStarter.failed === 0) row.problems.push('embedded PostgreSQL: no check fails on the starter');
        for (const result of [...embeddedStarter.couldNotRun, ...notPassing]) row.problems.push(`embedded PostgreSQL: ${result.id} ${result.status}: ${result.message}`);
      } finally {
        await embedded.stop();
      }
    }
    // A lab with PostgreSQL services also runs in Docker, from its own compose.yaml, as Start Services does:
    // those services (a replica too, replicating as the file says), and the checks that run here.
    if (postgresServices.length > 0) {
      if (docker) await verifyOnDocker(lab, docker, python, starterDir, solutionDir, row);
      else row.docker = 'no Docker';
    }
  } finally {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
  row.seconds = (Date.now() - started) / 1000;
  row.ok = row.problems.length === 0;
  return row;
}

/** "proven", or for a lab of which only a part could run here, which part: "proven (PostgreSQL half)". */
function verdict(row: Row): string {
  if (!row.ok) return 'NOT PROVEN';
  return row.partial ? 'proven (PostgreSQL half)' : 'proven';
}

function table(rows: readonly Row[]): string {
  const header = ['lab', 'checks', 'starter', 'solution', 'wrong', 'CLI', 'embedded PG', 'Docker', 'not run here', 'seconds', 'verdict'];
  const cells = rows.map((row) => [row.lab, String(row.checks), row.starter, row.solution, row.wrong, row.cli, row.embedded, row.docker, row.notRun, row.seconds.toFixed(1), verdict(row)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]?.length ?? 0)));
  const line = (values: readonly string[]): string => values.map((value, column) => value.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) {
    const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed, so the CLI cannot be compared');
  }
  const catalog = await loadCatalog(LABS);
  const rows: Row[] = [];
  for (const problem of catalog.problems) console.log(`levels.yaml: ${formatProblem(problem)}`);
  const named = options.only === undefined ? undefined : findLabEntry(catalog, options.only);
  const entries = options.only === undefined ? catalog.entries : named ? [named] : [];
  if (entries.length === 0) throw new Error(`no lab matches ${options.only ?? '(all)'}`);

  const needsPostgres = entries.some(
    (entry) => entry.status === 'ok' && entry.manifest.services.some((service) => service.kind === 'postgres') && !entry.manifest.services.some(isReplicaService),
  );
  let postgres: NativePostgres | undefined;
  let postgresProblem: string | undefined;
  if (needsPostgres) {
    try {
      postgres = await startNativePostgres();
      console.log(`native PostgreSQL on 127.0.0.1:${postgres.port}`);
    } catch (error) {
      postgresProblem = `PostgreSQL cannot run here: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const docker = await dockerIfRunning();
  if (!docker) console.log('no Docker Engine answers: the Docker column is not proven (npm test starts one)');
  try {
    for (const entry of entries) {
      if (entry.status === 'broken') {
        rows.push(emptyRow(entry.folder, 0, entry.problems.map(formatProblem)));
        continue;
      }
      process.stdout.write(`verifying ${entry.folder} ...\n`);
      if (entry.manifest.services.some(isReplicaService)) {
        const pair = await startReplicaPair();
        try {
          rows.push(await verifyLab(entry, options, pair, docker));
        } finally {
          await pair.replica?.stop();
          await pair.primary?.stop();
        }
      } else {
        rows.push(await verifyLab(entry, options, { ...(postgres ? { primary: postgres } : {}), ...(postgresProblem ? { problem: postgresProblem } : {}) }, docker));
      }
    }
  } finally {
    await postgres?.stop();
  }
  console.log(`\n${table(rows)}\n`);
  for (const row of rows.filter((candidate) => candidate.problems.length > 0 || candidate.notes.length > 0)) {
    console.log(`${row.lab}:\n${[...row.problems, ...row.notes].map((problem) => `  - ${problem}`).join('\n')}`);
  }
  const proven = rows.filter((row) => row.ok).length;
  const partial = rows.filter((row) => row.ok && row.partial).length;
  const partly = partial > 0 ? `, ${partial} of them only in part (see "not run here")` : '';
  console.log(`labs: ${proven} proven${partly}, ${rows.length - proven} not proven (solution runs: ${options.repeat} each)`);
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(rows, null, 2)}\n`);
  }
  return proven === rows.length ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`verify-labs: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
