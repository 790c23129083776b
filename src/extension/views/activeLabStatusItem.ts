import * as vscode from 'vscode';
import { Disposable } from '../disposable';

/**
 * A status bar item that speaks for the lab of the active editor. Subclasses render it (true to show);
 * renders overlap when events come quickly, so only the latest one's answer is applied.
 */
export abstract class ActiveLabStatusItem extends Disposable {
  protected readonly item: vscode.StatusBarItem;
  private generation = 0;

  constructor(id: string, name: string, priority: number) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, priority));
    this.item.name = name;
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
  }

  protected update(): void {
    const generation = ++this.generation;
    void this.render().then((show) => {
      if (generation !== this.generation) return;
      if (show) this.item.show();
      else this.item.hide();
    });
  }

  protected abstract render(): Promise<boolean>;
}
