/**
 * The lab format (docs/lab-format.md) as code: the one source of truth for lab.yaml and levels.yaml.
 * The TypeScript types are inferred from it, `labJsonSchema()` exports it for editors, and the loader
 * validates every lab with it.
 */
import * as z from 'zod';

export const LAB_SCHEMA_VERSION = 1;

const kebab = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'must be kebab-case: lower-case letters, digits and single hyphens' });

const relativePath = z
  .string()
  .min(1)
  .refine((value) => !value.startsWith('/') && !value.split(/[\\/]/).includes('..') && !/^[a-zA-Z]:/.test(value), {
    error: 'must be a relative path inside the lab, without ".."',
  });

/** A hidden file of the lab package: always under checks/. */
const labCheckFile = relativePath.refine((value) => value.startsWith('checks/'), { error: 'must be a file under checks/' });

const timeoutSeconds = z.number().int().min(1).max(1800).describe('Time limit for this check in seconds; the default comes from the setting dataEngLabs.checks.timeoutSeconds.');

const checkBase = {
  id: kebab.describe('Unique within the lab; the brief names the check by it.'),
  title: z.string().min(3).max(160).describe('What passing proves, in one sentence.'),
  hint: z.string().min(3).optional().describe('Shown to the learner when the check fails.'),
  timeoutSeconds: timeoutSeconds.optional(),
  eventually: z
    .boolean()
    .optional()
    .describe('For pipelines that settle over time: retry the check until it passes or its time limit ends, and report the last value seen.'),
  pollSeconds: z.number().min(0.1).max(60).optional().describe('With eventually: seconds between tries (default 1).'),
};

const service = kebab.describe('A service of the lab (services[].name), never a host or port.');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const pytestCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('pytest'),
  file: labCheckFile.describe('The hidden test file, e.g. checks/test_leaderboard.py.'),
  test: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)?$/, { error: 'must be a test name: test_name or TestClass::test_name' }),
  services: z
    .array(service)
    .optional()
    .describe('Services the test talks to: each must answer first (else the check could not run). Every service of the lab reaches the test as DELABS_SERVICE_<NAME>_URL either way.'),
});

/** The learner's query, for the sql and explain kinds (src/core/checks/kinds/learnerQuery.ts). */
const learnerQueryFields = {
  queryFile: relativePath.optional().describe("The learner's query file, relative to the lab folder; its last statement is the query, unless queryName picks another."),
  queryName: z
    .string()
    .regex(/^\S+$/, { error: 'must be one word, as on the `-- query: <name>` line' })
    .optional()
    .describe('The statement of queryFile under the line `-- query: <name>` (or `-- name: <name>`, as aiosql and sqlc write it).'),
};

/** A check with the lab's `query` or the learner's `queryFile` (and maybe `queryName`): exactly one of the two. */
function learnerQueryRules<T extends z.ZodType<{ query?: string | undefined; queryFile?: string | undefined; queryName?: string | undefined }>>(check: T): T {
  return check
    .refine((value) => (value.query === undefined) !== (value.queryFile === undefined), { error: 'needs exactly one of query and queryFile' })
    .refine((value) => value.queryName === undefined || value.queryFile !== undefined, { error: 'queryName names a query of queryFile: give the file too' });
}

const sqlCheck = learnerQueryRules(
  z.strictObject({
    ...checkBase,
    kind: z.literal('sql'),
    service,
    query: z.string().min(1).optional().describe('The query to run.'),
    ...learnerQueryFields,
    expect: z.union(
      [z.strictObject({ scalar }), z.strictObject({ rows: z.array(z.array(scalar)) }), z.strictObject({ rowCount: z.number().int().min(0) })],
      { error: 'must be exactly one of { scalar: value }, { rows: [[...], ...] } or { rowCount: n }' },
    ),
    ordered: z.boolean().optional().describe('Compare rows in order (default: any order).'),
  }),
);

const schemaCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('schema'),
  service,
  table: z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, { error: 'must be a table name, optionally schema.table, in lower case' }),
  expect: z.strictObject({
    columns: z.array(z.string().min(1)).optional(),
    primaryKey: z.array(z.string().min(1)).optional(),
    foreignKeys: z
      .array(
        z.strictObject({
          columns: z.array(z.string().min(1)).min(1),
          references: z.string().min(1),
          referencedColumns: z.array(z.string().min(1)).optional(),
        }),
      )
      .optional(),
    unique: z.array(z.array(z.string().min(1)).min(1)).optional(),
    notNull: z.array(z.string().min(1)).optional(),
  }),
});

