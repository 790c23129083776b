import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DriftSide } from '../../shared/er';
import {
  DIAGRAM_EXPORT,
  DIAGRAM_RENDERED,
  DIAGRAM_REVEAL_PROBLEM,
  ER_REFRESH,
  ER_REVEAL_TABLE,
  ER_SET_SOURCE,
  ER_SET_VIEW,
  type ExportParams,
  type RenderedParams,
  type RevealProblemParams,
  type RevealTableParams,
  type SetSourceParams,
  type SetViewParams,
} from '../../shared/erProtocol';
import type { CheckRunner } from '../checks/checkRunner';
import { labContaining, labForCommand, openedLabs } from '../checks/labLocator';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import type { LabServices } from '../services/labServices';
import { DiagramPanel } from './diagramPanel';
import { ErSubject, type ErTarget } from './erSubject';
import { MermaidSubject } from './mermaidSubject';

/** How long after the last keystroke the diagram is drawn again. */
export const UPDATE_DELAY_MS = 300;

type Subject = ErSubject | MermaidSubject;

/**
 * The diagram beside the editor, kept current: the ER diagram of a lab's schema (its SQL files as the
 * learner types, or its live database, with the drift between them) or the mermaid diagrams of a file.
 * One subject at a time; updates are debounced and a slow build never overwrites a newer one.
 */
