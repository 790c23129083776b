/**
 * The envelope every webview and its host exchange. Each webview declares its own messages in
 * `src/shared/<webview>Protocol.ts` on top of these; this file holds types only.
 */

/** Webview to host, once its script has run and its handler is installed: the host posts nothing before. */
export interface ReadyMessage {
  readonly type: 'webview/ready';
}

/** Webview to host: a request that expects exactly one reply with the same id. */
export interface RequestMessage<Method extends string = string, Params = unknown> {
  readonly type: 'webview/request';
  readonly id: number;
  readonly method: Method;
  readonly params: Params;
}

/** Host to webview: the reply to a request, a result or an error message, never both. */
export type ReplyMessage<Result = unknown> =
  | { readonly type: 'host/reply'; readonly id: number; readonly result: Result }
  | { readonly type: 'host/reply'; readonly id: number; readonly error: string };

/** Host to webview: a notification, e.g. new data to draw. */
export interface NotificationMessage<Method extends string = string, Params = unknown> {
  readonly type: 'host/notify';
  readonly method: Method;
  readonly params: Params;
}

/** Host to webview: a request that the webview answers with exactly one `webview/reply` of the same id (a PNG drawn, an SVG serialised). */
export interface HostRequestMessage<Method extends string = string, Params = unknown> {
  readonly type: 'host/request';
  readonly id: number;
  readonly method: Method;
  readonly params: Params;
}

/** Webview to host: the reply to a host request, a result or an error message, never both. */
export type WebviewReplyMessage<Result = unknown> =
  | { readonly type: 'webview/reply'; readonly id: number; readonly result: Result }
  | { readonly type: 'webview/reply'; readonly id: number; readonly error: string };
