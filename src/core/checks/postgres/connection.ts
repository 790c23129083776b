/**
 * Connections to a lab's PostgreSQL for the checks. Every value comes back in PostgreSQL's text form
 * (as psql prints it), one connection per service is shared by the checks of a run, a check whose time
 * is up has its running query cancelled on the server, and a service that cannot be reached becomes a
 * CouldNotRunError that says what to do.
 */
import { Client, type QueryArrayResult, type QueryResultRow } from 'pg';
import { CouldNotRunError, outcome, type CheckContext, type KindOutcome, type PostgresEndpoint } from '../types';

const CONNECT_TIMEOUT_MS = 10_000;
const CANCEL_TIMEOUT_MS = 5_000;
const END_TIMEOUT_MS = 2_000;
const APPLICATION_NAME = 'data-eng-labs checks';
const START_SERVICES = "start the lab's services (Data Labs: Start Services) or set an override in dataEngLabs.services.overrides";

/** Every type parser returns PostgreSQL's text as it is: '12.50', 't', '2024-03-01'. Null stays null. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

interface ClientState {
  readonly endpoint: PostgresEndpoint;
  readonly database: string;
  readonly pid: number;
  readonly serviceName: string | undefined;
  broken: boolean;
  /** Set while a cancelled query is being stopped; the next query on the client waits for it. */
  pendingCancel?: Promise<void>;
}

const states = new WeakMap<Client, ClientState>();

/** A connection failure, with PostgreSQL's SQLSTATE or Node's error code when there was one. */
export class PostgresConnectError extends CouldNotRunError {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PostgresConnectError';
  }
}

/** The parts of a PostgreSQL error report a check uses. */
export interface PostgresError {
  /** The SQLSTATE, e.g. 42P01. */
  readonly code: string;
  readonly message: string;
  /** 1-based character position in the query text, when PostgreSQL gave one. */
  readonly position?: number;
  readonly hint?: string;
}

function field(error: object, name: string): unknown {
  return (error as Record<string, unknown>)[name];
}

/** The PostgreSQL error report in `error`, or undefined when it is not one (a socket error, say). */
export function postgresErrorOf(error: unknown): PostgresError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = field(error, 'code');
  const severity = field(error, 'severity');
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || typeof severity !== 'string') return undefined;
  const position = Number(field(error, 'position'));
  const hint = field(error, 'hint');
  return {
    code,
    message: error.message,
    ...(Number.isInteger(position) && position > 0 ? { position } : {}),
    ...(typeof hint === 'string' && hint !== '' ? { hint } : {}),
  };
}

/** Ends `text` with a full stop unless it already ends with punctuation. */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** `message (PostgreSQL 42P01).`, with PostgreSQL's hint after it when there is one. */
export function describePostgresError(error: PostgresError): string {
  return `${error.message} (PostgreSQL ${error.code}).${error.hint ? ` Hint: ${asSentence(error.hint)}` : ''}`;
}

/** Quotes a name as a PostgreSQL identifier: "shop", "my ""db""". */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** How a message names the server: the service, its address and where the address came from. */
export function describeServer(endpoint: PostgresEndpoint, serviceName?: string): string {
  const address = `${endpoint.host}:${endpoint.port}`;
  // A source that names the address already ("the lab's compose.yaml (127.0.0.1:54307)") is not repeated.
  const where = endpoint.source.includes(address) ? `from ${endpoint.source}` : `${address}, from ${endpoint.source}`;
  return serviceName === undefined ? `the PostgreSQL server (${where})` : `the PostgreSQL service "${serviceName}" (${where})`;
}

function errorCodes(error: unknown): string[] {
  if (!(error instanceof Error)) return [];
  const own = field(error, 'code');
  const nested = error instanceof AggregateError ? error.errors.flatMap(errorCodes) : [];
  return [...(typeof own === 'string' ? [own] : []), ...nested];
}

function connectError(error: unknown, endpoint: PostgresEndpoint, database: string, serviceName: string | undefined): PostgresConnectError {
  const server = describeServer(endpoint, serviceName);
  const codes = errorCodes(error);
  const text = error instanceof Error ? error.message : String(error);
  const has = (...wanted: string[]): boolean => codes.some((code) => wanted.includes(code));
  const fail = (message: string): PostgresConnectError => new PostgresConnectError(message, codes[0]);
  if (has('ECONNREFUSED')) return fail(`${server} refused the connection: ${START_SERVICES}`);
  if (has('ENOTFOUND', 'EAI_AGAIN')) return fail(`${server} has a host name that does not resolve: check the host in dataEngLabs.services.overrides`);
  if (has('ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH') || /timeout/i.test(text)) {
    return fail(`${server} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s: ${START_SERVICES}`);
  }
  if (has('28P01')) {
    return fail(`${server} rejected the password of user "${endpoint.user}": check the user and password in dataEngLabs.services.overrides (a lab's own services use lab/lab)`);
  }
  if (has('28000')) return fail(`${server} refused user "${endpoint.user}" (${text}): check the user in dataEngLabs.services.overrides`);
  if (has('3D000')) {
    return fail(`${server} has no database "${database}": start the lab's services again (Data Labs: Start Services) so it is created, or create it yourself`);
  }
  if (has('57P03')) return fail(`${server} is still starting up: wait a few seconds and run the checks again`);
  if (has('53300')) return fail(`${server} has no free connections: close some of your own connections to it and run the checks again`);
  if (has('ECONNRESET', 'EPIPE') || /terminated unexpectedly/i.test(text)) {
    return fail(`${server} closed the connection unexpectedly: ${START_SERVICES}`);
  }
  return fail(`${server} could not be reached (${text}): ${START_SERVICES}`);
}