export class DiagramPreviews extends Disposable {
  private readonly panel: DiagramPanel;
  private subject: Subject | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Each build takes the next number; only the newest is shown. */
  private build = 0;
  private markdown: string | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly labService: LabService,
    private readonly labServices: LabServices,
    private readonly config: Config,
    checkRunner: CheckRunner,
    private readonly logger: Logger,
  ) {
    super();
    this.panel = this.register(new DiagramPanel(extensionUri, (method, params) => this.answer(method, params), () => this.closed()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.register(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0 && this.subject?.watches(event.document.uri)) this.schedule(UPDATE_DELAY_MS);
    }));
    this.register(vscode.workspace.onDidSaveTextDocument((document) => {
      if (!this.subject?.watches(document.uri)) return;
      // The learner may have run the file against the database since: read it again too.
      if (this.subject instanceof ErSubject) this.subject.forgetDatabase();
      this.schedule(0);
    }));
    const filesChanged = (uris: readonly vscode.Uri[]): void => {
      if (uris.some((uri) => this.subject?.watches(uri))) this.schedule(0);
    };
    this.register(vscode.workspace.onDidCreateFiles((event) => filesChanged(event.files)));
    this.register(vscode.workspace.onDidDeleteFiles((event) => filesChanged(event.files)));
    this.register(vscode.workspace.onDidRenameFiles((event) => filesChanged(event.files.flatMap((file) => [file.oldUri, file.newUri]))));
    const databaseChanged = (labId: string): void => {
      if (this.subject instanceof ErSubject && this.subject.target.opened?.lab.manifest.id === labId) {
        this.subject.forgetDatabase();
        this.schedule(0);
      }
    };
    this.register(labServices.onDidChange((lab) => databaseChanged(lab.manifest.id)));
    // A check run loads the learner's schema into the lab's database.
    this.register(checkRunner.onDidEndRun((ended) => databaseChanged(ended.lab.manifest.id)));
    this.register(config.onDidChange(() => this.schedule(0)));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule(0)));
  }

  /**
   * Show ER Diagram: the diagram of the lab that `arg` (a file, a lab, a tree node) or the active editor
   * is in, read from `source`; beside the editor.
   */
  async showEr(arg: unknown, source: DriftSide): Promise<void> {
    const target = await this.erTarget(arg);
    if (!target) return;
    const current = this.subject;
    const subject = current instanceof ErSubject && current.key === `er:${target.folder.toString()}` ? current : new ErSubject({ labServices: this.labServices, config: this.config, logger: this.logger }, target, source);
    if (subject.source !== source) {
      subject.source = source;
      subject.forgetDatabase();
    }
    if (source === 'database' && !subject.databaseAvailable) {
      const reason = !target.opened ? 'this folder belongs to no lab you opened' : !vscode.workspace.isTrusted ? 'Restricted Mode reads no database' : `${target.label} has no PostgreSQL database`;
      void vscode.window.showInformationMessage(`Data Labs: there is no database to draw (${reason}); the diagram is read from the SQL files instead.`);
      subject.source = 'ddl';
    }
    this.subject = subject;
    await this.refresh(true);
  }

  /** Preview Mermaid Diagram: the .mmd file, or the ```mermaid blocks of the Markdown file, beside the editor. */
  async showMermaid(arg: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !/\.(mmd|mermaid|md|markdown)$/i.test(uri.fsPath)) {
      void vscode.window.showInformationMessage('Data Labs: open a .mmd file, or a Markdown file with ```mermaid blocks, then preview its diagrams.');
      return;
    }
    this.subject = new MermaidSubject(uri);
    await this.refresh(true);
  }

  /** Export ER Diagram...: the diagram on show as SVG, or (an ER diagram) as Markdown with a mermaid block. */
  async export(format?: ExportParams['format']): Promise<void> {
    const subject = this.subject;
    if (!subject || !this.panel.current || this.panel.current.empty !== undefined) {
      void vscode.window.showInformationMessage('Data Labs: show an ER diagram (or preview a mermaid diagram) first; the diagram on show is what is exported.');
      return;
    }
    const folder = subject instanceof ErSubject ? subject.target.folder : vscode.Uri.file(path.dirname(subject.uri.fsPath));
    const filters: Record<string, string[]> = format === 'markdown' ? { Markdown: ['md'] } : format === 'svg' || !this.markdown ? { 'SVG image': ['svg'] } : { 'SVG image': ['svg'], Markdown: ['md'] };
    const target = await vscode.window.showSaveDialog({
      filters,
      saveLabel: 'Export Diagram',
      defaultUri: vscode.Uri.joinPath(folder, `${subject.exportName}.${format === 'markdown' ? 'md' : 'svg'}`),
    });
    if (!target) return;
    const asMarkdown = target.path.toLowerCase().endsWith('.md');
    let text: string;
    if (asMarkdown) {
      if (!this.markdown) throw new Error('only an ER diagram can be exported as Markdown; export this diagram as SVG.');
      text = this.markdown;
    } else {
      text = await this.panel.svg();
    }
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    this.logger.info(`Exported the diagram to ${target.fsPath} (${text.length} characters)`);
    void vscode.window.showInformationMessage(`Data Labs: the diagram is saved as ${vscode.workspace.asRelativePath(target)}.`);
  }

  private async erTarget(arg: unknown): Promise<ErTarget | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    const uri = arg instanceof vscode.Uri ? arg : active && (active.languageId === 'sql' || active.uri.fsPath.endsWith('.sql')) ? active.uri : undefined;
    if (uri) {
      const opened = await labContaining(this.labService, uri);
      if (opened) return { opened, folder: opened.labFolder, label: labDisplayName(opened.lab) };
      const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      const folder = stat?.type === vscode.FileType.Directory ? uri : vscode.Uri.file(path.dirname(uri.fsPath));
      return { folder, label: vscode.workspace.asRelativePath(folder) };
    }
    const lab = await labForCommand(this.labService, arg, 'Show the ER diagram of which lab?');
    if (!lab) return undefined;
    const opened = (await openedLabs(this.labService)).find((candidate) => candidate.lab.manifest.id === lab.manifest.id);
    if (!opened) {
      void vscode.window.showInformationMessage(`Data Labs: open ${labDisplayName(lab)} first (Data Labs: Open Lab...); its diagram is drawn from its files in your workspace.`);
      return undefined;
    }
    return { opened, folder: opened.labFolder, label: labDisplayName(lab) };
  }

  private schedule(delayMs: number): void {
    if (!this.subject || !this.panel.isOpen) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(false), delayMs);
  }

  /** Builds the subject's diagram and shows it: opening the panel (`open`), or updating the panel on show. */
  private async refresh(open: boolean): Promise<void> {
    const subject = this.subject;
    if (!subject) return;
    const mine = ++this.build;
    const started = performance.now();
    try {
      const built = await subject.build();
      if (mine !== this.build || subject !== this.subject) return;
      this.markdown = built.markdown;
      if (open) this.panel.showDiagram(built.params, built.panelTitle);
      else this.panel.updateDiagram(built.params);
      const er = built.params.er;
      this.logger.info(`${built.params.title}: ${er ? `${er.tableCount} tables, ${er.relationshipCount} relationships, ${er.drift.length} drift, ${built.params.problems.length} problems` : `${built.params.diagrams.length} diagrams`}, built in ${(performance.now() - started).toFixed(0)} ms`);
    } catch (error) {
      if (open) throw error;
      this.logger.error('The diagram could not be updated', error);
    }
  }

  private closed(): void {
    clearTimeout(this.timer);
    this.subject = undefined;
    this.markdown = undefined;
  }

  /** The webview's requests. */
  private async answer(method: string, params: unknown): Promise<unknown> {
    const subject = this.subject;
    switch (method) {
      case DIAGRAM_RENDERED: {
        const rendered = params as RenderedParams;
        this.logger.info(`Diagram ${rendered.serial} drawn by ${rendered.renderer === 'builtin' ? 'Data Labs' : 'mermaid'}: ${rendered.entities} tables, ${rendered.drawMs.toFixed(0)} ms to draw, view ${rendered.viewMs.toFixed(0)} ms${rendered.errors.length > 0 ? `; ${rendered.errors.join('; ')}` : ''}`);
        return null;
      }
      case DIAGRAM_EXPORT:
        await this.export((params as ExportParams).format);
        return null;
      case DIAGRAM_REVEAL_PROBLEM: {
        const problem = subject instanceof ErSubject ? subject.problemAt((params as RevealProblemParams).index) : undefined;
        if (problem) await this.reveal(problem.uri, problem.line, problem.column);
        return null;
      }
      default:
        break;
    }
    if (!(subject instanceof ErSubject)) throw new Error(`${method} needs an ER diagram on show`);
    switch (method) {
      case ER_REVEAL_TABLE: {
        const { table } = params as RevealTableParams;
        const source = subject.sourceOf(table);
        if (!source) {
          void vscode.window.showInformationMessage(`Data Labs: ${table} is only in the database; no SQL file of ${subject.target.label} creates it.`);
          return null;
        }
        await this.reveal(source.uri, source.line, 1);
        return null;
      }
      case ER_SET_VIEW:
        subject.view = (params as SetViewParams).view;
        await this.refresh(false);
        return null;
      case ER_SET_SOURCE:
        await this.showEr(subject.target.opened?.labFolder ?? subject.target.folder, (params as SetSourceParams).source);
        return null;
      case ER_REFRESH:
        subject.forgetDatabase();
        await this.refresh(false);
        return null;
      default:
        throw new Error(`unknown request ${method}`);
    }
  }

  /** Opens a file at a line in the editor beside the diagram (the column the learner writes in). */
  private async reveal(uri: vscode.Uri, line: number, column: number): Promise<void> {
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.toString() === uri.toString());
    await vscode.window.showTextDocument(uri, { viewColumn: editor?.viewColumn ?? vscode.ViewColumn.One, selection: new vscode.Range(position, position), preserveFocus: false });
  }
}
