/**
 * What the SQL features know of the tables a document can use: the tables of the lab's DDL files (the
 * folder's .sql files, as the editor has them, unsaved changes included) and, when the host says the
 * lab's database runs, its live tables (read from pg_catalog, at most every few seconds). Live tables win
 * for columns and types; the DDL files give where a table is created.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { schemaFromDdl, type DdlFile } from '../../core/er/ddl';
import { introspectDatabase } from '../../core/er/introspect';
import type { SqlParse } from '../../core/sql/sqlSyntax';
import type { ErModel, ErTable } from '../../shared/er';
import { tableKey } from '../../shared/er';
import type { LabFolderContext } from '../../shared/serverProtocol';

/** How long a live schema read is used before it is read again. */
const LIVE_SCHEMA_MS = 10_000;
/** How long a folder's file list is used before the folder is read again. */
const FILE_LIST_MS = 2_000;
const SKIPPED_FOLDERS = new Set(['node_modules', '.venv', 'venv', '.git', '.delabs', '__pycache__']);
const MAX_FILES = 500;

/** A table as completion, hover and definition use it. */
export interface KnownTable {
  readonly table: ErTable;
  /** Where its CREATE TABLE is, in the DDL files. */
  readonly location?: { readonly uri: string; readonly line: number };
  /** It came from the live database (its columns are the database's). */
  readonly live: boolean;
}

export interface FolderSchema {
  readonly folder: string;
  readonly lab?: LabFolderContext;
  readonly tables: readonly KnownTable[];
  /** Schemas that hold tables, for completion. */
  readonly schemas: readonly string[];
  /** Why the live database was not read, when the lab has one. */
  readonly liveNote?: string;
}

interface LiveRead {
  readonly at: number;
  readonly model?: ErModel;
  readonly error?: string;
}

