/**
 * The mermaid kind: a Markdown file's ```mermaid block (or a whole .mmd file) holds a diagram of a given
 * type that parses, with the expected entities (or nodes) and relationships (or edges). Parsed with
 * mermaid itself, loaded on first use: it is large.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { LabManifest } from '../../labs/labSchema';
import { CouldNotRunError, outcome, type KindOutcome, type KindRunner } from '../types';
import type * as MermaidRuntime from './mermaidRuntime';
import { markdownMermaidBlocks, mermaidBlock, mermaidParseError } from '../../../shared/mermaidText';

type DiagramKind = Extract<LabManifest['checks'][number], { kind: 'mermaid' }>['diagram'];

/** The words that start a diagram of each kind. */
const HEADERS: Readonly<Record<string, DiagramKind>> = {
  erDiagram: 'erDiagram',
  flowchart: 'flowchart',
  'flowchart-v2': 'flowchart',
  'flowchart-elk': 'flowchart',
  graph: 'flowchart',
  sequenceDiagram: 'sequenceDiagram',
  classDiagram: 'classDiagram',
  'classDiagram-v2': 'classDiagram',
  stateDiagram: 'stateDiagram',
  'stateDiagram-v2': 'stateDiagram',
};

/** What a diagram of each kind calls its entities and relationships, singular and plural, in messages. */
const VOCABULARY: Readonly<Record<DiagramKind, { entity: readonly [string, string]; relationship: readonly [string, string] }>> = {
  erDiagram: { entity: ['entity', 'entities'], relationship: ['relationship', 'relationships'] },
  flowchart: { entity: ['node', 'nodes'], relationship: ['edge', 'edges'] },
  sequenceDiagram: { entity: ['participant', 'participants'], relationship: ['message', 'messages'] },
  classDiagram: { entity: ['class', 'classes'], relationship: ['relationship', 'relationships'] },
  stateDiagram: { entity: ['state', 'states'], relationship: ['transition', 'transitions'] },
};

function count(n: number, [singular, plural]: readonly [string, string]): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

type MermaidApi = Awaited<ReturnType<typeof MermaidRuntime.loadMermaidRuntime>>;

let loading: Promise<MermaidApi> | undefined;

/** Loads mermaid once, on the first mermaid check (the build keeps it in its own bundle, dist/mermaid.js). */
function loadMermaid(): Promise<MermaidApi> {
  loading ??= import('./mermaidRuntime').then((runtime) => runtime.loadMermaidRuntime());
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

function call(db: unknown, method: string): unknown {
  if (typeof db !== 'object' || db === null) return undefined;
  const fn = (db as Record<string, unknown>)[method];
  return typeof fn === 'function' ? (fn as (this: unknown) => unknown).call(db) : undefined;
}

function keys(value: unknown): string[] {
  if (value instanceof Map) return [...value.keys()].map(String);
  if (typeof value === 'object' && value !== null) return Object.keys(value);
  return [];
}

function pairs(value: unknown, from: string, to: string, rename: (id: string) => string = (id) => id): Array<[string, string]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown): Array<[string, string]> => {
    if (typeof item !== 'object' || item === null) return [];
    const a = (item as Record<string, unknown>)[from];
    const b = (item as Record<string, unknown>)[to];
    return typeof a === 'string' && typeof b === 'string' ? [[rename(a), rename(b)]] : [];
  });
}

/** The entities and relationships of a parsed diagram, read from mermaid's diagram database. */
function contents(kind: DiagramKind, db: unknown): { entities: string[]; relationships: Array<[string, string]> } {
  switch (kind) {
    case 'erDiagram': {
      const entities = call(db, 'getEntities');
      const names = new Map<string, string>();
      if (entities instanceof Map) {
        for (const [name, entity] of entities as Map<unknown, unknown>) {
          const id = typeof entity === 'object' && entity !== null ? (entity as Record<string, unknown>).id : undefined;
          if (typeof id === 'string') names.set(id, String(name));
        }
      }
      return { entities: keys(entities), relationships: pairs(call(db, 'getRelationships'), 'entityA', 'entityB', (id) => names.get(id) ?? id) };
    }
    case 'flowchart':
      return { entities: keys(call(db, 'getVertices')), relationships: pairs(call(db, 'getEdges'), 'start', 'end') };
    case 'sequenceDiagram':
      return { entities: keys(call(db, 'getActors')), relationships: pairs(call(db, 'getMessages'), 'from', 'to') };
    case 'classDiagram':
      return { entities: keys(call(db, 'getClasses')), relationships: pairs(call(db, 'getRelations'), 'id1', 'id2') };
    case 'stateDiagram': {
      // mermaid names the [*] start and end states root_start and root_end.
      const state = (id: string): string => (id === 'root_start' || id === 'root_end' ? '[*]' : id);
      return { entities: keys(call(db, 'getStates')).map(state), relationships: pairs(call(db, 'getRelations'), 'id1', 'id2', state) };
    }
  }
}

