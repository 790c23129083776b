import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../src/core/settings';

function settingsFrom(raw: Record<string, unknown>) {
  return readSettings((key) => raw[key]);
}

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    assert.deepEqual(settingsFrom({}), DEFAULT_SETTINGS);
  });

  it('keeps valid values', () => {
    assert.deepEqual(
      settingsFrom({
        labsFolder: 'course/labs/',
        'python.interpreterPath': ' /usr/bin/python3.11 ',
        'services.useDocker': 'never',
        'services.bindAddress': '0.0.0.0',
        'services.overrides': { postgres: 'postgresql://me@db:5432/lab' },
        'services.imageOverrides': { 'postgres:16.6': 'registry.example.com/postgres:16.6' },
        'services.registryMirror': ' mirror.example.com:5000 ',
        'services.healthTimeoutSeconds': 300,
        'checks.runOnSave': true,
        'checks.timeoutSeconds': 120,
        'lag.sampleIntervalSeconds': 0.5,
        'sql.formatter.keywordCase': 'lower',
        'er.layout': 'elk',
        'er.renderer': 'mermaid',
        'er.maxTables': 40,
      }),
      {
        labsFolder: 'course/labs',
        pythonInterpreterPath: '/usr/bin/python3.11',
        useDocker: 'never',
        bindAddress: '0.0.0.0',
        serviceOverrides: { postgres: 'postgresql://me@db:5432/lab' },
        imageOverrides: { 'postgres:16.6': 'registry.example.com/postgres:16.6' },
        registryMirror: 'mirror.example.com:5000',
        healthTimeoutSeconds: 300,
        runChecksOnSave: true,
        checkTimeoutSeconds: 120,
        lagSampleIntervalSeconds: 0.5,
        sqlKeywordCase: 'lower',
        erLayout: 'elk',
        erRenderer: 'mermaid',
        erMaxTables: 40,
      },
    );
  });

  const invalid: [string, unknown, keyof typeof DEFAULT_SETTINGS, unknown][] = [
    ['labsFolder', '../outside', 'labsFolder', 'labs'],
    ['labsFolder', '/etc', 'labsFolder', 'labs'],
    ['labsFolder', 'C:\\labs', 'labsFolder', 'labs'],
    ['labsFolder', '   ', 'labsFolder', 'labs'],
    ['services.useDocker', 'sometimes', 'useDocker', 'auto'],
    ['services.bindAddress', 'localhost; rm -rf /', 'bindAddress', '127.0.0.1'],
    ['services.overrides', ['postgres'], 'serviceOverrides', {}],
    ['services.overrides', { postgres: 5432, kafka: ' ', redis: 'redis://127.0.0.1:6380' }, 'serviceOverrides', { redis: 'redis://127.0.0.1:6380' }],
    ['services.registryMirror', 'mirror.example.com; curl evil', 'registryMirror', ''],
    ['services.healthTimeoutSeconds', 1, 'healthTimeoutSeconds', 10],
    ['checks.runOnSave', 'yes', 'runChecksOnSave', false],
    ['checks.timeoutSeconds', 1, 'checkTimeoutSeconds', 5],
    ['checks.timeoutSeconds', 99999, 'checkTimeoutSeconds', 1800],
    ['checks.timeoutSeconds', Number.NaN, 'checkTimeoutSeconds', 60],
    ['lag.sampleIntervalSeconds', '1', 'lagSampleIntervalSeconds', 1],
    ['sql.formatter.keywordCase', 'UPPER', 'sqlKeywordCase', 'upper'],
    ['er.layout', 'cose', 'erLayout', 'auto'],
    ['er.renderer', 'graphviz', 'erRenderer', 'builtin'],
    ['er.maxTables', 2, 'erMaxTables', 10],
    ['er.maxTables', 55.6, 'erMaxTables', 56],
  ];
  for (const [key, raw, field, expected] of invalid) {
    it(`sanitises ${key} = ${JSON.stringify(raw)} to ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(settingsFrom({ [key]: raw })[field], expected);
    });
  }
});
