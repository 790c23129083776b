/**
 * The webview side of the host bridge: sends the ready handshake once its handlers are installed, matches
 * replies to its requests by id, dispatches host notifications, and answers the host's requests. Every
 * webview's main.ts uses it.
 */
import type { HostRequestMessage, NotificationMessage, ReadyMessage, ReplyMessage, RequestMessage, WebviewReplyMessage } from '../../src/shared/webviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type NotificationHandler = (method: string, params: unknown) => void;
/** Answers one host request; a rejection goes back to the host as the request's error. */
type RequestHandler = (method: string, params: unknown) => Promise<unknown>;

export class HostBridge {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly onNotification: NotificationHandler,
    private readonly onRequest: RequestHandler = (method) => Promise.reject(new Error(`this view answers no request ${method}`)),
    api: VsCodeApi = acquireVsCodeApi(),
  ) {
    this.api = api;
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    const ready: ReadyMessage = { type: 'webview/ready' };
    this.api.postMessage(ready);
  }

  request<Result>(method: string, params: unknown): Promise<Result> {
    const id = this.nextId++;
    const message: RequestMessage = { type: 'webview/request', id, method, params };
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as Result), reject });
      this.api.postMessage(message);
    });
  }

  get state(): unknown {
    return this.api.getState();
  }

  set state(value: unknown) {
    this.api.setState(value);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null || !('type' in data)) return;
    const message = data as ReplyMessage | NotificationMessage | HostRequestMessage;
    if (message.type === 'host/notify') {
      this.onNotification(message.method, message.params);
      return;
    }
    if (message.type === 'host/request') {
      void this.answer(message);
      return;
    }
    if (message.type === 'host/reply') {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if ('error' in message) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    }
  }

  private async answer(request: HostRequestMessage): Promise<void> {
    let reply: WebviewReplyMessage;
    try {
      reply = { type: 'webview/reply', id: request.id, result: await this.onRequest(request.method, request.params) };
    } catch (error) {
      reply = { type: 'webview/reply', id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    this.api.postMessage(reply);
  }
}