function cancelledError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Opens a connection to `endpoint` (to `database` instead of the endpoint's, for maintenance work).
 * Values come back as text. Failures throw PostgresConnectError (a CouldNotRunError) saying what to do;
 * `serviceName` names the lab's service in those messages.
 */
export async function connectPostgres(endpoint: PostgresEndpoint, signal: AbortSignal, database?: string, serviceName?: string): Promise<Client> {
  const target = database ?? endpoint.database;
  const client = new Client({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    database: target,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: TEXT_TYPES,
  });
  const markBroken = (): void => {
    const state = states.get(client);
    if (state) state.broken = true;
  };
  // An idle connection that drops emits 'error'; without a listener that would end the process.
  client.on('error', markBroken);
  client.on('end', markBroken);
  try {
    await untilAborted(client.connect(), signal);
    const result = await untilAborted(client.query<{ pid: string }>('select pg_backend_pid() as pid'), signal);
    states.set(client, { endpoint, database: target, pid: Number(result.rows[0]?.pid), serviceName, broken: false });
    return client;
  } catch (error) {
    void endQuietly(client);
    if (signal.aborted) throw cancelledError(signal);
    throw connectError(error, endpoint, target, serviceName);
  }
}

async function endQuietly(client: Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), delay(END_TIMEOUT_MS)]);
}

/** Closes a connection made by connectPostgres, after any cancellation on it has finished. */
export async function closeClient(client: Client): Promise<void> {
  const state = states.get(client);
  if (state) state.broken = true;
  await state?.pendingCancel;
  await endQuietly(client);
}

/** Asks the server, from a second connection, to cancel what `state`'s backend is running. */
async function cancelBackend(state: ClientState): Promise<boolean> {
  try {
    const helper = await connectPostgres(state.endpoint, AbortSignal.timeout(CANCEL_TIMEOUT_MS), state.database);
    try {
      await helper.query('select pg_cancel_backend($1)', [state.pid]);
      return true;
    } finally {
      await endQuietly(helper);
    }
  } catch {
    return false;
  }
}

/**
 * A query that failed because the server went away (the connection dropped, the server shut down)
 * becomes a CouldNotRunError; any other error is returned as it is.
 */
function lostConnection(error: unknown, state: ClientState): unknown {
  const reported = postgresErrorOf(error);
  if (reported && !/^(08|57P|58)/.test(reported.code)) return error;
  state.broken = true;
  const server = describeServer(state.endpoint, state.serviceName);
  const what = reported ? `stopped the query: ${describePostgresError(reported)}` : `closed the connection (${error instanceof Error ? error.message : String(error)}).`;
  return new CouldNotRunError(`${server} ${what} To run the checks, ${START_SERVICES}`);
}

/** Runs `start` on `client`; if `signal` aborts first, the query is cancelled on the server. */
async function cancellable<T>(client: Client, signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  const state = states.get(client);
  if (state?.pendingCancel) await state.pendingCancel;
  if (signal.aborted) throw cancelledError(signal);
  const running = start();
  let settled = false;
  const onAbort = (): void => {
    if (settled || !state) return;
    const stopping = (async () => {
      const finished = running.then(
        () => true,
        () => true,
      );
      // A cancel that cannot be sent, or a query that ignores it, leaves the connection unusable.
      if (!(await cancelBackend(state)) || !(await Promise.race([finished, delay(CANCEL_TIMEOUT_MS).then(() => false)]))) {
        state.broken = true;
        await endQuietly(client);
      }
    })();
    const pending: Promise<void> = stopping.finally(() => {
      if (state.pendingCancel === pending) delete state.pendingCancel;
    });
    state.pendingCancel = pending;
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await running;
  } catch (error) {
    throw signal.aborted || !state ? error : lostConnection(error, state);
  } finally {
    settled = true;
    signal.removeEventListener('abort', onAbort);
  }
}

/** The result of a query as rows of text cells (null for NULL), with the column names. */
export interface TextResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

