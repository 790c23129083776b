/** Every check kind the engine runs, by name. `kafka` arrives with the consumer-lag issue. */
import type { KindRegistry } from '../engine';
import { runCommandCheck } from './command';
import { runExplainCheck } from './explain';
import { runFileCheck } from './file';
import { runHttpCheck } from './http';
import { runMermaidCheck } from './mermaid';
import { runPytestCheck } from './pytest';
import { runSchemaCheck } from './schema';
import { runSqlCheck } from './sql';

export const CHECK_KIND_RUNNERS: KindRegistry = {
  pytest: runPytestCheck,
  sql: runSqlCheck,
  schema: runSchemaCheck,
  explain: runExplainCheck,
  command: runCommandCheck,
  http: runHttpCheck,
  file: runFileCheck,
  mermaid: runMermaidCheck,
};
