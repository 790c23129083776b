import * as vscode from 'vscode';
import type * as ChecksBundle from '../checks/checksBundle';
import type * as KafkaRuntime from '../../core/kafka/kafkaRuntime';
import { LagHistory } from '../../core/kafka/lagHistory';
import { LAG_EXPORT_CSV, LAG_SET_INTERVAL, LAG_SET_PAUSED, type ExportCsvParams, type SetIntervalParams, type SetPausedParams } from '../../shared/lagProtocol';
import type { Lab } from '../../core/labs/catalog';
import { labContaining } from '../checks/labLocator';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import { requireBundle } from '../lazyBundle';
import { labFromArgument } from '../labs/labArguments';
import { labDisplayName } from '../labs/labFiles';
import type { LabService } from '../labs/labService';
import type { Logger } from '../logger';
import type { LabServices } from '../services/labServices';
import { LagPanel } from './lagPanel';

/** Where the last cluster typed in was kept, for the next time. */
const LAST_BOOTSTRAP_KEY = 'delabs.lag.lastBootstrap';
const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';
const MIN_INTERVAL_SECONDS = 0.25;
const MAX_INTERVAL_SECONDS = 60;
/** How long one sample may wait for the cluster before it is counted as not answering. */
const SAMPLE_TIMEOUT_MS = 5_000;

interface Target {
  readonly key: string;
  readonly title: string;
  readonly bootstrap: readonly string[];
}

/**
 * Samples the consumer groups of one Kafka cluster (the lab's Kafka service, or one the learner names)
 * at the interval the learner sets, while the lag view is visible and not paused, and feeds the view.
 * Samples wait on each other: a slow cluster never stacks requests.
 */
export class LagMonitor extends Disposable {
  private readonly panel: LagPanel;
  private readonly history = new LagHistory();
  private target: Target | undefined;
  private cluster: Promise<KafkaRuntime.KafkaCluster> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  private paused = false;
  private visible = false;
  private intervalSeconds: number;

  constructor(
    extensionUri: vscode.Uri,
    private readonly context: vscode.ExtensionContext,
    private readonly labService: LabService,
    private readonly labServices: LabServices,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    super();
    this.intervalSeconds = config.settings.lagSampleIntervalSeconds;
    this.panel = this.register(
      new LagPanel(extensionUri, {
        request: (method, params) => this.answer(method, params),
        visibilityChanged: (visible) => this.visibilityChanged(visible),
        closed: () => this.stop(),
      }),
    );
    this.register({ dispose: () => this.stop() });
    this.register(config.onDidChange((settings) => {
      if (settings.lagSampleIntervalSeconds === this.intervalSeconds) return;
      this.intervalSeconds = settings.lagSampleIntervalSeconds;
      this.announceSampling();
    }));
  }

  /** Show Consumer Lag: the lab's Kafka (of `arg`, or of the active editor), else a cluster the learner names. */
  async show(arg: unknown): Promise<void> {
    const target = await this.pickTarget(arg);
    if (!target) return;
    if (target.key !== this.target?.key) {
      this.stop();
      await this.closeCluster();
      this.history.clear();
      this.target = target;
      this.cluster = requireBundle<typeof KafkaRuntime>('kafka').connectKafka(target.bootstrap, { clientId: 'data-eng-labs-lag', timeoutMs: SAMPLE_TIMEOUT_MS });
      this.logger.info(`Consumer lag: sampling ${target.bootstrap.join(', ')} every ${this.intervalSeconds} s (${target.title})`);
    }
    this.visible = true;
    this.panel.reset({ title: target.title, bootstrap: target.bootstrap.join(', '), intervalSeconds: this.intervalSeconds, paused: this.paused, frames: this.history.allFrames(), details: this.history.details() });
    this.schedule(0);
  }