/** Runs one SQL statement (simple protocol, no parameters) and returns its rows as text; cancelled when `signal` aborts. */
export async function queryText(client: Client, sql: string, signal: AbortSignal): Promise<TextResult> {
  const result = await cancellable(client, signal, () => client.query<Array<string | null>>({ text: sql, rowMode: 'array' }));
  // A text with several statements gives one result each; the last one is the answer.
  const results = result as QueryArrayResult<Array<string | null>> | Array<QueryArrayResult<Array<string | null>>>;
  const last = Array.isArray(results) ? results[results.length - 1] : results;
  return { columns: last?.fields.map((column) => column.name) ?? [], rows: last?.rows ?? [] };
}

/** Runs a parameterised query and returns its rows as objects of text; cancelled when `signal` aborts. */
export async function queryRows<R extends QueryResultRow>(client: Client, sql: string, values: readonly unknown[], signal: AbortSignal): Promise<R[]> {
  const result = await cancellable(client, signal, () => client.query<R>(sql, [...values]));
  return result.rows;
}

/** Finds a lab's PostgreSQL service by name and resolves where it runs. */
async function resolvePostgres(context: CheckContext, serviceName: string): Promise<PostgresEndpoint> {
  const service = context.manifest.services.find((candidate) => candidate.name === serviceName);
  if (!service) throw new CouldNotRunError(`the lab has no service "${serviceName}" in lab.yaml; this is a bug in the lab`);
  const endpoint = await context.resolver.resolve(context.manifest, service);
  if (endpoint.kind !== 'postgres') {
    throw new CouldNotRunError(`the service "${serviceName}" is not a PostgreSQL service (it is ${service.kind}); this is a bug in the lab`);
  }
  return endpoint;
}

/** One lab service's PostgreSQL within a run: where it is and the connection the checks share. */
export interface PostgresService {
  readonly name: string;
  readonly endpoint: PostgresEndpoint;
  /** The shared connection, opened on first use and opened again if it broke. */
  client(signal: AbortSignal): Promise<Client>;
  /** Closes the shared connection (before the database is reset, and at the end of the run). */
  close(): Promise<void>;
}

class SharedConnection implements PostgresService {
  private current: Promise<Client> | undefined;
  private failure: CouldNotRunError | undefined;

  constructor(
    readonly name: string,
    readonly endpoint: PostgresEndpoint,
  ) {}

  async client(signal: AbortSignal): Promise<Client> {
    if (this.failure) throw this.failure;
    if (this.current) {
      const existing = await this.current.catch(() => undefined);
      if (existing && states.get(existing)?.broken === false) return existing;
    }
    const opening = connectPostgres(this.endpoint, signal, undefined, this.name);
    this.current = opening;
    try {
      return await opening;
    } catch (error) {
      if (this.current === opening) this.current = undefined;
      // A server that cannot be reached stays unreachable for the rest of the run: say so at once.
      if (error instanceof CouldNotRunError) this.failure = error;
      throw error;
    }
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    const client = await current?.catch(() => undefined);
    if (client) await closeClient(client);
  }
}

/** The run's PostgresService for `serviceName` (one per service per run, closed at the run's end). */
export function postgresService(context: CheckContext, serviceName: string): Promise<PostgresService> {
  return context.memo(`pg:${serviceName}`, async () => {
    const service = new SharedConnection(serviceName, await resolvePostgres(context, serviceName));
    context.onDispose(() => service.close());
    return service;
  });
}

/** The connection the checks of this run share for `serviceName`, opened on first use. */
export async function clientFor(context: CheckContext, serviceName: string): Promise<Client> {
  return (await postgresService(context, serviceName)).client(context.signal);
}

/** SQLSTATEs that mean the learner has not created something yet: a table, a column, a function, a schema. */
const NOT_CREATED_YET = new Set(['42P01', '42703', '42883', '3F000', '42704']);

/** The learner's SQL file that most likely creates the tables: the first workspace file set up on the service. */
export function schemaFileOf(context: CheckContext, serviceName: string): string | undefined {
  for (const entry of context.manifest.checkSetup ?? []) {
    if (entry.service !== serviceName) continue;
    const file = entry.sql.find((path) => path.startsWith('workspace:'));
    if (file !== undefined) return file.slice('workspace:'.length);
  }
  const opened = context.manifest.scaffold.open.find((path) => path.endsWith('.sql'));
  return opened;
}

/**
 * The verdict when a lab's own (hidden) query fails. Something missing (a table, a column) is the
 * learner's to create: failed. A syntax error is the lab's bug: could not run. Anything else (a type
 * mismatch, a division by zero in the learner's data) fails. The hidden query itself is never shown.
 */
export function hiddenQueryFailure(error: PostgresError, context: CheckContext, serviceName: string): KindOutcome {
  if (NOT_CREATED_YET.has(error.code)) {
    const file = schemaFileOf(context, serviceName);
    const verb = error.code === '42703' ? 'add it' : 'create it';
    return outcome.failed(`${error.message}: ${verb}${file === undefined ? ' first' : ` in ${file}`}.`);
  }
  if (error.code === '42601') return outcome.couldNotRun(`the check's own query is not valid SQL (${error.message}); this is a bug in the lab`);
  return outcome.failed(`the check's query failed: ${describePostgresError(error)}`);
}
