import * as vscode from 'vscode';
import { readSettings, type Settings } from '../core/settings';
import { Disposable } from './disposable';

export const CONFIG_SECTION = 'dataEngLabs';

/** Typed, sanitised view of the `dataEngLabs` settings, re-read when they change. */
export class Config extends Disposable {
  private current: Settings = Config.read();
  private readonly changed = this.register(new vscode.EventEmitter<Settings>());
  /** Fires with the new settings after any `dataEngLabs.*` setting changes. */
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(CONFIG_SECTION)) return;
        this.current = Config.read();
        this.changed.fire(this.current);
      }),
    );
  }

  get settings(): Settings {
    return this.current;
  }

  private static read(): Settings {
    const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
    return readSettings((key) => section.get<unknown>(key));
  }
}