  private async pickTarget(arg: unknown): Promise<Target | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const lab = (await labFromArgument(this.labService, arg)) ?? (active ? (await labContaining(this.labService, active))?.lab : undefined);
    const service = lab?.manifest.services.find((candidate) => candidate.kind === 'kafka');
    if (lab && service) {
      const bootstrap = await this.labBootstrap(lab, service);
      return { key: `lab:${lab.manifest.id}:${bootstrap.join(',')}`, title: `Consumer lag: ${service.name} of ${labDisplayName(lab)} (${bootstrap.join(', ')})`, bootstrap };
    }
    const last = this.context.workspaceState.get<string>(LAST_BOOTSTRAP_KEY) ?? DEFAULT_BOOTSTRAP;
    const typed = await vscode.window.showInputBox({
      title: 'Data Labs: Show Consumer Lag',
      prompt: lab ? `${labDisplayName(lab)} has no Kafka service. Which Kafka cluster should the chart sample?` : 'Which Kafka cluster should the chart sample? (bootstrap servers)',
      value: last,
      placeHolder: 'host:port, host:port',
      validateInput: (value) => (/^\s*[\w.-]+:\d{1,5}(\s*,\s*[\w.-]+:\d{1,5})*\s*$/.test(value) ? undefined : 'host:port, or several separated by commas'),
    });
    if (!typed) return undefined;
    await this.context.workspaceState.update(LAST_BOOTSTRAP_KEY, typed.trim());
    const bootstrap = requireBundle<typeof KafkaRuntime>('kafka').bootstrapServers(typed);
    return { key: `cluster:${bootstrap.join(',')}`, title: `Consumer lag: ${bootstrap.join(', ')}`, bootstrap };
  }

  /** The lab's Kafka as the checks reach it: an override, its container, else the port compose.yaml publishes. */
  private async labBootstrap(lab: Lab, service: Lab['manifest']['services'][number]): Promise<string[]> {
    const checks = requireBundle<typeof ChecksBundle>('checks');
    const resolver = checks.createServiceResolver({
      labPackageDir: () => lab.dir,
      env: process.env,
      overrides: this.config.settings.serviceOverrides,
      containers: (_manifest, candidate) => this.labServices.containerEndpoint(lab, candidate),
    });
    const endpoint = await resolver.resolve(lab.manifest, service);
    if (endpoint.kind !== 'generic') throw new Error(`the service "${service.name}" of ${labDisplayName(lab)} is not a Kafka cluster.`);
    return requireBundle<typeof KafkaRuntime>('kafka').bootstrapServers(endpoint.url);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.target || this.paused || !this.visible || !this.panel.isOpen) return;
    this.timer = setTimeout(() => void this.sampleOnce(), delayMs);
  }

  private async sampleOnce(): Promise<void> {
    const cluster = this.cluster;
    if (!cluster || this.sampling) return;
    this.sampling = true;
    const started = Date.now();
    try {
      const sample = await (await cluster).sample();
      if (cluster !== this.cluster) return;
      const previous = this.history.allFrames().at(-1);
      const { frame, details } = this.history.add(sample);
      if (frame.error !== undefined && previous?.error === undefined) this.logger.warn(`Consumer lag: ${frame.error}`);
      if (frame.error === undefined && previous?.error !== undefined) this.logger.info('Consumer lag: the cluster answers again');
      this.panel.frame({ frame, details });
    } catch (error) {
      this.logger.error('Consumer lag: a sample failed', error);
    } finally {
      this.sampling = false;
      // The next sample an interval after this one started, or at once if this one took longer.
      this.schedule(Math.max(0, this.intervalSeconds * 1000 - (Date.now() - started)));
    }
  }

  private visibilityChanged(visible: boolean): void {
    this.visible = visible;
    this.announceSampling();
    // Sampling pauses while the view is hidden, and resumes at once when it shows again.
    this.schedule(0);
  }

  private announceSampling(): void {
    this.panel.sampling({ paused: this.paused, intervalSeconds: this.intervalSeconds, ...(!this.visible ? { reason: 'hidden' } : {}) });
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async closeCluster(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = undefined;
    if (cluster) await (await cluster.catch(() => undefined))?.close();
  }

  override dispose(): void {
    void this.closeCluster();
    super.dispose();
  }

  private async answer(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case LAG_SET_PAUSED:
        this.paused = (params as SetPausedParams).paused;
        this.logger.info(`Consumer lag: sampling ${this.paused ? 'paused' : 'resumed'}`);
        this.announceSampling();
        this.schedule(0);
        return null;
      case LAG_SET_INTERVAL: {
        const seconds = (params as SetIntervalParams).seconds;
        this.intervalSeconds = Math.min(MAX_INTERVAL_SECONDS, Math.max(MIN_INTERVAL_SECONDS, Number.isFinite(seconds) ? seconds : this.intervalSeconds));
        this.announceSampling();
        this.schedule(this.intervalSeconds * 1000);
        return null;
      }
      case LAG_EXPORT_CSV:
        await this.exportCsv(params as ExportCsvParams);
        return null;
      default:
        throw new Error(`unknown request ${method}`);
    }
  }

  private async exportCsv(params: ExportCsvParams): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      filters: { CSV: ['csv'] },
      saveLabel: 'Export Consumer Lag',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `consumer-lag${params.group ? `-${params.group.replace(/[^\w.-]+/g, '_')}` : ''}.csv`) } : {}),
    });
    if (!target) return;
    const last = this.history.allFrames().at(-1);
    const since = params.rangeSeconds !== undefined && last ? last.at - params.rangeSeconds * 1000 : undefined;
    const csv = this.history.csv({ ...(since !== undefined ? { since } : {}), ...(params.group ? { group: params.group } : {}) });
    await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
    this.logger.info(`Consumer lag: exported ${csv.split('\n').length - 2} rows to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Data Labs: the consumer lag is saved as ${vscode.workspace.asRelativePath(target)}.`);
  }
}
