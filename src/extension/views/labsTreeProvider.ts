import * as vscode from 'vscode';
import type { CheckRunner } from '../checks/checkRunner';
import type { CheckRecord } from '../../core/labs/progress';
import { Disposable } from '../disposable';
import type { LabService } from '../labs/labService';
import { BrokenLabNode, type ProblemNode } from './nodes/brokenLabNode';
import { CheckNode } from './nodes/checkNode';
import { LabNode } from './nodes/labNode';
import { LevelNode } from './nodes/levelNode';
import { ServiceNode } from './nodes/serviceNode';
import type { LabServices } from '../services/labServices';

export type LabsTreeNode = LevelNode | LabNode | CheckNode | ServiceNode | BrokenLabNode | ProblemNode;

/**
 * The Labs view: the 13 levels, their labs with status and checks, and broken labs with their problems.
 * It is rebuilt from the catalog and progress whenever either changes.
 */
export class LabsTreeProvider extends Disposable implements vscode.TreeDataProvider<LabsTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<LabsTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  /** Results of the runs in progress, shown before the run ends and is recorded. */
  private readonly live = new Map<string, Map<string, CheckRecord>>();

  constructor(
    private readonly labService: LabService,
    private readonly runner?: CheckRunner,
    private readonly labServices?: LabServices,
  ) {
    super();
    this.register(labService.onDidChange(() => this.changed.fire(undefined)));
    if (labServices) this.register(labServices.onDidChange(() => this.changed.fire(undefined)));
    if (runner) {
      this.register(runner.onDidStartRun(({ lab }) => {
        this.live.set(lab.manifest.id, new Map());
        this.changed.fire(undefined);
      }));
      this.register(runner.onDidStartCheck(() => this.changed.fire(undefined)));
      this.register(runner.onDidFinishCheck(({ lab, result }) => {
        this.live.get(lab.manifest.id)?.set(result.id, { outcome: result.status, at: new Date().toISOString(), message: result.message });
        this.changed.fire(undefined);
      }));
      this.register(runner.onDidEndRun(({ lab }) => {
        this.live.delete(lab.manifest.id);
        this.changed.fire(undefined);
      }));
    }
  }

  getTreeItem(node: LabsTreeNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: LabsTreeNode): Promise<LabsTreeNode[]> {
    if (node) return node.kind === 'check' || node.kind === 'service' ? [] : [...node.children];
    return this.buildLevels();
  }

  private async buildLevels(): Promise<LevelNode[]> {
    const catalog = await this.labService.getCatalog();
    const levelNumbers = new Set(catalog.levels.map((level) => level.number));
    const levels: LevelNode[] = [];
    for (const level of catalog.levels) {
      const children = [];
      let passed = 0;
      let anyOpened = false;
      for (const entry of catalog.entries) {
        if (entry.status === 'broken') {
          if (entry.level === level.number) children.push(new BrokenLabNode(entry));
          continue;
        }
        if (entry.manifest.level !== level.number) continue;
        const state = await this.labService.stateOf(entry);
        if (state.status === 'passed') passed += 1;
        if (state.status !== 'not-started') anyOpened = true;
        const live = this.live.get(entry.manifest.id);
        const running = this.runner?.runningCheck(entry.manifest.id);
        const checks = entry.manifest.checks.map(
          (check) => new CheckNode(entry.manifest.id, check, live?.get(check.id) ?? state.progress?.checks?.[check.id], running === check.id),
        );
        const services = state.status === 'not-started' || !this.labServices ? [] : this.labServices.views(entry).map((view) => new ServiceNode(entry.manifest.id, view));
        children.push(new LabNode(entry, state.status, [...services, ...checks]));
      }
      levels.push(new LevelNode(level, children, passed, anyOpened));
    }
    const unplaced = catalog.entries.filter((entry) => entry.status === 'broken' && (entry.level === undefined || !levelNumbers.has(entry.level)));
    if (unplaced.length > 0) {
      levels.push(new LevelNode(undefined, unplaced.map((entry) => new BrokenLabNode(entry as Extract<typeof entry, { status: 'broken' }>)), 0, true));
    }
    return levels;
  }
}
