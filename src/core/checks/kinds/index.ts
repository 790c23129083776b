/** Every check kind the engine runs, by name: one runner for each kind of the lab schema (CHECK_KINDS). */
import type { KindRegistry } from '../engine';
import { runCommandCheck } from './command';
import { runExplainCheck } from './explain';
import { runFileCheck } from './file';
import { runHttpCheck } from './http';
import { runKafkaCheck } from './kafka';
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
  kafka: runKafkaCheck,
};
