/**
 * A lab's checkSetup for PostgreSQL: re-create the lab's database, then run the lab's hidden SQL and
 * the learner's SQL files in order, statement by statement, as `psql -f` would. An error in the
 * learner's file fails every check on the service and names the file and line; an error in the lab's
 * own file is the lab's bug.
 */
import { join } from 'node:path';
import type { Client } from 'pg';
import type { SetupRunner } from '../engine';
import { CouldNotRunError, outcome, type CheckContext, type KindOutcome, type PostgresEndpoint } from '../types';
import {
  closeClient,
  connectPostgres,
  describePostgresError,
  describeServer,
  PostgresConnectError,
  postgresErrorOf,
  postgresService,
  queryText,
  quoteIdentifier,
} from './connection';
import { locateInStatement, splitSqlStatements } from './statements';
import { readIfExists } from '../readIfExists';

/** SQLSTATE classes and codes by which the lab's data fails to fit the learner's tables. */
const LEARNER_SHAPED = /^(22|23|42P01|42703|42804|42883|3F000)/;

/** Opens a maintenance connection: to `postgres`, or to `template1` where there is no `postgres` (or it is the lab's own). */
async function connectMaintenance(endpoint: PostgresEndpoint, signal: AbortSignal, serviceName: string): Promise<{ client: Client; database: string }> {
  if (endpoint.database !== 'postgres') {
    try {
      return { client: await connectPostgres(endpoint, signal, 'postgres', serviceName), database: 'postgres' };
    } catch (error) {
      if (!(error instanceof PostgresConnectError) || error.code !== '3D000') throw error;
    }
  }
  return { client: await connectPostgres(endpoint, signal, 'template1', serviceName), database: 'template1' };
}

/** Empties a server that has a single database: every schema of the learner's goes, public comes back empty. */
async function resetSchemas(endpoint: PostgresEndpoint, signal: AbortSignal, serviceName: string): Promise<void> {
  const client = await connectPostgres(endpoint, signal, undefined, serviceName);
  try {
    const schemas = await queryText(
      client,
      "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1",
      signal,
    );
    for (const [schema] of schemas.rows) {
      if (typeof schema === 'string') await queryText(client, `drop schema ${quoteIdentifier(schema)} cascade`, signal);
    }
    await queryText(client, 'create schema public', signal);
  } finally {
    await closeClient(client);
  }
}

/** Drops and re-creates the endpoint's database, ending any session still connected to it. */
async function resetDatabase(endpoint: PostgresEndpoint, signal: AbortSignal, serviceName: string): Promise<void> {
  if (endpoint.singleDatabase) {
    await resetSchemas(endpoint, signal, serviceName);
    return;
  }
  const { client, database } = await connectMaintenance(endpoint, signal, serviceName);
  const name = quoteIdentifier(endpoint.database);
  try {
    try {
      await queryText(client, `drop database if exists ${name} with (force)`, signal);
    } catch (error) {
      // Before PostgreSQL 13 there is no WITH (FORCE): end the sessions, then drop.
      if (postgresErrorOf(error)?.code !== '42601') throw error;
      await queryText(
        client,
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${endpoint.database.replace(/'/g, "''")}' and pid <> pg_backend_pid()`,
        signal,
      );
      await queryText(client, `drop database if exists ${name}`, signal);
    }
    // template1 cannot be copied while this connection is in it.
    await queryText(client, `create database ${name}${database === 'template1' ? ' template template0' : ''}`, signal);
  } catch (error) {
    const reported = postgresErrorOf(error);
    if (!reported || signal.aborted) throw error;
    throw new CouldNotRunError(`${describeServer(endpoint, serviceName)} could not re-create the database "${endpoint.database}": ${describePostgresError(reported)}`);
  } finally {
    await closeClient(client);
  }
}

interface SetupFile {
  /** The path as a message shows it: relative to the lab package or to the learner's lab folder. */
  readonly shown: string;
  readonly absolute: string;
  readonly fromLab: boolean;
}

function setupFile(entry: string, context: CheckContext): SetupFile {
  if (entry.startsWith('lab:')) {
    const shown = entry.slice('lab:'.length);
    return { shown, absolute: join(context.labPackageDir, shown), fromLab: true };
  }
  const shown = entry.slice('workspace:'.length);
  return { shown, absolute: join(context.workDir, shown), fromLab: false };
}


/** Runs one setup file on a fresh connection. Undefined when it ran through, else the verdict for the service's checks. */
async function runSetupFile(file: SetupFile, endpoint: PostgresEndpoint, serviceName: string, context: CheckContext, afterLearnerFile: boolean): Promise<KindOutcome | undefined> {
  const text = await readIfExists(file.absolute);
  if (text === undefined) {
    if (file.fromLab) return outcome.couldNotRun(`the lab's setup file ${file.shown} is missing, so the lab package is broken: reinstall or update Data Engineering Labs`);
    return outcome.failed(`${file.shown} is missing from your lab folder.`, { location: { file: file.shown, line: 1 } });
  }
  const client = await connectPostgres(endpoint, context.signal, undefined, serviceName);
  try {
    for (const statement of splitSqlStatements(text)) {
      try {
        await queryText(client, statement.text, context.signal);
      } catch (error) {
        const reported = postgresErrorOf(error);
        if (!reported || context.signal.aborted) throw error;
        const { line, column } = locateInStatement(text, statement, reported.position);
        if (!file.fromLab) {
          return outcome.failed(`${file.shown} line ${line}: ${describePostgresError(reported)}`, { location: { file: file.shown, line, column } });
        }
        // The lab's data loaded into the learner's tables can fail because of those tables.
        if (afterLearnerFile && LEARNER_SHAPED.test(reported.code)) {
          return outcome.failed(`the lab's data (${file.shown}) does not fit your tables: ${describePostgresError(reported)}`);
        }
        return outcome.couldNotRun(`the lab's own setup file ${file.shown} failed at line ${line}: ${describePostgresError(reported)} This is a bug in the lab.`);
      }
    }
    return undefined;
  } finally {
    await closeClient(client);
  }
}

/**
 * Runs one checkSetup entry: re-creates the database when it says resetDatabase, then runs its SQL
 * files in order, each on its own connection. Returns undefined when all of it ran.
 */
export const runPostgresSetup: SetupRunner = async (setup, context) => {
  const service = await postgresService(context, setup.service);
  if (setup.resetDatabase) {
    await service.close();
    await resetDatabase(service.endpoint, context.signal, setup.service);
  }
  let afterLearnerFile = false;
  for (const entry of setup.sql) {
    const file = setupFile(entry, context);
    const verdict = await runSetupFile(file, service.endpoint, setup.service, context, afterLearnerFile);
    if (verdict) return verdict;
    if (!file.fromLab) afterLearnerFile = true;
  }
  return undefined;
};
