import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Lab, LabCatalog } from '../../core/labs/catalog';
import { formatProblem } from '../../core/labs/problemFormat';
import { labStatus, PROGRESS_FILE, ProgressStore, type LabProgress, type LabStatus, type ProgressData } from '../../core/labs/progress';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import { requireBundle } from '../lazyBundle';
import type { Logger } from '../logger';
import type * as CatalogBundle from './catalogBundle';

/** A workspace folder's progress as last read; `error` when its progress file is kept unread. */
export interface FolderProgress {
  readonly folder: vscode.WorkspaceFolder;
  readonly store: ProgressStore;
  readonly data: ProgressData | undefined;
  readonly error: string | undefined;
}

/** Where a lab stands in this workspace: its status and, once opened, where its files are. */
export interface LabState {
  readonly status: LabStatus;
  readonly progress: LabProgress | undefined;
  readonly workspaceFolder: vscode.WorkspaceFolder | undefined;
}

/**
 * The labs the extension carries and the learner's progress in each workspace folder. The catalog is
 * read on first use, not at activation; progress is re-read when its file changes (a git pull, say).
 */
export class LabService extends Disposable {
  private catalog: Promise<LabCatalog> | undefined;
  private progress: Promise<FolderProgress[]> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the catalog or any folder's progress may have changed. */
  readonly onDidChange = this.changed.event;
  private readonly reportedErrors = new Set<string>();

  constructor(
    private readonly labsRoot: string,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${PROGRESS_FILE.split(path.sep).join('/')}`));
    this.register(watcher.onDidChange(() => this.progressChanged()));
    this.register(watcher.onDidCreate(() => this.progressChanged()));
    this.register(watcher.onDidDelete(() => this.progressChanged()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.progressChanged()));
  }

  getCatalog(): Promise<LabCatalog> {
    this.catalog ??= requireBundle<typeof CatalogBundle>('catalog').loadCatalog(this.labsRoot).then((catalog) => {
      for (const entry of catalog.entries) {
        if (entry.status === 'broken') this.logger.warn(`Lab ${entry.folder} is broken:\n  ${entry.problems.map(formatProblem).join('\n  ')}`);
      }
      for (const problem of catalog.problems) this.logger.warn(`Labs: ${formatProblem(problem)}`);
      return catalog;
    });
    return this.catalog;
  }

  async findLab(id: string): Promise<Lab | undefined> {
    const catalog = await this.getCatalog();
    return catalog.entries.find((entry): entry is Lab => entry.status === 'ok' && entry.manifest.id === id);
  }

  getProgress(): Promise<FolderProgress[]> {
    this.progress ??= Promise.all(
      (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map(async (folder): Promise<FolderProgress> => {
        const store = new ProgressStore(folder.uri.fsPath);
        const read = await store.read();
        if (read.ok) return { folder, store, data: read.data, error: undefined };
        this.reportUnreadable(store.path, read.reason);
        return { folder, store, data: undefined, error: read.reason };
      }),
    );
    return this.progress;
  }

  /** The lab's state: the first workspace folder that has it decides. */
  async stateOf(lab: Lab): Promise<LabState> {
    for (const folderProgress of await this.getProgress()) {
      const progress = folderProgress.data?.labs[lab.manifest.id];
      if (progress) return { status: labStatus(progress, lab.contentVersion), progress, workspaceFolder: folderProgress.folder };
    }
    return { status: 'not-started', progress: undefined, workspaceFolder: undefined };
  }

  /** Where a lab is (or would be) scaffolded in a workspace folder. */
  labFolderUri(folder: vscode.WorkspaceFolder, lab: Lab, progress?: LabProgress): vscode.Uri {
    const relative = progress?.folder ?? `${this.config.settings.labsFolder}/${lab.folder}`;
    return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
  }

  /** Changes a lab's progress in one workspace folder; the tree follows. */
  async updateProgress(folder: vscode.WorkspaceFolder, labId: string, change: (current: LabProgress | undefined) => LabProgress | undefined): Promise<void> {
    await new ProgressStore(folder.uri.fsPath).update(labId, change);
    this.progressChanged();
  }

  private progressChanged(): void {
    this.progress = undefined;
    this.changed.fire();
  }

  private reportUnreadable(file: string, reason: string): void {
    const message = `Data Labs: your progress file ${file} was kept as it is because ${reason}. Fix or move it to record progress again.`;
    this.logger.warn(message);
    if (this.reportedErrors.has(`${file}\0${reason}`)) return;
    this.reportedErrors.add(`${file}\0${reason}`);
    // Not awaited: a notice, not a question that blocks reading the rest.
    void vscode.window.showWarningMessage(message, 'Open File').then((choice) => {
      if (choice) void vscode.window.showTextDocument(vscode.Uri.file(file));
    });
  }
}
