/**
 * Explaining a learner's statement on the lab's database: EXPLAIN (FORMAT JSON, ...) inside a transaction
 * that is always rolled back, so even EXPLAIN ANALYZE of an INSERT leaves the data as it was. Whether a
 * statement writes is decided first, so the editor can ask before analyzing it.
 */
import type { PostgresEndpoint } from '../checks/types';
import { closeClient, connectPostgres, describePostgresError, postgresErrorOf, queryText } from '../checks/postgres/connection';
import { planFromJson, type Plan } from './planModel';
import { explainable, statementBody } from './statementKinds';

export { explainable, statementWrites } from './statementKinds';

export interface ExplainOptions {
  /** Runs the statement (inside the rolled-back transaction) for real times and rows. */
  readonly analyze: boolean;
  readonly signal?: AbortSignal;
}

export interface ExplainResult {
  readonly plan: Plan;
  /** What PostgreSQL returned, to save in the lab's plan history. */
  readonly json: unknown;
  /** The EXPLAIN that ran. */
  readonly explain: string;
}

export async function explainStatement(endpoint: PostgresEndpoint, sql: string, options: ExplainOptions): Promise<ExplainResult> {
  const body = statementBody(sql);
  if (!explainable(body)) throw new Error(`PostgreSQL cannot explain this statement: EXPLAIN takes SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, EXECUTE or CREATE TABLE AS, not "${body.split(/\s+/).slice(0, 3).join(' ')}".`);
  const explain = `explain (format json, ${options.analyze ? 'analyze, buffers, ' : ''}verbose, settings) ${body}`;
  const signal = options.signal ?? new AbortController().signal;
  const client = await connectPostgres(endpoint, signal);
  try {
    await queryText(client, 'begin', signal);
    try {
      const result = await queryText(client, explain, signal);
      const json: unknown = JSON.parse(result.rows[0]?.[0] ?? 'null');
      return { plan: planFromJson(json), json, explain };
    } catch (error) {
      const postgres = postgresErrorOf(error);
      throw postgres ? new Error(`PostgreSQL could not explain the statement: ${describePostgresError(postgres)}`) : error;
    } finally {
      await queryText(client, 'rollback', signal).catch(() => undefined);
    }
  } finally {
    await closeClient(client);
  }
}
