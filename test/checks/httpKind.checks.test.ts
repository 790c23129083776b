/** The http kind against a real HTTP server on 127.0.0.1: status, JSONPath, equality, a refused connection. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { jsonEqual, parseJsonPath, runHttpCheck } from '../../src/core/checks/kinds/http';
import type { CheckResult, ServiceEndpoint, ServiceResolver } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab } from '../support/checkFixture';

const TOP = { players: [{ name: 'ann', score: 90 }, { name: 'bob', score: 80 }], count: 2, 'odd key': true };
const BIG = { rows: Array.from({ length: 100 }, (_, id) => ({ id, label: `row ${id}` })) };

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function manifest(checks: unknown[]): LabManifest {
  return kindTestLab('http', checks, {
    services: [
      { name: 'api', kind: 'http' },
      { name: 'db', kind: 'postgres', database: 'shop' },
    ],
    scaffold: { open: ['app.py'] },
  });
}

const httpCheck = (id: string, path: string, expect: Record<string, unknown>, service = 'api'): Record<string, unknown> => ({ id, title: `check ${id}`, kind: 'http', service, path, expect });

function resolverFor(endpoints: Readonly<Record<string, ServiceEndpoint>>): ServiceResolver {
  return {
    resolve: async (_lab, service) => {
      const endpoint = endpoints[service.name];
      if (!endpoint) throw new Error(`no endpoint for ${service.name}`);
      return endpoint;
    },
  };
}

async function run(lab: LabManifest, resolver: ServiceResolver): Promise<Array<Record<string, unknown>>> {
  const result = await runLabChecks({
    manifest: lab,
    labPackageDir: '/nowhere/package',
    workDir: '/nowhere/work',
    python: 'python3',
    resolver,
    kinds: { http: runHttpCheck },
    defaultTimeoutSeconds: 10,
  });
  return result.results.map(({ id, status, message, expected, actual }: CheckResult) => ({ id, status, message, expected, actual }));
}

describe('http checks', () => {
  const server = createServer((request, response) => {
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/top') json(200, TOP);
    else if (request.url === '/big') json(200, BIG);
    else if (request.url === '/text') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('hello');
    } else if (request.url === '/crash') request.socket.destroy();
    else json(404, { error: 'no such thing' });
  });
  let base = '';
  let resolver: ServiceResolver;
  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
    resolver = resolverFor({ api: { kind: 'http', baseUrl: base, source: 'the test server' }, db: { kind: 'postgres', host: '127.0.0.1', port: 1, user: 'lab', password: 'lab', database: 'shop', source: 'a test' } });
  });
  after(() => close(server));

  it('passes on the status, a value at a JSONPath, or the path merely existing', async () => {
    const results = await run(
      manifest([
        httpCheck('status', '/top', { status: 200 }),
        httpCheck('any-2xx', '/top', {}),
        httpCheck('count', '/top', { jsonPath: '$.count', equals: 2 }),
        httpCheck('name', '/top', { jsonPath: "$.players[1]['name']", equals: 'bob' }),
        httpCheck('object', '/top', { jsonPath: '$.players[0]', equals: { score: 90, name: 'ann' } }),
        httpCheck('odd-key', '/top', { jsonPath: '$["odd key"]' }),
        httpCheck('whole', '/top', { equals: TOP }),
        httpCheck('not-found-on-purpose', '/nothing', { status: 404, jsonPath: '$.error', equals: 'no such thing' }),
      ]),
      resolver,
    );
    assert.deepEqual(results, [
      { id: 'status', status: 'passed', message: 'GET /top answered 200 OK.', expected: undefined, actual: undefined },
      { id: 'any-2xx', status: 'passed', message: 'GET /top answered 200 OK.', expected: undefined, actual: undefined },
      { id: 'count', status: 'passed', message: 'GET /top answered 200 OK with the expected value at $.count.', expected: undefined, actual: undefined },
      { id: 'name', status: 'passed', message: "GET /top answered 200 OK with the expected value at $.players[1]['name'].", expected: undefined, actual: undefined },
      { id: 'object', status: 'passed', message: 'GET /top answered 200 OK with the expected value at $.players[0].', expected: undefined, actual: undefined },
      { id: 'odd-key', status: 'passed', message: 'GET /top answered 200 OK with a value at $["odd key"].', expected: undefined, actual: undefined },
      { id: 'whole', status: 'passed', message: 'GET /top answered 200 OK with the expected value at $.', expected: undefined, actual: undefined },
      { id: 'not-found-on-purpose', status: 'passed', message: 'GET /nothing answered 404 Not Found with the expected value at $.error.', expected: undefined, actual: undefined },
    ]);
  });

  it('fails with the expected and actual status, value or body', async () => {
    const results = await run(
      manifest([
        httpCheck('status', '/nothing', { status: 200 }),
        httpCheck('no-2xx', '/nothing', { jsonPath: '$.count' }),
        httpCheck('value', '/top', { jsonPath: '$.players[0].name', equals: 'bob' }),
        httpCheck('type', '/top', { jsonPath: '$.count', equals: '2' }),
        httpCheck('missing', '/top', { jsonPath: '$.players[5]' }),
        httpCheck('missing-long', '/big', { jsonPath: '$.total', equals: 100 }),
        httpCheck('not-json', '/text', { jsonPath: '$' }),
        httpCheck('crash', '/crash', { status: 200 }),
      ]),
      resolver,
    );
    const big = JSON.stringify(BIG);
    assert.deepEqual(results, [
      { id: 'status', status: 'failed', message: 'GET /nothing answered 404 Not Found, expected 200.', expected: '200', actual: '404 Not Found\n{"error":"no such thing"}' },
      { id: 'no-2xx', status: 'failed', message: 'GET /nothing answered 404 Not Found, expected a 2xx status.', expected: 'a 2xx status', actual: '404 Not Found\n{"error":"no such thing"}' },
      { id: 'value', status: 'failed', message: 'GET /top: $.players[0].name is "ann", expected "bob".', expected: '"bob"', actual: '"ann"' },
      { id: 'type', status: 'failed', message: 'GET /top: $.count is 2, expected "2".', expected: '"2"', actual: '2' },
      {
        id: 'missing',
        status: 'failed',
        message: 'GET /top: the response has nothing at $.players[5].',
        expected: 'a value at $.players[5]',
        actual: `nothing at $.players[5]; the response was ${JSON.stringify(TOP)}`,
      },
      {
        id: 'missing-long',
        status: 'failed',
        message: 'GET /big: the response has nothing at $.total.',
        expected: '100',
        actual: `nothing at $.total; the response was ${big.slice(0, 500)} … (${big.length} characters)`,
      },
      { id: 'not-json', status: 'failed', message: 'GET /text did not answer with JSON (Unexpected token \'h\', "hello" is not valid JSON).', expected: 'a JSON body', actual: 'hello' },
      { id: 'crash', status: 'failed', message: 'GET /crash: the service closed the connection without a complete answer; did it crash? Its log may say why.', expected: 'status 200', actual: 'the connection closed' },
    ]);
  });

  it('could not run: the connection is refused, the service is unknown or not HTTP, the path is not supported', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await close(closed);
    const refused = resolverFor({ api: { kind: 'http', baseUrl: `http://127.0.0.1:${port}`, source: 'DELABS_SERVICE_API' } });
    assert.deepEqual(await run(manifest([httpCheck('refused', '/top', { status: 200 })]), refused), [
      {
        id: 'refused',
        status: 'could-not-run',
        message: `could not run: the service "api" at http://127.0.0.1:${port} (from DELABS_SERVICE_API) refused the connection: start the lab's services.`,
        expected: undefined,
        actual: undefined,
      },
    ]);
    const results = await run(
      manifest([httpCheck('unknown', '/top', {}, 'weather'), httpCheck('postgres', '/top', {}, 'db'), httpCheck('bad-path', '/top', { jsonPath: '$..name' })]),
      resolver,
    );
    assert.deepEqual(results, [
      { id: 'unknown', status: 'could-not-run', message: 'could not run: the lab has no service "weather"; this is a bug in the lab.', expected: undefined, actual: undefined },
      { id: 'postgres', status: 'could-not-run', message: 'could not run: the service "db" (from a test) is not an HTTP service; this is a bug in the lab.', expected: undefined, actual: undefined },
      {
        id: 'bad-path',
        status: 'could-not-run',
        message: "could not run: the check's jsonPath $..name is not one this version understands ($, .key, ['key'], [0]); this is a bug in the lab.",
        expected: undefined,
        actual: undefined,
      },
    ]);
  });

  it('accepts a generic endpoint with an http URL', async () => {
    const generic = resolverFor({ api: { kind: 'generic', url: `${base}/`, source: 'the settings' } });
    assert.deepEqual(await run(manifest([httpCheck('count', '/top', { jsonPath: '$.count', equals: 2 })]), generic), [
      { id: 'count', status: 'passed', message: 'GET /top answered 200 OK with the expected value at $.count.', expected: undefined, actual: undefined },
    ]);
  });
});

describe('JSONPath subset and JSON equality', () => {
  it('parses $, .key, [index] and quoted keys, and nothing else', () => {
    assert.deepEqual(parseJsonPath('$'), []);
    assert.deepEqual(parseJsonPath('$.a.b[0]["c d"][\'e\\\'f\']'), ['a', 'b', 0, 'c d', "e'f"]);
    assert.equal(parseJsonPath('a.b'), undefined);
    assert.equal(parseJsonPath('$..a'), undefined);
    assert.equal(parseJsonPath('$[*]'), undefined);
    assert.equal(parseJsonPath('$.a['), undefined);
  });

  it('compares JSON values deeply: objects in any key order, arrays in order', () => {
    assert.equal(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] }), true);
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false);
    assert.equal(jsonEqual(1, '1'), false);
    assert.equal(jsonEqual(null, {}), false);
    assert.equal(jsonEqual([], {}), false);
  });
});
