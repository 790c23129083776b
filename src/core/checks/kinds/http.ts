/**
 * The http kind: GET a path of one of the lab's services and check the status and, optionally, a value in
 * the JSON body. The service's address comes from the resolver, never from the check.
 */
import { CouldNotRunError, outcome, type KindRunner } from '../types';

/** How much of a body a message shows. */
const MAX_SHOWN_CHARS = 500;

type PathStep = string | number;

/**
 * A small JSONPath: `$` followed by `.key`, `['key']` (or `["key"]`) and `[0]` steps, e.g.
 * `$.players[0]['name']`. Undefined when the path is not in that subset.
 */
export function parseJsonPath(path: string): PathStep[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match =
      /^\.([^.[\]\s'"]+)/.exec(rest) ??
      /^\[(\d+)\]/.exec(rest) ??
      /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ??
      /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
    if (!match) return undefined;
    const token = match[1] as string;
    if (/^\[\d/.test(match[0])) steps.push(Number(token));
    else steps.push(match[0].startsWith('[') ? token.replace(/\\(.)/g, '$1') : token);
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The value at `steps` in `root`, or `found: false`. */
function valueAt(root: unknown, steps: readonly PathStep[]): { found: true; value: unknown } | { found: false } {
  let current = root;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return { found: false };
      current = current[step] as unknown;
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) return { found: false };
      current = (current as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: current };
}

/** Equality of JSON values: objects regardless of key order, arrays in order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

function shown(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)} … (${text.length} characters)` : text;
}

function showJson(value: unknown): string {
  return shown(value === undefined ? 'undefined' : JSON.stringify(value));
}

/** The network error code behind a failed fetch (ECONNREFUSED, ENOTFOUND, ...), when there is one. */
function networkCode(error: unknown): string | undefined {
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; depth < 3 && cause !== undefined; depth += 1) {
    if (typeof cause === 'object' && cause !== null) {
      const { code, errors } = cause as { code?: unknown; errors?: unknown };
      if (typeof code === 'string') return code;
      if (Array.isArray(errors) && errors.length > 0) {
        cause = errors[0];
        continue;
      }
      cause = (cause as { cause?: unknown }).cause;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Runs an http check: resolves the service, GETs `path`, and checks `expect.status` (any 2xx when it is
 * not given) and, with `expect.jsonPath`, the value at that path in the JSON body: equal (as JSON) to
 * `expect.equals`, or just present when equals is not given. `equals` without a jsonPath compares the
 * whole body. A service that cannot be reached is could-not-run.
 */
export const runHttpCheck: KindRunner<'http'> = async (check, context) => {
  const service = context.manifest.services.find((candidate) => candidate.name === check.service);
  if (!service) throw new CouldNotRunError(`the lab has no service "${check.service}"; this is a bug in the lab.`);
  const endpoint = await context.resolver.resolve(context.manifest, service);
  let baseUrl: string;
  if (endpoint.kind === 'http') baseUrl = endpoint.baseUrl;
  else if (endpoint.kind === 'generic' && /^https?:\/\//i.test(endpoint.url)) baseUrl = endpoint.url;
  else throw new CouldNotRunError(`the service "${check.service}" (from ${endpoint.source}) is not an HTTP service; this is a bug in the lab.`);
  baseUrl = baseUrl.replace(/\/+$/, '');

  const { status, jsonPath } = check.expect;
  const equals: unknown = check.expect.equals;
  const steps = jsonPath !== undefined ? parseJsonPath(jsonPath) : [];
  if (!steps) throw new CouldNotRunError(`the check's jsonPath ${jsonPath ?? ''} is not one this version understands ($, .key, ['key'], [0]); this is a bug in the lab.`);

  const request = `GET ${check.path}`;
  let response: Response;
  let body: string;
  try {
    response = await fetch(`${baseUrl}${check.path}`, { signal: context.signal, headers: { accept: 'application/json, */*' } });
    body = await response.text();
  } catch (error) {
    if (context.signal.aborted) throw error;
    const code = networkCode(error);
    const where = `the service "${check.service}" at ${baseUrl} (from ${endpoint.source})`;
    if (code === 'ECONNREFUSED') throw new CouldNotRunError(`${where} refused the connection: start the lab's services.`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
      throw new CouldNotRunError(`${where} could not be reached (${code}): start the lab's services.`);
    }
    const detail = code === undefined || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' ? '' : ` (${code})`;
    return outcome.failed(`${request}: the service closed the connection without a complete answer${detail}; did it crash? Its log may say why.`, {
      expected: status !== undefined ? `status ${status}` : 'an answer',
      actual: 'the connection closed',
    });
  }

  const statusText = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (status !== undefined ? response.status !== status : !response.ok) {
    const expected = status !== undefined ? String(status) : 'a 2xx status';
    return outcome.failed(`${request} answered ${statusText}, expected ${expected}.`, { expected, actual: body ? `${statusText}\n${shown(body)}` : statusText });
  }
  if (jsonPath === undefined && equals === undefined) return outcome.passed(`${request} answered ${statusText}.`);

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return outcome.failed(`${request} did not answer with JSON (${(error as Error).message.split('\n')[0] ?? ''}).`, {
      expected: 'a JSON body',
      actual: body ? shown(body) : '(an empty body)',
    });
  }
  const path = jsonPath ?? '$';
  const at = valueAt(json, steps);
  if (!at.found) {
    return outcome.failed(`${request}: the response has nothing at ${path}.`, {
      expected: equals !== undefined ? showJson(equals) : `a value at ${path}`,
      actual: `nothing at ${path}; the response was ${showJson(json)}`,
    });
  }
  if (equals !== undefined && !jsonEqual(at.value, equals)) {
    const expected = showJson(equals);
    const actual = showJson(at.value);
    const short = expected.length + actual.length <= 120;
    return outcome.failed(short ? `${request}: ${path} is ${actual}, expected ${expected}.` : `${request}: ${path} is not the expected value.`, { expected, actual });
  }
  return outcome.passed(`${request} answered ${statusText} with ${equals !== undefined ? `the expected value at ${path}` : `a value at ${path}`}.`);
};
