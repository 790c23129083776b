/** The mermaid kind with the real mermaid parser: lab 05's ER diagram, flowcharts, parse errors at file lines, other diagram kinds. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runLabChecks } from '../../src/core/checks/engine';
import { runMermaidCheck } from '../../src/core/checks/kinds/mermaid';
import type { CheckResult } from '../../src/core/checks/types';
import type { LabManifest } from '../../src/core/labs/labSchema';
import { kindTestLab, NO_SERVICES, realLab, scratchFolders } from '../support/checkFixture';
import { layered } from '../support/labLayers';

const scratchRoot = scratchFolders('delabs-mermaid-kind-');
const scratch = scratchRoot.root;
const workDir = (files: Readonly<Record<string, string>>): string => scratchRoot.folder(files);

function manifest(checks: unknown[]): LabManifest {
  return kindTestLab('mermaid', checks, { languages: ['markdown'], scaffold: { open: ['model.md'] } });
}

const mermaidCheck = (id: string, path: string, diagram: string, expect?: Record<string, unknown>): Record<string, unknown> => ({
  id,
  title: `check ${id}`,
  kind: 'mermaid',
  path,
  diagram,
  ...(expect ? { expect } : {}),
});

async function run(lab: LabManifest, dir: string): Promise<Array<Record<string, unknown>>> {
  const result = await runLabChecks({
    manifest: lab,
    labPackageDir: join(scratch, 'package'),
    workDir: dir,
    python: 'python3',
    resolver: NO_SERVICES,
    kinds: { mermaid: runMermaidCheck },
    defaultTimeoutSeconds: 60,
  });
  return result.results.map(({ id, status, message, expected, actual, location }: CheckResult) => ({ id, status, message, expected, actual, location }));
}

describe("lab 05's er-diagram check", () => {
  const { manifest: lab, dir: labDir } = realLab('05-normalization-er');
  const check = lab.checks.find((candidate) => candidate.id === 'er-diagram');
  const only: LabManifest = { ...lab, checks: check ? [check] : [] };
  const withLayers = (layers: readonly string[]): string => layered(labDir, layers, workDir({}));
  const expected =
    'entities: authors, books, customers, order_lines, orders, postcodes\n' +
    'relationships: authors -- books, books -- order_lines, customers -- orders, orders -- order_lines, postcodes -- customers';

  it('passes the reference solution', async () => {
    assert.equal(check?.kind, 'mermaid');
    assert.deepEqual(await run(only, withLayers(['starter', 'solution'])), [
      { id: 'er-diagram', status: 'passed', message: 'model.md has an erDiagram that parses, with the expected contents.', expected: undefined, actual: undefined, location: undefined },
    ]);
  });

  it("fails the starter's one-table diagram, listing what is missing", async () => {
    assert.deepEqual(await run(only, withLayers(['starter'])), [
      {
        id: 'er-diagram',
        status: 'failed',
        message:
          'the erDiagram in model.md is missing 5 entities (postcodes, customers, authors, books, orders) and 5 relationships ' +
          '(postcodes -- customers, customers -- orders, orders -- order_lines, books -- order_lines, authors -- books).',
        expected,
        actual: 'entities: order_lines\nrelationships: (none)',
        location: { file: 'model.md', line: 23 },
      },
    ]);
  });

  it('fails a diagram that is out of date with the schema', async () => {
    assert.deepEqual(await run(only, withLayers(['starter', 'solution', 'wrong/diagram-out-of-date'])), [
      {
        id: 'er-diagram',
        status: 'failed',
        message: 'the erDiagram in model.md is missing 2 entities (postcodes, authors) and 2 relationships (postcodes -- customers, authors -- books).',
        expected,
        actual: 'entities: books, customers, order_lines, orders\nrelationships: books -- order_lines, customers -- orders, orders -- order_lines',
        location: { file: 'model.md', line: 38 },
      },
    ]);
  });
});

const BROKEN_MODEL = `# Model

Some text.

\`\`\`mermaid
---
title: Shop
---
%% the tables
erDiagram
    customers ||--o{ orders : places
    orders }}}} lines
\`\`\`
`;

const PIPELINE = `graph TD
  extract[Extract] --> transform
  %% the middle
  transform --> load
  load -.-> report
`;

describe('mermaid checks', () => {
  it('reports a parse error at its line in the file, past front matter and comments, and keeps the console quiet', async () => {
    const dir = workDir({ 'model.md': BROKEN_MODEL });
    const logged: unknown[] = [];
    const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) console[name] = (...args: unknown[]) => logged.push(args);
    let results: Array<Record<string, unknown>>;
    try {
      results = await run(manifest([mermaidCheck('er', 'model.md', 'erDiagram', { entities: ['customers'] })]), dir);
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(results, [
      {
        id: 'er',
        status: 'failed',
        message: 'the erDiagram in model.md does not parse: Parse error on line 12: unexpected "}".',
        expected: 'an erDiagram that parses',
        actual: 'Parse error on line 12: unexpected "}"',
        location: { file: 'model.md', line: 12 },
      },
    ]);
    assert.deepEqual(logged, []);
  });

  it('checks flowchart nodes and edges in a .mmd file, in either direction; graph counts as a flowchart', async () => {
    const dir = workDir({ 'pipeline.mmd': PIPELINE });
    const results = await run(
      manifest([
        mermaidCheck('ok', 'pipeline.mmd', 'flowchart', { entities: ['extract', 'transform', 'load', 'report'], relationships: [['transform', 'extract'], ['load', 'transform']] }),
        mermaidCheck('missing', 'pipeline.mmd', 'flowchart', { entities: ['extract', 'audit'], relationships: [['extract', 'load']] }),
        mermaidCheck('parses', 'pipeline.mmd', 'flowchart'),
        mermaidCheck('other-kind', 'pipeline.mmd', 'erDiagram'),
      ]),
      dir,
    );
    assert.deepEqual(results, [
      { id: 'ok', status: 'passed', message: 'pipeline.mmd has a flowchart that parses, with the expected contents.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'missing',
        status: 'failed',
        message: 'the flowchart in pipeline.mmd is missing 1 node (audit) and 1 edge (extract -- load).',
        expected: 'nodes: audit, extract\nedges: extract -- load',
        actual: 'nodes: extract, load, report, transform\nedges: extract -- transform, load -- report, transform -- load',
        location: { file: 'pipeline.mmd', line: 1 },
      },
      { id: 'parses', status: 'passed', message: 'pipeline.mmd has a flowchart that parses.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'other-kind',
        status: 'failed',
        message: 'pipeline.mmd is not an erDiagram.',
        expected: 'an erDiagram',
        actual: 'a diagram of another kind: graph',
        location: { file: 'pipeline.mmd', line: 1 },
      },
    ]);
  });

  it('finds the block of the right kind among several, and passes when one of them holds', async () => {
    const doc = [
      '# Notes',
      '```mermaid',
      'flowchart LR',
      '  a --> b',
      '```',
      '',
      '```mermaid',
      'erDiagram',
      '  customers ||--o{ orders : places',
      '  orders }}}} x',
      '```',
      '',
      '~~~mermaid',
      'erDiagram',
      '  customers ||--o{ orders : places',
      '~~~',
      '',
    ].join('\n');
    const dir = workDir({ 'notes.md': doc, 'empty.md': '# Nothing here\n', 'flow.md': '```mermaid\nflowchart LR\n  a --> b\n```\n' });
    const results = await run(
      manifest([
        mermaidCheck('er', 'notes.md', 'erDiagram', { entities: ['customers', 'orders'], relationships: [['orders', 'customers']] }),
        mermaidCheck('no-block', 'empty.md', 'erDiagram'),
        mermaidCheck('wrong-kind', 'flow.md', 'erDiagram'),
        mermaidCheck('no-file', 'missing.md', 'erDiagram'),
      ]),
      dir,
    );
    assert.deepEqual(results, [
      { id: 'er', status: 'passed', message: 'notes.md has an erDiagram that parses, with the expected contents.', expected: undefined, actual: undefined, location: undefined },
      {
        id: 'no-block',
        status: 'failed',
        message: 'empty.md has no erDiagram block.',
        expected: 'a ```mermaid block with an erDiagram',
        actual: 'no ```mermaid block',
        location: { file: 'empty.md', line: 1 },
      },
      {
        id: 'wrong-kind',
        status: 'failed',
        message: 'flow.md has no erDiagram block.',
        expected: 'a ```mermaid block with an erDiagram',
        actual: 'mermaid blocks of another kind: flowchart',
        location: { file: 'flow.md', line: 1 },
      },
      { id: 'no-file', status: 'failed', message: 'missing.md is not in the lab folder.', expected: 'a file missing.md', actual: 'no such file', location: undefined },
    ]);
  });

  it('reads sequence, class and state diagrams (stateDiagram-v2 counts as stateDiagram)', async () => {
    const dir = workDir({
      'sequence.mmd': 'sequenceDiagram\n  participant producer\n  producer->>broker: publish\n  broker-->>consumer: deliver\n',
      'classes.mmd': 'classDiagram\n  Source <|-- CsvSource\n  class CsvSource {\n    +read()\n  }\n',
      'states.mmd': 'stateDiagram-v2\n  [*] --> queued\n  queued --> running: start\n  running --> done\n',
    });
    const results = await run(
      manifest([
        mermaidCheck('sequence', 'sequence.mmd', 'sequenceDiagram', { entities: ['producer', 'broker', 'consumer'], relationships: [['consumer', 'broker']] }),
        mermaidCheck('classes', 'classes.mmd', 'classDiagram', { entities: ['Source', 'CsvSource'], relationships: [['Source', 'CsvSource']] }),
        mermaidCheck('states', 'states.mmd', 'stateDiagram', { entities: ['queued', 'running', 'done'], relationships: [['running', 'queued']] }),
        mermaidCheck('states-missing', 'states.mmd', 'stateDiagram', { relationships: [['done', 'queued']] }),
      ]),
      dir,
    );
    assert.deepEqual(results.slice(0, 3).map(({ status }) => status), ['passed', 'passed', 'passed']);
    assert.deepEqual(results[3], {
      id: 'states-missing',
      status: 'failed',
      message: 'the stateDiagram in states.mmd is missing 1 transition (done -- queued).',
      expected: 'transitions: done -- queued',
      actual: 'transitions: [*] -- queued, queued -- running, running -- done',
      location: { file: 'states.mmd', line: 1 },
    });
  });
});
