/** Where a check finds its service: environment, settings, the extension's container, embedded, compose.yaml. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createServiceResolver, serviceEnvVar } from '../../../src/core/checks/resolver';
import type { LabManifest, ServiceDefinition } from '../../../src/core/labs/labSchema';

const lab = { id: 'shop-lab' } as LabManifest;
const postgres: ServiceDefinition = { name: 'postgres', kind: 'postgres', database: 'shop', embedded: true };
const api: ServiceDefinition = { name: 'weather-api', kind: 'http' };

function labDir(compose?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'delabs-resolver-'));
  if (compose !== undefined) writeFileSync(join(dir, 'compose.yaml'), compose);
  return dir;
}

const COMPOSE = `services:
  postgres:
    image: postgres:16.6
    environment:
      POSTGRES_USER: lab
      POSTGRES_PASSWORD: lab
      POSTGRES_DB: shop
    ports:
      - "127.0.0.1:54307:5432"
  weather-api:
    image: busybox:1.36
    ports:
      - target: 8080
        published: 8707
        host_ip: 127.0.0.1
`;

describe('service resolver', () => {
  it('names the environment variable after the service', () => {
    assert.equal(serviceEnvVar('postgres'), 'DELABS_SERVICE_POSTGRES_URL');
    assert.equal(serviceEnvVar('weather-api'), 'DELABS_SERVICE_WEATHER_API_URL');
  });

  it('prefers the environment, then the settings, then a started container, then the embedded PostgreSQL, then compose.yaml', async () => {
    const dir = labDir(COMPOSE);
    const container = { kind: 'postgres', host: '127.0.0.1', port: 49001, user: 'lab', password: 'lab', database: 'shop', source: "the lab's container" } as const;
    const embedded = { kind: 'postgres', host: '127.0.0.1', port: 49002, user: 'lab', password: 'lab', database: 'shop', source: 'the embedded PostgreSQL' } as const;
    const all = createServiceResolver({
      labPackageDir: () => dir,
      env: { DELABS_SERVICE_POSTGRES_URL: 'postgresql://ci:secret@db.internal:6543' },
      overrides: { postgres: 'postgresql://me:pw@localhost:5433/mine' },
      containers: async () => container,
      embedded: async () => embedded,
    });
    assert.deepEqual(await all.resolve(lab, postgres), {
      kind: 'postgres',
      host: 'db.internal',
      port: 6543,
      user: 'ci',
      password: 'secret',
      database: 'shop',
      source: 'the environment variable DELABS_SERVICE_POSTGRES_URL',
    });
    const noEnv = createServiceResolver({ labPackageDir: () => dir, overrides: { postgres: 'postgresql://me:pw@localhost:5433/mine' }, containers: async () => container, embedded: async () => embedded });
    assert.deepEqual(await noEnv.resolve(lab, postgres), { kind: 'postgres', host: 'localhost', port: 5433, user: 'me', password: 'pw', database: 'mine', source: 'the setting dataEngLabs.services.overrides' });
    assert.equal((await createServiceResolver({ labPackageDir: () => dir, containers: async () => container, embedded: async () => embedded }).resolve(lab, postgres)).source, "the lab's container");
    assert.equal((await createServiceResolver({ labPackageDir: () => dir, containers: async () => undefined, embedded: async () => embedded }).resolve(lab, postgres)).source, 'the embedded PostgreSQL');
    assert.deepEqual(await createServiceResolver({ labPackageDir: () => dir }).resolve(lab, postgres), {
      kind: 'postgres',
      host: '127.0.0.1',
      port: 54307,
      user: 'lab',
      password: 'lab',
      database: 'shop',
      source: "the lab's compose.yaml (127.0.0.1:54307)",
    });
  });

  it('gives HTTP services a base URL, from compose.yaml\'s long port syntax too', async () => {
    const dir = labDir(COMPOSE);
    assert.deepEqual(await createServiceResolver({ labPackageDir: () => dir }).resolve(lab, api), { kind: 'http', baseUrl: 'http://127.0.0.1:8707', source: "the lab's compose.yaml (127.0.0.1:8707)" });
    assert.deepEqual(await createServiceResolver({ labPackageDir: () => dir, env: { DELABS_SERVICE_WEATHER_API_URL: 'http://127.0.0.1:9000/' } }).resolve(lab, api), {
      kind: 'http',
      baseUrl: 'http://127.0.0.1:9000',
      source: 'the environment variable DELABS_SERVICE_WEATHER_API_URL',
    });
  });

  it('says what to do when a service has no endpoint, or an override is not a URL', async () => {
    await assert.rejects(createServiceResolver({ labPackageDir: () => labDir() }).resolve(lab, postgres), {
      name: 'CouldNotRunError',
      message: 'the service "postgres" is not running and the lab publishes no port for it: start the lab\'s services, or point DELABS_SERVICE_POSTGRES_URL or dataEngLabs.services.overrides at one.',
    });
    await assert.rejects(createServiceResolver({ labPackageDir: () => labDir(), overrides: { postgres: 'localhost:5432' } }).resolve(lab, postgres), {
      name: 'CouldNotRunError',
      message: 'the setting dataEngLabs.services.overrides for the PostgreSQL service "postgres" must be a postgresql:// URL, not "localhost://...".',
    });
    await assert.rejects(createServiceResolver({ labPackageDir: () => labDir(), overrides: { postgres: 'not a url' } }).resolve(lab, postgres), {
      name: 'CouldNotRunError',
      message: 'the setting dataEngLabs.services.overrides for the service "postgres" is not a URL: "not a url".',
    });
  });
});
