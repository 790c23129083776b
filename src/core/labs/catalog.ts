/**
 * The lab catalog: every lab under a labs folder, validated. A broken lab is listed as broken with all
 * of its problems; it never hides the others.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { queryMarkers } from '../checks/postgres/statements';
import { labContentVersion } from './contentVersion';
import { labSchema, levelsSchema, type LabManifest, type Level } from './labSchema';
import { YamlSource, type LocatedProblem, type ManifestProblem } from './problems';

export interface Lab {
  readonly status: 'ok';
  readonly manifest: LabManifest;
  /** The lab package's folder name, e.g. `07-analytics-star-schema`. */
  readonly folder: string;
  /** Absolute path of the lab package. */
  readonly dir: string;
  readonly contentVersion: string;
}

export interface BrokenLab {
  readonly status: 'broken';
  readonly folder: string;
  readonly dir: string;
  /** What could be read of it, to list it in the right place. */
  readonly number?: number;
  readonly level?: number;
  readonly title?: string;
  readonly problems: readonly ManifestProblem[];
}

export type LabEntry = Lab | BrokenLab;

/** What one lab.yaml says, checked: the loader lists the lab from it, and the language server underlines its problems. */
export interface LabManifestValidation {
  /** In the loader's order; each with the stretch of the manifest's text it is about, when it is about one. */
  readonly problems: readonly LocatedProblem[];
  /** Present exactly when there are no problems. */
  readonly manifest?: LabManifest;
  /** What could be read of a manifest that parses but breaks a rule, to list the broken lab in the right place. */
  readonly known: Partial<Pick<BrokenLab, 'number' | 'level' | 'title'>>;
}

export interface LabCatalog {
  readonly root: string;
  readonly levels: readonly Level[];
  /** Ordered by number, then folder. */
  readonly entries: readonly LabEntry[];
  /** Problems of levels.yaml itself. */
  readonly problems: readonly ManifestProblem[];
}

const LAB_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function loadLevels(root: string): { levels: Level[]; problems: ManifestProblem[] } {
  const text = readText(join(root, 'levels.yaml'));
  if (text === undefined) return { levels: [], problems: [{ file: 'levels.yaml', field: '', message: 'is missing' }] };
  const source = new YamlSource('levels.yaml', text);
  const syntax = source.syntaxProblems();
  if (syntax.length > 0) return { levels: [], problems: syntax };
  const input = source.toJS();
  const result = levelsSchema.safeParse(input);
  if (!result.success) return { levels: [], problems: source.schemaProblems(result.error.issues, input) };
  const problems = result.data.levels.flatMap((level, index) =>
    level.number === index + 1 ? [] : [source.problemAt(['levels', index, 'number'], `must be ${index + 1}: levels are listed in order`)],
  );
  return { levels: result.data.levels, problems };
}

/** Reads one lab package; cross-lab rules (unique ids, prerequisites) are applied by loadCatalog. */
export async function loadLab(root: string, folder: string): Promise<LabEntry> {
  const dir = join(root, folder);
  const file = `${folder}/lab.yaml`;
  const broken = (problems: ManifestProblem[], known: Partial<Pick<BrokenLab, 'number' | 'level' | 'title'>> = {}): BrokenLab => ({
    status: 'broken',
    folder,
    dir,
    ...known,
    problems,
  });
  const text = readText(join(dir, 'lab.yaml'));
  if (text === undefined) return broken([{ file, field: '', message: 'is missing: every lab folder needs a lab.yaml' }]);
  const { manifest, problems, known } = validateLabManifest(text, dir, folder);
  if (!manifest) return broken(problems.map((located) => located.problem), known);
  return { status: 'ok', manifest, folder, dir, contentVersion: await labContentVersion(dir) };
}

/**
 * Every rule of one lab package that needs no other lab, from the manifest's text (the file's, or an
 * editor's unsaved text): YAML syntax, then the schema, then the package's files and services. Each stage
 * runs only when the one before it found nothing, as a manifest that does not parse has no fields to check.
 */
export function validateLabManifest(text: string, dir: string, folder: string): LabManifestValidation {
  const { source, validation } = checkManifestText(text, `${folder}/lab.yaml`);
  if (!validation.manifest) return validation;
  const problems = packageProblems(source, dir, folder, validation.manifest);
  return problems.length > 0 ? { problems, known: validation.known } : validation;
}

/** YAML syntax and the schema only, for a manifest whose package is not on this disk to be looked at. */
export function validateManifestText(text: string, file: string): LabManifestValidation {
  return checkManifestText(text, file).validation;
}