const explainCheck = learnerQueryRules(
  z.strictObject({
    ...checkBase,
    kind: z.literal('explain'),
    service,
    query: z.string().min(1).optional().describe('The query to explain (its last statement).'),
    ...learnerQueryFields,
    expect: z.union(
      [
        z.strictObject({ usesIndexOn: z.string().min(1) }),
        z.strictObject({ noSeqScanOn: z.string().min(1) }),
        z.strictObject({ nodeType: z.string().min(1) }),
        z.strictObject({
          costBelow: z.number().positive().describe("The plan's total cost must be below this fraction of the baseline's (0.5: under half)."),
          baseline: z.union([
            z.strictObject({ query: z.string().min(1).describe('Another query, e.g. the slow one the learner rewrites.') }),
            z.strictObject({ withoutIndexesOn: z.string().min(1).describe('The same query with the indexes on this table dropped (in a rolled-back transaction); primary keys and unique constraints stay.') }),
          ]),
        }),
      ],
      { error: 'must be exactly one of { usesIndexOn: table }, { noSeqScanOn: table }, { nodeType: name } or { costBelow: fraction, baseline: { query } | { withoutIndexesOn: table } }' },
    ),
  }),
);

const commandCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('command'),
  run: z.array(z.string().min(1)).min(1).describe('The command and its arguments (no shell).'),
  cwd: relativePath.optional(),
  expect: z.strictObject({
    exitCode: z.number().int().optional(),
    stdoutContains: z.string().optional(),
    stdoutMatches: z.string().optional(),
  }),
});

const httpCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('http'),
  service,
  path: z.string().startsWith('/'),
  expect: z.strictObject({ status: z.number().int().optional(), jsonPath: z.string().optional(), equals: z.unknown().optional() }),
});

const fileCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('file'),
  path: relativePath,
  expect: z.strictObject({
    exists: z.boolean().optional(),
    parses: z.enum(['json', 'yaml', 'csv']).optional(),
    contains: z.array(z.string()).optional(),
    matches: z.string().optional(),
  }),
});

const mermaidCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('mermaid'),
  path: relativePath,
  diagram: z.enum(['erDiagram', 'flowchart', 'sequenceDiagram', 'classDiagram', 'stateDiagram']),
  expect: z
    .strictObject({
      entities: z.array(z.string().min(1)).optional(),
      relationships: z.array(z.tuple([z.string().min(1), z.string().min(1)])).optional(),
    })
    .optional(),
});

/** The expectations a kafka check can hold: any of them, at least one. */
const KAFKA_EXPECTATIONS = ['partitions', 'minMessages', 'messages', 'keyed', 'distinctKeys', 'maxLag', 'schema'] as const;

const kafkaCheck = z.strictObject({
  ...checkBase,
  kind: z.literal('kafka'),
  service: service.describe('A Kafka service of the lab (services[].name with kind: kafka), never a host or port.'),
  topic: z.string().min(1).describe('The topic the check looks at.'),
  expect: z
    .strictObject({
      partitions: z.number().int().min(1).optional().describe('The topic has exactly this many partitions.'),
      minMessages: z.number().int().min(0).optional().describe('The topic holds at least this many messages (log end minus earliest offset, summed over its partitions).'),
      messages: z.number().int().min(0).optional().describe('The topic holds exactly this many messages.'),
      keyed: z.literal(true, { error: 'must be true; leave keyed out to not check the keys' }).optional().describe('Every message of the topic has a key.'),
      distinctKeys: z.number().int().min(0).optional().describe('The messages have exactly this many distinct keys (messages without a key count for none).'),
      maxLag: z
        .strictObject({
          group: z.string().min(1).describe('The consumer group.'),
          lag: z.number().int().min(0).describe('The most messages the group may be behind, over the partitions of the topic.'),
        })
        .optional()
        .describe('The consumer group has committed an offset on every partition of the topic, and its total lag there is at most `lag`.'),
      schema: labCheckFile
        .refine((value) => value.endsWith('.json'), { error: 'must be a .json file under checks/' })
        .optional()
        .describe('A JSON Schema (draft-07, 2019-09 or 2020-12) in a hidden file, e.g. checks/order.schema.json: every message value is JSON that it accepts.'),
    })
    .refine((expect) => KAFKA_EXPECTATIONS.some((name) => expect[name] !== undefined), {
      error: `needs at least one of ${KAFKA_EXPECTATIONS.join(', ')}`,
    }),
});