/** "a flowchart", "an erDiagram". */
function aOrAn(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

function pairText([a, b]: readonly [string, string]): string {
  return `${a} -- ${b}`;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}

interface BlockVerdict {
  readonly outcome: KindOutcome;
  /** How far from passing: missing entities and relationships; Infinity for a parse error. */
  readonly missing: number;
}

/**
 * Runs a mermaid check on `path` (relative to the lab folder): a .md file's ```mermaid blocks, or the
 * whole of a .mmd file. Passes when a diagram of kind `diagram` parses and has every entity of
 * `expect.entities` (ER entities, flowchart node ids, sequence participants, classes, states; names are
 * case-sensitive) and every pair of `expect.relationships` joined, in either direction.
 */
export const runMermaidCheck: KindRunner<'mermaid'> = async (check, context) => {
  const file = resolve(context.workDir, check.path);
  const missingFile = await stat(file).then(
    (info) => (info.isDirectory() ? 'a folder' : undefined),
    () => 'missing',
  );
  if (missingFile === 'missing') return outcome.failed(`${check.path} is not in the lab folder.`, { expected: `a file ${check.path}`, actual: 'no such file' });
  if (missingFile) return outcome.failed(`${check.path} is a folder, not a file.`, { expected: `a file ${check.path}`, actual: 'a folder' });

  const text = await readFile(file, 'utf8');
  const markdown = ['.md', '.markdown'].includes(extname(check.path).toLowerCase());
  const blocks = markdown ? markdownMermaidBlocks(text) : [mermaidBlock(text, 1)];
  const candidates = blocks.filter((found) => found.header !== undefined && HEADERS[found.header] === check.diagram);
  if (candidates.length === 0) {
    const others = sorted(blocks.map((found) => found.header ?? '(an empty block)'));
    const actual = blocks.length === 0 ? (markdown ? 'no ```mermaid block' : 'an empty file') : `${markdown ? 'mermaid blocks' : 'a diagram'} of another kind: ${others.join(', ')}`;
    return outcome.failed(markdown ? `${check.path} has no ${check.diagram} block.` : `${check.path} is not ${aOrAn(check.diagram)}.`, {
      expected: markdown ? `a \`\`\`mermaid block with ${aOrAn(check.diagram)}` : aOrAn(check.diagram),
      actual,
      location: { file: check.path, line: 1 },
    });
  }

  const mermaid = await loadMermaid();
  const vocabulary = VOCABULARY[check.diagram];
  const verdicts: BlockVerdict[] = [];
  for (const found of candidates) {
    let db: unknown;
    try {
      db = (await mermaid.mermaidAPI.getDiagramFromText(found.text)).db;
    } catch (error) {
      // A TypeError or ReferenceError is mermaid failing in this environment, not the learner's diagram.
      if (error instanceof TypeError || error instanceof ReferenceError) {
        throw new CouldNotRunError(`mermaid failed while reading the ${check.diagram} (${error.message}); this is a bug in Data Engineering Labs.`);
      }
      const { message, line } = mermaidParseError(error, found);
      verdicts.push({
        outcome: outcome.failed(`the ${check.diagram} in ${check.path} does not parse: ${message}.`, {
          expected: `${aOrAn(check.diagram)} that parses`,
          actual: message,
          location: { file: check.path, line },
        }),
        missing: Number.POSITIVE_INFINITY,
      });
      continue;
    }
    const { entities, relationships } = contents(check.diagram, db);
    const wantedEntities = check.expect?.entities ?? [];
    const wantedRelationships = check.expect?.relationships ?? [];
    const missingEntities = wantedEntities.filter((name) => !entities.includes(name));
    const missingRelationships = wantedRelationships.filter(
      ([a, b]) => !relationships.some(([x, y]) => (x === a && y === b) || (x === b && y === a)),
    );
    const location = { file: check.path, line: found.startLine };
    if (missingEntities.length === 0 && missingRelationships.length === 0) {
      verdicts.push({ outcome: outcome.passed(`${check.path} has ${aOrAn(check.diagram)} that parses${check.expect ? ', with the expected contents' : ''}.`), missing: 0 });
      break;
    }
    const parts: string[] = [];
    if (missingEntities.length > 0) parts.push(`${count(missingEntities.length, vocabulary.entity)} (${missingEntities.join(', ')})`);
    if (missingRelationships.length > 0) parts.push(`${count(missingRelationships.length, vocabulary.relationship)} (${missingRelationships.map(pairText).join(', ')})`);
    const expected: string[] = [];
    const actual: string[] = [];
    if (check.expect?.entities) {
      expected.push(`${vocabulary.entity[1]}: ${sorted(wantedEntities).join(', ')}`);
      actual.push(`${vocabulary.entity[1]}: ${sorted(entities).join(', ') || '(none)'}`);
    }
    if (check.expect?.relationships) {
      expected.push(`${vocabulary.relationship[1]}: ${sorted(wantedRelationships.map(pairText)).join(', ')}`);
      actual.push(`${vocabulary.relationship[1]}: ${sorted(relationships.map(pairText)).join(', ') || '(none)'}`);
    }
    verdicts.push({
      outcome: outcome.failed(`the ${check.diagram} in ${check.path} is missing ${parts.join(' and ')}.`, {
        expected: expected.join('\n'),
        actual: actual.join('\n'),
        location,
      }),
      missing: missingEntities.length + missingRelationships.length,
    });
  }
  // The block that passes, or the one closest to passing (the first, among equals).
  const best = verdicts.reduce((a, b) => (b.missing < a.missing ? b : a));
  return best.outcome;
};