function checkManifestText(text: string, file: string): { source: YamlSource; validation: LabManifestValidation } {
  const source = new YamlSource(file, text);
  const syntax = source.locatedSyntaxProblems();
  if (syntax.length > 0) return { source, validation: { problems: syntax, known: {} } };
  const input = source.toJS();
  const known = knownFields(input);
  const result = labSchema.safeParse(input);
  if (!result.success) return { source, validation: { problems: source.locatedSchemaProblems(result.error.issues, input), known } };
  return { source, validation: { problems: [], manifest: result.data, known } };
}

function knownFields(input: unknown): Partial<Pick<BrokenLab, 'number' | 'level' | 'title'>> {
  if (typeof input !== 'object' || input === null) return {};
  const record = input as Record<string, unknown>;
  return {
    ...(typeof record['number'] === 'number' ? { number: record['number'] } : {}),
    ...(typeof record['level'] === 'number' ? { level: record['level'] } : {}),
    ...(typeof record['title'] === 'string' ? { title: record['title'] } : {}),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The rules across the package's files: folder name, files named by the manifest, services. */
function packageProblems(source: YamlSource, dir: string, folder: string, manifest: LabManifest): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const expectedFolder = `${String(manifest.number).padStart(2, '0')}-${manifest.id}`;
  if (folder !== expectedFolder) problems.push(source.locatedProblemAt(['id'], `the lab's folder must be named ${expectedFolder} (its number and id), not ${folder}`));
  if (!isFile(join(dir, 'README.md'))) problems.push({ problem: { file: `${folder}/README.md`, field: '', message: 'is missing: every lab needs a brief' } });
  if (!existsSync(join(dir, 'starter'))) problems.push({ problem: { file: `${folder}/starter`, field: '', message: 'is missing: every lab needs a starter folder' } });

  manifest.scaffold.open.forEach((path, index) => {
    if (!isFile(join(dir, 'starter', path))) problems.push(source.locatedProblemAt(['scaffold', 'open', index], `starter/${path} does not exist`));
  });
  if (manifest.python && !isFile(join(dir, 'starter', manifest.python.requirements))) {
    problems.push(source.locatedProblemAt(['python', 'requirements'], `starter/${manifest.python.requirements} does not exist`));
  }

  const serviceNames = new Set(manifest.services.map((service) => service.name));
  const composeServices = manifest.services.length > 0 ? readComposeServices(dir) : undefined;
  manifest.services.forEach((service, index) => {
    if (composeServices === undefined) return;
    if (composeServices instanceof Error) {
      if (index === 0) problems.push({ problem: { file: `${folder}/compose.yaml`, field: '', message: composeServices.message } });
    } else if (!composeServices.has(service.name)) {
      problems.push(source.locatedProblemAt(['services', index, 'name'], `compose.yaml has no service "${service.name}"`));
    }
    if (service.kind !== 'postgres' && (service.database !== undefined || service.embedded !== undefined)) {
      problems.push(source.locatedProblemAt(['services', index, 'kind'], 'only a postgres service has database and embedded'));
    }
  });

  (manifest.checkSetup ?? []).forEach((step, stepIndex) => {
    if (!serviceNames.has(step.service)) problems.push(source.locatedProblemAt(['checkSetup', stepIndex, 'service'], `is not a service of this lab (${[...serviceNames].join(', ') || 'it has none'})`));
    step.sql.forEach((entry, entryIndex) => {
      const [scope, ...rest] = entry.split(':');
      const path = rest.join(':');
      const full = scope === 'lab' ? join(dir, path) : join(dir, 'starter', path);
      if (!isFile(full)) problems.push(source.locatedProblemAt(['checkSetup', stepIndex, 'sql', entryIndex], `${scope === 'lab' ? path : `starter/${path}`} does not exist`));
    });
  });

  const seen = new Set<string>();
  manifest.checks.forEach((check, index) => {
    if (seen.has(check.id)) problems.push(source.locatedProblemAt(['checks', index, 'id'], `"${check.id}" is the id of an earlier check`));
    seen.add(check.id);
    if ('service' in check && !serviceNames.has(check.service)) {
      problems.push(source.locatedProblemAt(['checks', index, 'service'], `is not a service of this lab (${[...serviceNames].join(', ') || 'it has none'})`));
    }
    if (check.kind === 'pytest' && !isFile(join(dir, check.file))) problems.push(source.locatedProblemAt(['checks', index, 'file'], `${check.file} does not exist`));
    if (check.kind === 'kafka' && check.expect.schema !== undefined && !isFile(join(dir, check.expect.schema))) {
      problems.push(source.locatedProblemAt(['checks', index, 'expect', 'schema'], `${check.expect.schema} does not exist`));
    }
    if ((check.kind === 'sql' || check.kind === 'explain') && check.queryFile !== undefined) {
      const starterQueries = readText(join(dir, 'starter', check.queryFile));
      if (starterQueries === undefined) problems.push(source.locatedProblemAt(['checks', index, 'queryFile'], `starter/${check.queryFile} does not exist`));
      else if (check.queryName !== undefined && !queryMarkers(starterQueries).some((marker) => marker.name === check.queryName)) {
        problems.push(source.locatedProblemAt(['checks', index, 'queryName'], `starter/${check.queryFile} has no line \`-- query: ${check.queryName}\` (or \`-- name: ${check.queryName}\`)`));
      }
    }
  });
  return problems;
}

function readComposeServices(dir: string): Set<string> | Error {
  const text = readText(join(dir, 'compose.yaml'));
  if (text === undefined) return new Error('is missing: a lab with services needs a compose.yaml');
  try {
    const parsed = parseYaml(text) as { services?: Record<string, unknown> } | null;
    return new Set(Object.keys(parsed?.services ?? {}));
  } catch (error) {
    return new Error(`is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** The lab a person names: by its number (7 or 07), its id or its folder; a broken lab by folder or number. */
export function findLabEntry(catalog: LabCatalog, name: string): LabEntry | undefined {
  const number = /^\d+$/.test(name) ? Number(name) : undefined;
  return catalog.entries.find((entry) =>
    entry.status === 'ok'
      ? entry.manifest.id === name || entry.folder === name || entry.manifest.number === number
      : entry.folder === name || (number !== undefined && entry.number === number),
  );
}

export async function loadCatalog(root: string): Promise<LabCatalog> {
  const { levels, problems } = loadLevels(root);
  let folders: string[];
  try {
    folders = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    return { root, levels, entries: [], problems: [...problems, { file: '.', field: '', message: `the labs folder cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }] };
  }
  const loaded = await Promise.all(
    folders.map((folder) =>
      LAB_FOLDER.test(folder)
        ? loadLab(root, folder)
        : Promise.resolve<BrokenLab>({ status: 'broken', folder, dir: join(root, folder), problems: [{ file: folder, field: '', message: 'is not a lab folder name: NN-<id>, e.g. 07-analytics-star-schema' }] }),
    ),
  );
  const entries = applyCatalogRules(loaded, new Set(levels.map((level) => level.number)));
  entries.sort((a, b) => (entryNumber(a) - entryNumber(b)) || a.folder.localeCompare(b.folder));
  return { root, levels, entries, problems };
}