function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class SchemaIndex {
  private labs: readonly LabFolderContext[] = [];
  private workspaceFolders: readonly string[] = [];
  private readonly files = new Map<string, { at: number; paths: string[] }>();
  private readonly texts = new Map<string, { mtimeMs: number; text: string }>();
  private readonly live = new Map<string, LiveRead>();
  private readonly models = new Map<string, { key: string; model: ErModel }>();
  private readonly reading = new Map<string, Promise<LiveRead>>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly parse: () => SqlParse | undefined,
  ) {}

  /** The editor's workspace folders: a SQL file of no lab sees the DDL files of its workspace folder. */
  setWorkspaceFolders(uris: readonly string[]): void {
    this.workspaceFolders = uris.map(uriToPath).filter((path): path is string => path !== undefined);
  }

  setLabs(labs: readonly LabFolderContext[]): void {
    this.labs = labs;
    this.live.clear();
  }

  /** The lab folder that holds `uri`, if the host named one. */
  labOf(uri: string): LabFolderContext | undefined {
    const path = uriToPath(uri);
    if (!path) return undefined;
    return this.labs.find((lab) => {
      const folder = uriToPath(lab.folder);
      return folder !== undefined && (path === folder || path.startsWith(folder + sep));
    });
  }

  /** The folder whose SQL files a document sees: its lab's, else its workspace folder's, else its own. */
  folderOf(uri: string): string | undefined {
    const lab = this.labOf(uri);
    if (lab) return uriToPath(lab.folder);
    const path = uriToPath(uri);
    if (!path) return undefined;
    return this.workspaceFolders.find((folder) => path.startsWith(folder + sep)) ?? path.slice(0, path.lastIndexOf(sep));
  }

  private sqlFiles(folder: string): string[] {
    const cached = this.files.get(folder);
    if (cached && Date.now() - cached.at < FILE_LIST_MS) return cached.paths;
    const paths: string[] = [];
    const walk = (dir: string): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (paths.length >= MAX_FILES) return;
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name)) walk(join(dir, entry.name));
        } else if (entry.isFile() && entry.name.endsWith('.sql')) {
          paths.push(join(dir, entry.name));
        }
      }
    };
    walk(folder);
    paths.sort();
    this.files.set(folder, { at: Date.now(), paths });
    return paths;
  }

  private textOf(path: string): string | undefined {
    const open = this.documents.get(pathToFileURL(path).toString());
    if (open) return open.getText();
    try {
      const { mtimeMs } = statSync(path);
      const cached = this.texts.get(path);
      if (cached && cached.mtimeMs === mtimeMs) return cached.text;
      const text = readFileSync(path, 'utf8');
      this.texts.set(path, { mtimeMs, text });
      return text;
    } catch {
      return undefined;
    }
  }

  /**
   * The model of the folder's DDL files, read again only when one of them changed (an open document's
   * version, a closed file's modification time): completion asks for it on every keystroke.
   */
  private ddlModel(folder: string, paths: readonly string[], parse: SqlParse): ErModel {
    const files: DdlFile[] = [];
    const signature: string[] = [];
    for (const path of paths) {
      const open = this.documents.get(pathToFileURL(path).toString());
      const text = this.textOf(path);
      if (text === undefined) continue;
      signature.push(`${path}\u0000${open ? `v${open.version}` : `m${this.texts.get(path)?.mtimeMs ?? 0}`}`);
      files.push({ path: relative(folder, path).split(sep).join('/'), text });
    }
    const key = signature.join('\u0001');
    const cached = this.models.get(folder);
    if (cached?.key === key) return cached.model;
    const model = schemaFromDdl(files, parse).model;
    this.models.set(folder, { key, model });
    return model;
  }

  /** The tables a document can use: its folder's DDL files, and the lab's live database when it runs. */
  async schemaFor(uri: string): Promise<FolderSchema | undefined> {
    const folder = this.folderOf(uri);
    const parse = this.parse();
    if (!folder || !parse) return undefined;
    const own = uriToPath(uri);
    const listed = this.sqlFiles(folder);
    const paths = own && !listed.includes(own) ? [...listed, own] : listed;
    const ddl = this.ddlModel(folder, paths, parse);
    const lab = this.labOf(uri);
    const live = lab?.database ? await this.liveModel(lab) : undefined;
    const located = new Map(ddl.tables.map((table) => [tableKey(table), table]));
    const tables: KnownTable[] = [];
    const locationOf = (table: ErTable | undefined): KnownTable['location'] =>
      table?.source ? { uri: pathToFileURL(join(folder, ...table.source.file.split('/'))).toString(), line: table.source.line } : undefined;
    for (const table of live?.model?.tables ?? []) {
      const location = locationOf(located.get(tableKey(table)));
      tables.push({ table, live: true, ...(location ? { location } : {}) });
    }
    const liveKeys = new Set(tables.map((entry) => tableKey(entry.table)));
    for (const table of ddl.tables) {
      if (liveKeys.has(tableKey(table))) continue;
      const location = locationOf(table);
      tables.push({ table, live: false, ...(location ? { location } : {}) });
    }
    return {
      folder,
      ...(lab ? { lab } : {}),
      tables,
      schemas: [...new Set(tables.map((entry) => entry.table.schema))].sort(),
      ...(live?.error ? { liveNote: live.error } : {}),
    };
  }

  private async liveModel(lab: LabFolderContext): Promise<LiveRead | undefined> {
    const endpoint = lab.database;
    if (!endpoint) return undefined;
    const cached = this.live.get(lab.folder);
    if (cached && Date.now() - cached.at < LIVE_SCHEMA_MS) return cached;
    let pending = this.reading.get(lab.folder);
    if (!pending) {
      pending = introspectDatabase(endpoint, AbortSignal.timeout(5_000))
        .then((model): LiveRead => ({ at: Date.now(), model }))
        .catch((error: unknown): LiveRead => ({ at: Date.now(), error: error instanceof Error ? error.message : String(error) }))
        .finally(() => this.reading.delete(lab.folder));
      this.reading.set(lab.folder, pending);
    }
    const read = await pending;
    this.live.set(lab.folder, read);
    return read;
  }
}
