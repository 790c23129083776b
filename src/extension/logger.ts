import * as vscode from 'vscode';

/** The one log of the extension: a LogOutputChannel, so levels and timestamps come from VS Code. */
export class Logger implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Data Engineering Labs') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** The channel itself, for the language client's own trace. */
  get outputChannel(): vscode.LogOutputChannel {
    return this.channel;
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  debug(message: string): void {
    this.channel.debug(message);
  }

  /** Logs the error with its stack; the channel is not revealed here (callers tell the user in a sentence). */
  error(message: string, error?: unknown): void {
    if (error === undefined) {
      this.channel.error(message);
    } else {
      this.channel.error(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