function entryNumber(entry: LabEntry): number {
  return entry.status === 'ok' ? entry.manifest.number : (entry.number ?? Number.MAX_SAFE_INTEGER);
}

/** Rules across labs: unique ids and numbers, known levels and prerequisites. A lab that breaks one becomes broken. */
function applyCatalogRules(entries: LabEntry[], levels: ReadonlySet<number>): LabEntry[] {
  const ok = entries.filter((entry): entry is Lab => entry.status === 'ok');
  const ids = new Set(ok.map((lab) => lab.manifest.id));
  const firstWithNumber = new Map<number, string>();
  return entries.map((entry) => {
    if (entry.status !== 'ok') return entry;
    const { manifest, folder } = entry;
    const file = `${folder}/lab.yaml`;
    const problems: ManifestProblem[] = [];
    if (levels.size > 0 && !levels.has(manifest.level)) problems.push({ file, field: 'level', message: `${manifest.level} is not a level of levels.yaml` });
    const earlier = firstWithNumber.get(manifest.number);
    if (earlier !== undefined) problems.push({ file, field: 'number', message: `${manifest.number} is already the number of ${earlier}` });
    else firstWithNumber.set(manifest.number, folder);
    manifest.prerequisites.forEach((id, index) => {
      if (id === manifest.id) problems.push({ file, field: `prerequisites[${index}]`, message: 'a lab cannot be its own prerequisite' });
      else if (!ids.has(id)) problems.push({ file, field: `prerequisites[${index}]`, message: `"${id}" is not the id of any lab` });
    });
    if (problems.length === 0) return entry;
    return { status: 'broken', folder, dir: entry.dir, number: manifest.number, level: manifest.level, title: manifest.title, problems };
  });
}
