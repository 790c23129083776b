/**
 * The extension's settings as plain data: their defaults and how a raw value from settings.json is
 * sanitised. Pure, so the rules are unit-tested; the host's Config only reads VS Code's configuration.
 */

export type DockerMode = 'auto' | 'always' | 'never';
export type KeywordCase = 'preserve' | 'upper' | 'lower';
export type ErLayout = 'auto' | 'dagre' | 'elk';
export type ErRendererSetting = 'builtin' | 'mermaid';

export interface Settings {
  readonly labsFolder: string;
  readonly pythonInterpreterPath: string;
  readonly useDocker: DockerMode;
  readonly bindAddress: string;
  readonly serviceOverrides: Readonly<Record<string, string>>;
  /** Image as a lab's compose.yaml names it → the image to run instead. */
  readonly imageOverrides: Readonly<Record<string, string>>;
  /** A registry serving Docker Hub's images (host[:port][/path]); empty: none. */
  readonly registryMirror: string;
  readonly healthTimeoutSeconds: number;
  readonly runChecksOnSave: boolean;
  readonly checkTimeoutSeconds: number;
  readonly lagSampleIntervalSeconds: number;
  readonly sqlKeywordCase: KeywordCase;
  /** How ER diagrams are laid out: ELK from a few dozen tables on (auto), or always one of the two. */
  readonly erLayout: ErLayout;
  /** Who draws ER diagrams: the view's own renderer, or mermaid. */
  readonly erRenderer: ErRendererSetting;
  /** An ER model with more tables than this opens on its first group (a schema, or linked tables). */
  readonly erMaxTables: number;
}

export const DEFAULT_SETTINGS: Settings = {
  labsFolder: 'labs',
  pythonInterpreterPath: '',
  useDocker: 'auto',
  bindAddress: '127.0.0.1',
  serviceOverrides: {},
  imageOverrides: {},
  registryMirror: '',
  healthTimeoutSeconds: 120,
  runChecksOnSave: false,
  checkTimeoutSeconds: 60,
  lagSampleIntervalSeconds: 1,
  sqlKeywordCase: 'upper',
  erLayout: 'auto',
  erRenderer: 'builtin',
  erMaxTables: 100,
};

/** Reads one raw setting by its key below `dataEngLabs.`; undefined when it is not set. */
export type RawSettingReader = (key: string) => unknown;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** A relative folder inside the workspace: no absolute path, no `..`, no empty segments. */
function relativeFolder(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const segments = value.replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.');
  if (value.trim() === '' || value.startsWith('/') || /^[a-zA-Z]:/.test(value) || segments.includes('..')) return fallback;
  return segments.join('/');
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string' && entry.trim() !== '') result[key] = entry.trim();
  }
  return result;
}

export function readSettings(read: RawSettingReader): Settings {
  const interpreter = read('python.interpreterPath');
  const bindAddress = read('services.bindAddress');
  const mirror = read('services.registryMirror');
  return {
    labsFolder: relativeFolder(read('labsFolder'), DEFAULT_SETTINGS.labsFolder),
    pythonInterpreterPath: typeof interpreter === 'string' ? interpreter.trim() : '',
    useDocker: oneOf(read('services.useDocker'), ['auto', 'always', 'never'], DEFAULT_SETTINGS.useDocker),
    bindAddress:
      typeof bindAddress === 'string' && /^[0-9a-fA-F:.]+$/.test(bindAddress.trim())
        ? bindAddress.trim()
        : DEFAULT_SETTINGS.bindAddress,
    serviceOverrides: stringRecord(read('services.overrides')),
    imageOverrides: stringRecord(read('services.imageOverrides')),
    registryMirror: typeof mirror === 'string' && /^[A-Za-z0-9.:/_-]*$/.test(mirror.trim()) ? mirror.trim() : DEFAULT_SETTINGS.registryMirror,
    healthTimeoutSeconds: numberIn(read('services.healthTimeoutSeconds'), 10, 1800, DEFAULT_SETTINGS.healthTimeoutSeconds),
    runChecksOnSave: read('checks.runOnSave') === true,
    checkTimeoutSeconds: numberIn(read('checks.timeoutSeconds'), 5, 1800, DEFAULT_SETTINGS.checkTimeoutSeconds),
    lagSampleIntervalSeconds: numberIn(read('lag.sampleIntervalSeconds'), 0.25, 60, DEFAULT_SETTINGS.lagSampleIntervalSeconds),
    sqlKeywordCase: oneOf(read('sql.formatter.keywordCase'), ['preserve', 'upper', 'lower'], DEFAULT_SETTINGS.sqlKeywordCase),
    erLayout: oneOf(read('er.layout'), ['auto', 'dagre', 'elk'], DEFAULT_SETTINGS.erLayout),
    erRenderer: oneOf(read('er.renderer'), ['builtin', 'mermaid'], DEFAULT_SETTINGS.erRenderer),
    erMaxTables: Math.round(numberIn(read('er.maxTables'), 10, 2000, DEFAULT_SETTINGS.erMaxTables)),
  };
}
