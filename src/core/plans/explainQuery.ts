/**
 * Explaining a learner's statement on the lab's database: EXPLAIN (FORMAT JSON, ...) inside a transaction
 * that is always rolled back, so even EXPLAIN ANALYZE of an INSERT leaves the data as it was. Whether a
 * statement writes is decided first, so the editor can ask before analyzing it.
 */
import type { PostgresEndpoint } from '../checks/types';
import { closeClient, connectPostgres, describePostgresError, postgresErrorOf, queryText } from '../checks/postgres/connection';
import { planFromJson, type Plan } from './planModel';

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

const WRITING = /^(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|comment|vacuum|analyze|cluster|reindex|refresh|copy|call|do|lock)\b/i;

/** The statement without leading comments and blanks, and without a trailing `;`. */
function statementBody(sql: string): string {
  return sql
    .replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '')
    .trim()
    .replace(/;\s*$/, '');
}

/** Whether running the statement changes something (data, schema, settings): such an Analyze asks first. */
export function statementWrites(sql: string): boolean {
  const body = statementBody(sql);
  if (/^with\b/i.test(body)) return /\b(insert|update|delete|merge)\b/i.test(body);
  // SELECT ... INTO creates a table.
  if (/^select\b/i.test(body)) return /\binto\b/i.test(body);
  return WRITING.test(body);
}

/** Whether EXPLAIN can take the statement at all (not DDL, not a transaction command). */
export function explainable(sql: string): boolean {
  return /^(select|insert|update|delete|merge|values|table|with|execute|declare|create\s+table\s+\S+\s+as|create\s+materialized\s+view)\b/i.test(statementBody(sql));
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