export const CHECK_KINDS = ['pytest', 'sql', 'schema', 'explain', 'command', 'http', 'file', 'mermaid', 'kafka'] as const;

export const checkSchema = z.discriminatedUnion(
  'kind',
  [pytestCheck, sqlCheck, schemaCheck, explainCheck, commandCheck, httpCheck, fileCheck, mermaidCheck, kafkaCheck],
  { error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${CHECK_KINDS.join(', ')}` : undefined) },
);

export const SERVICE_KINDS = ['postgres', 'kafka', 'redis', 'minio', 'mongodb', 'spark', 'airflow', 'http', 'other'] as const;

const serviceSchema = z.strictObject({
  name: service.describe('A service name in the lab\'s compose.yaml.'),
  kind: z.enum(SERVICE_KINDS),
  database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a lower-case database name' }).optional(),
  embedded: z.boolean().optional().describe('PostgreSQL only: may run on the embedded PostgreSQL when Docker is absent.'),
});

const setupSqlEntry = z
  .string()
  .regex(/^(workspace|lab):/, { error: 'must start with workspace: (a learner file) or lab: (a hidden file under checks/)' })
  .refine((value) => !value.startsWith('lab:') || value.slice(4).startsWith('checks/'), { error: 'a lab: file must be under checks/' })
  .refine((value) => !value.includes('..'), { error: 'must not contain ".."' });

export const labSchema = z.strictObject({
  schemaVersion: z.literal(LAB_SCHEMA_VERSION, { error: `must be ${LAB_SCHEMA_VERSION}` }),
  id: kebab.describe('Unique across labs; the lab folder is NN-<id>.'),
  number: z.number().int().min(1).max(60).describe('The lab\'s number in the curriculum, 1 to 60.'),
  level: z.number().int().min(1).max(13).describe('The level of levels.yaml the lab belongs to.'),
  title: z.string().min(3).max(80),
  summary: z.string().min(10).max(240),
  skills: z.array(z.string().min(2)).min(1).max(8),
  estimatedMinutes: z.number().int().min(5).max(1200),
  languages: z.array(z.enum(['python', 'sql', 'java', 'scala', 'yaml', 'bash', 'markdown'])).min(1),
  prerequisites: z.array(kebab).describe('Ids of labs to do first.'),
  services: z.array(serviceSchema),
  python: z.strictObject({ requirements: relativePath.describe('A file in starter/ with every version pinned with ==.') }).optional(),
  scaffold: z.strictObject({ open: z.array(relativePath).min(1).describe('Starter files opened after scaffolding; the first is the main file.') }),
  visualisations: z.array(z.enum(['explain', 'er', 'lag'])).optional(),
  hints: z.array(z.string().min(3)).optional(),
  checkSetup: z
    .array(
      z.strictObject({
        service,
        resetDatabase: z.boolean().optional(),
        sql: z.array(setupSqlEntry).min(1),
      }),
    )
    .optional(),
  checks: z.array(checkSchema).min(1),
});

export const levelsSchema = z.strictObject({
  levels: z
    .array(
      z.strictObject({
        number: z.number().int().min(1).max(13),
        title: z.string().min(3),
        goal: z.string().min(10),
      }),
    )
    .length(13, { error: 'must list the 13 levels' }),
});

export type LabManifest = z.infer<typeof labSchema>;
export type CheckDefinition = z.infer<typeof checkSchema>;
export type ServiceDefinition = z.infer<typeof serviceSchema>;
export type Level = z.infer<typeof levelsSchema>['levels'][number];

/** The lab manifest's JSON Schema, for editors and tooling (written to dist/lab.schema.json by the build). */
export function labJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(labSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://data-eng-labs.invalid/lab.schema.json',
    title: 'Data Engineering Labs: lab.yaml',
  };
}
