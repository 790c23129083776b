import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as ChecksBundle from '../checks/checksBundle';
import type { DdlFile, DdlResult, SqlParse } from '../../core/er/ddl';
import type { DriftItem, DriftSide, ErModel } from '../../shared/er';
import { tableKey } from '../../shared/er';
import type { DiagramProblem, DiagramShowParams, ErView } from '../../shared/erProtocol';
import type { OpenedLab } from '../checks/labLocator';
import type { Config } from '../config';
import { requireBundle } from '../lazyBundle';
import { labDisplayName } from '../labs/labFiles';
import type { Logger } from '../logger';
import { labPostgresReachable, labPostgresService, resolveLabPostgres } from '../services/labDatabase';
import type { LabServices } from '../services/labServices';
import type * as DiagramsBundle from './diagramsBundle';

/** How long reading the database may take before the diagram is drawn without it. */
const DATABASE_TIMEOUT_MS = 10_000;
/** Folders of a lab whose SQL files are not the learner's schema. */
const IGNORED_FOLDERS = '**/{node_modules,.venv,venv,.delabs,.git}/**';

export interface ErDependencies {
  readonly labServices: LabServices;
  readonly config: Config;
  readonly logger: Logger;
}

/** What an ER diagram is drawn of: a lab's folder (with its database), or the folder of a SQL file of no lab. */
export interface ErTarget {
  readonly opened?: OpenedLab;
  readonly folder: vscode.Uri;
  /** "07 PostgreSQL analytics schema (star/snowflake model)", or the folder's name. */
  readonly label: string;
}

interface DatabaseRead {
  readonly model?: ErModel;
  readonly note: string;
}

function isUnder(file: vscode.Uri, folder: vscode.Uri): boolean {
  return file.scheme === 'file' && (file.fsPath === folder.fsPath || file.fsPath.startsWith(folder.fsPath + path.sep));
}

/**
 * The ER diagram of one lab (or folder): the model read from all of its SQL files as they are in the
 * editor (saved or not), or from its live database; the drift between the two when both can be read;
 * the part of it on show (all, a group, a focus); the last model that parsed, kept while the text does not.
 */
export class ErSubject {
  view: ErView | undefined;
  private database: DatabaseRead | undefined;
  private reading: Promise<DatabaseRead> | undefined;
  private lastDdl: DdlResult | undefined;
  private lastGoodDdl: ErModel | undefined;
  /** Tables the lab's own hidden setup creates (its checks/*.sql): in the database, but not the learner's drift. */
  private labTables: Set<string> | undefined;

  constructor(
    private readonly deps: ErDependencies,
    readonly target: ErTarget,
    public source: DriftSide,
  ) {}

  get key(): string {
    return `er:${this.target.folder.toString()}`;
  }

  get exportName(): string {
    return this.target.opened ? `${this.target.opened.lab.manifest.id}-er` : 'er-diagram';
  }

  /** Whether a change to `uri` changes the diagram: a SQL file of the folder. */
  watches(uri: vscode.Uri): boolean {
    return uri.fsPath.endsWith('.sql') && isUnder(uri, this.target.folder) && !/[\\/](node_modules|\.venv|venv|\.delabs|\.git)[\\/]/.test(uri.fsPath);
  }

  /** Forget what was read from the database: it may have changed (a save, a check run, services started). */
  forgetDatabase(): void {
    this.database = undefined;
  }

  get databaseAvailable(): boolean {
    return this.target.opened !== undefined && labPostgresService(this.target.opened.lab) !== undefined && vscode.workspace.isTrusted;
  }

  /** Where `schema.table` is created in the SQL files, if it is. */
  sourceOf(table: string): { uri: vscode.Uri; line: number } | undefined {
    const found = this.lastDdl?.model.tables.find((candidate) => tableKey(candidate) === table) ?? this.lastGoodDdl?.tables.find((candidate) => tableKey(candidate) === table);
    return found?.source ? { uri: vscode.Uri.joinPath(this.target.folder, ...found.source.file.split('/')), line: found.source.line } : undefined;
  }

  problemAt(index: number): { uri: vscode.Uri; line: number; column: number } | undefined {
    const problem = this.lastDdl?.errors[index];
    return problem ? { uri: vscode.Uri.joinPath(this.target.folder, ...problem.file.split('/')), line: problem.line, column: problem.column } : undefined;
  }

  /** The SQL files of the folder, in path order, as the editor has them (unsaved changes included). */
  private async ddlFiles(): Promise<DdlFile[]> {
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(this.target.folder, '**/*.sql'), IGNORED_FOLDERS);
    const files = found.map((uri) => ({ uri, path: path.relative(this.target.folder.fsPath, uri.fsPath).split(path.sep).join('/') })).sort((a, b) => a.path.localeCompare(b.path));
    const open = new Map(vscode.workspace.textDocuments.map((document) => [document.uri.toString(), document]));
    const result: DdlFile[] = [];
    for (const file of files) {
      const text = open.get(file.uri.toString())?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(file.uri)).toString('utf8');
      result.push({ path: file.path, text });
    }
    return result;
  }

  private async readDatabase(): Promise<DatabaseRead> {
    const opened = this.target.opened;
    if (!opened || !labPostgresService(opened.lab)) return { note: '' };
    const name = labDisplayName(opened.lab);
    if (!vscode.workspace.isTrusted) return { note: 'Restricted Mode: the lab\'s database is not read. Trust the workspace to compare the DDL files with it.' };
    if (!labPostgresReachable(opened.lab, this.deps.config, this.deps.labServices)) {
      return { note: `The database of ${name} is not running: start its services (Data Labs: Start Services) to compare the DDL files with it.` };
    }
    try {
      const { service, endpoint } = await resolveLabPostgres(opened.lab, this.deps.config, this.deps.labServices);
      const model = await requireBundle<typeof ChecksBundle>('checks').introspectDatabase(endpoint, AbortSignal.timeout(DATABASE_TIMEOUT_MS));
      const at = new Date().toLocaleTimeString('en-GB');
      return { model, note: `Compared with ${service.name}, ${endpoint.source}, at ${at}.` };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn(`ER diagram: the database of ${name} could not be read: ${reason}`);
      return { note: `The database of ${name} could not be read: ${reason}` };
    }
  }

  private async databaseModel(): Promise<DatabaseRead> {
    if (this.database) return this.database;
    this.reading ??= this.readDatabase().finally(() => (this.reading = undefined));
    this.database = await this.reading;
    return this.database;
  }

  /** The tables the lab's hidden setup SQL creates, which the learner does not write. */
  private async hiddenTables(bundle: typeof DiagramsBundle, parse: SqlParse): Promise<Set<string>> {
    if (this.labTables) return this.labTables;
    const lab = this.target.opened?.lab;
    const files: DdlFile[] = [];
    if (lab) {
      const folder = vscode.Uri.file(path.join(lab.dir, 'checks'));
      const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(folder)).catch(() => [] as [string, vscode.FileType][]);
      for (const [name] of entries.filter(([file, type]) => type === vscode.FileType.File && file.endsWith('.sql')).sort()) {
        files.push({ path: name, text: Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name))).toString('utf8') });
      }
    }
    this.labTables = new Set(bundle.schemaFromDdl(files, parse).model.tables.map(tableKey));
    return this.labTables;
  }

  /** The drift between the DDL files and the database, in the schemas the DDL files write, without the lab's own tables. */
  private async drift(bundle: typeof DiagramsBundle, parse: SqlParse, ddl: ErModel, database: ErModel): Promise<DriftItem[]> {
    const schemas = new Set(ddl.tables.map((table) => table.schema));
    const hidden = await this.hiddenTables(bundle, parse);
    const inScope: ErModel = { tables: database.tables.filter((table) => schemas.has(table.schema) && !hidden.has(tableKey(table))) };
    return bundle.schemaDrift(ddl, inScope);
  }

  async build(): Promise<{ params: Omit<DiagramShowParams, 'serial'>; panelTitle: string; markdown: string }> {
    const bundle = requireBundle<typeof DiagramsBundle>('diagrams');
    const parse = await bundle.loadSqlParser();
    const ddl = bundle.schemaFromDdl(await this.ddlFiles(), parse);
    this.lastDdl = ddl;
    if (ddl.errors.length === 0) this.lastGoodDdl = ddl.model;
    const ddlModel = ddl.errors.length > 0 && this.lastGoodDdl ? this.lastGoodDdl : ddl.model;
    const stale = this.source === 'ddl' && ddl.errors.length > 0 && this.lastGoodDdl !== undefined;
    const database = this.databaseAvailable ? await this.databaseModel() : { note: '' };
    const model = this.source === 'ddl' ? ddlModel : (database.model ?? { tables: [] });
    const drift = database.model && ddlModel.tables.length > 0 ? await this.drift(bundle, parse, ddlModel, database.model) : [];
    const { marks, columnNotes } = bundle.driftMarks(drift, this.source);

    const settings = this.deps.config.settings;
    const groups = bundle.diagramGroups(model, settings.erMaxTables);
    const tables = model.tables.map(tableKey);
    let view = this.view ?? (model.tables.length > settings.erMaxTables && groups.length > 1 ? { kind: 'group', index: 0 } : { kind: 'all' });
    if ((view.kind === 'focus' && !tables.includes(view.table)) || (view.kind === 'group' && !groups[view.index])) view = { kind: 'all' };
    this.view = view;
    const shown = view.kind === 'focus' ? { focus: { table: view.table, hops: view.hops } } : view.kind === 'group' ? { tables: groups[view.index]?.tables ?? [] } : {};
    const diagram = bundle.erDiagram(model, { ...shown, marks, columnNotes });

    const sourceName = this.source === 'ddl' ? 'the DDL files' : 'its database';
    const problems: DiagramProblem[] = this.source === 'ddl' ? ddl.errors.map((error) => ({ ...error })) : [];
    const empty =
      model.tables.length > 0
        ? undefined
        : this.source === 'database'
          ? database.model
            ? `The database of ${this.target.label} has no tables yet. Run your schema (or the checks, which load it), then refresh.`
            : database.note || 'The database could not be read.'
          : `No CREATE TABLE in the SQL files of ${this.target.label} yet: write one, and the diagram appears as you type.`;
    const params: Omit<DiagramShowParams, 'serial'> = {
      title: `ER diagram of ${this.target.label}: ${sourceName}`,
      subject: `${this.key}:${this.source}`,
      diagrams: [{ text: diagram.text, maxTextSize: diagram.maxTextSize, maxEdges: diagram.maxEdges }],
      layout: settings.erLayout,
      problems,
      stale,
      ...(empty !== undefined ? { empty } : {}),
      er: {
        drawing: diagram.drawing,
        renderer: settings.erRenderer,
        source: this.source,
        databaseAvailable: this.databaseAvailable,
        entities: diagram.entities,
        tables,
        groups: groups.map((group) => ({ title: group.title, size: group.tables.length })),
        view,
        tableCount: diagram.tableCount,
        relationshipCount: diagram.relationshipCount,
        compared: database.model !== undefined && ddlModel.tables.length > 0,
        drift,
        driftNote: database.note,
      },
    };
    const plain = bundle.erDiagram(model, shown);
    return { params, panelTitle: `ER: ${this.target.label}`, markdown: bundle.erMarkdown(`ER diagram of ${this.target.label}`, plain) };
  }
}
