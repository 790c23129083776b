/**
 * The small Docker images the Docker tests run, built locally from what is installed on this machine
 * (nothing is pulled from a registry):
 *
 * - busybox: Debian's static busybox on `scratch`, with its applet links in /bin and a /tmp;
 * - postgres: Debian's PostgreSQL server and client binaries (pg_basebackup too, for a streaming
 *   replica) and bash, with every library they load, on the busybox image, behind an entrypoint that keeps the official `postgres` image's contract
 *   (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, POSTGRES_HOST_AUTH_METHOD, POSTGRES_INITDB_ARGS,
 *   PGDATA, /docker-entrypoint-initdb.d, STOPSIGNAL SIGINT), so a compose file written for
 *   `postgres:16.6` runs against it unchanged.
 *
 * Each image carries the label org.delabs.test.hash, a digest of what it is built from; ensureTestImages
 * builds only the images whose tag is missing or carries another digest, so a second run costs two
 * inspections.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Dockerode from 'dockerode';

/** tar-fs ships no types; the one function we use. */
const { pack } = createRequire(__filename)('tar-fs') as { pack(dir: string): NodeJS.ReadableStream };

export const HASH_LABEL = 'org.delabs.test.hash';

const BUSYBOX_CANDIDATES = ['/usr/bin/busybox', '/bin/busybox'];
const POSTGRES_ROOT = '/usr/lib/postgresql';
/** The programs the postgres image carries; the first five are the ones the image's contract needs. */
const POSTGRES_PROGRAMS = ['postgres', 'initdb', 'pg_ctl', 'pg_isready', 'psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'createdb', 'dropdb', 'createuser', 'dropuser', 'pg_controldata', 'pg_basebackup'];
/** The official image is Debian with bash, and compose files call it (`entrypoint: ["bash", "-c"]`): the host's bash, with its libraries. */
const BASH_CANDIDATES = ['/usr/bin/bash', '/bin/bash'];
/** Server modules left out: the LLVM JIT alone would add 130 MB (PostgreSQL runs without it, JIT off). */
const SKIPPED_MODULES = new Set(['llvmjit.so']);
const ZONEINFO = '/usr/share/zoneinfo';
const POSTGRES_UID = 999;

// ---------------------------------------------------------------------------------------------------
// What the images are built from

const BUSYBOX_DOCKERFILE = `# delabs-test busybox, recipe 1
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "-m", "1777", "/tmp"]
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
`;

function postgresDockerfile(busyboxTag: string, major: string): string {
  return `# delabs-test postgres, recipe 3
FROM ${busyboxTag}
COPY rootfs/ /
RUN ["/bin/sh", "-c", "mkdir -p /var/lib/postgresql/data /var/run/postgresql /docker-entrypoint-initdb.d && chown -R ${POSTGRES_UID}:${POSTGRES_UID} /var/lib/postgresql /var/run/postgresql && chmod 1777 /var/lib/postgresql/data && chmod 3777 /var/run/postgresql && chmod 755 /usr/local/bin/docker-entrypoint.sh"]
ENV PATH=/usr/lib/postgresql/${major}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
`;
}

const PASSWD = `root:x:0:0:root:/root:/bin/sh
postgres:x:${POSTGRES_UID}:${POSTGRES_UID}:PostgreSQL administrator:/var/lib/postgresql:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`;
const GROUP = `root:x:0:
postgres:x:${POSTGRES_UID}:
nogroup:x:65534:
`;
const NSSWITCH = 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n';

/**
 * The official image's docker-entrypoint.sh, reduced to what busybox offers: busybox has no gosu and
 * its setpriv cannot change users, so the root half re-runs this script as postgres through `su -p`,
 * which keeps the environment and execs (PID 1 ends up being postgres itself).
 */
const ENTRYPOINT = `#!/bin/sh
# delabs-test postgres entrypoint: the official postgres image's contract on busybox.
set -eu

ME=/usr/local/bin/docker-entrypoint.sh

# file_env VAR [DEFAULT]: VAR from VAR or from the file VAR_FILE names (Docker secrets), else DEFAULT.
file_env() {
  fe_var=$1
  fe_file_var="\${1}_FILE"
  fe_default=\${2:-}
  eval "fe_value=\\\${$fe_var:-} fe_file=\\\${$fe_file_var:-}"
  if [ -n "$fe_value" ] && [ -n "$fe_file" ]; then
    echo "error: both $fe_var and $fe_file_var are set (but are exclusive)" >&2
    exit 1
  fi
  if [ -n "$fe_file" ]; then
    fe_value=$(cat "$fe_file")
  elif [ -z "$fe_value" ]; then
    fe_value=$fe_default
  fi
  export "$fe_var=$fe_value"
  unset "$fe_file_var"
}

# "docker run image -c fsync=off" means postgres with those options.
if [ "\${1:-}" = "" ] || [ "\${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi

: "\${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  find "$PGDATA" /var/run/postgresql \\! -user postgres -exec chown postgres:postgres '{}' +
  chmod 700 "$PGDATA" 2>/dev/null || :
  chmod 3777 /var/run/postgresql 2>/dev/null || :
  # POSIXLY_CORRECT: su's options end at the user, so the server's own "-c name=value" reach postgres
  # (without it busybox su takes a later -c for its command, and the container exits 0 having run nothing).
  export POSIXLY_CORRECT=1
  exec su -p -s /bin/sh postgres -c 'exec "$0" "$@"' "$ME" "$@"
fi
unset POSIXLY_CORRECT

if [ "$1" = postgres ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "\${POSTGRES_HOST_AUTH_METHOD:=}"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA" 2>/dev/null || :

  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
      cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOM
      exit 1
    fi

    # Word splitting of POSTGRES_INITDB_ARGS is wanted, as in the official image.
    if [ -n "$POSTGRES_PASSWORD" ]; then
      pwfile=$(mktemp)
      printf '%s\\n' "$POSTGRES_PASSWORD" > "$pwfile"
      initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --locale=C --encoding=UTF8 $POSTGRES_INITDB_ARGS
      rm -f "$pwfile"
    else
      initdb --username="$POSTGRES_USER" --locale=C --encoding=UTF8 $POSTGRES_INITDB_ARGS
    fi

    printf "\\nlisten_addresses = '*'\\n" >> "$PGDATA/postgresql.conf"
    printf '\\nhost all all all %s\\n' "\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"

    # A private server for the first-run setup, on a socket of its own: a healthcheck's pg_isready (on the
    # default socket) must not take it for the real server, which starts only once setup is done.
    export PGHOST=/tmp/delabs-init-socket
    mkdir -p "$PGHOST"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$PGHOST -p \${PGPORT:-5432}" -w start

    run_psql() {
      psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
    }
    if [ "$POSTGRES_DB" != postgres ]; then
      run_psql --dbname postgres --set db="$POSTGRES_DB" <<'EOSQL'
create database :"db" ;
EOSQL
    fi
    echo
    for f in /docker-entrypoint-initdb.d/*; do
      [ -e "$f" ] || continue
      case "$f" in
        *.sh)
          if [ -x "$f" ]; then
            echo "$ME: running $f"
            "$f"
          else
            echo "$ME: sourcing $f"
            . "$f"
          fi
          ;;
        *.sql) echo "$ME: running $f"; run_psql --dbname "$POSTGRES_DB" -f "$f" ;;
        *.sql.gz) echo "$ME: running $f"; gunzip -c "$f" | run_psql --dbname "$POSTGRES_DB" ;;
        *.sql.xz) echo "$ME: running $f"; xzcat "$f" | run_psql --dbname "$POSTGRES_DB" ;;
        *) echo "$ME: ignoring $f" ;;
      esac
      echo
    done

    pg_ctl -D "$PGDATA" -m fast -w stop
    unset PGHOST
    echo
    echo 'PostgreSQL init process complete; ready for start up.'
    echo
  else
    echo
    echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
    echo
  fi
fi

exec "$@"
`;

// ---------------------------------------------------------------------------------------------------
// What is installed on this machine

interface Busybox {
  readonly path: string;
  readonly version: string;
  readonly digest: string;
}

interface Postgres {
  readonly major: string;
  /** e.g. 15.18 */
  readonly version: string;
  /** `postgres --version`, e.g. postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1) */
  readonly banner: string;
  readonly binDir: string;
  readonly libDir: string;
  readonly shareDir: string;
}

const BUSYBOX_MISSING = "Debian's static busybox is not installed on this machine: apt-get install busybox-static";
const POSTGRES_MISSING = 'PostgreSQL is not installed on this machine: apt-get install postgresql';

let busyboxFound: Busybox | undefined;
function findBusybox(): Busybox {
  if (busyboxFound) return busyboxFound;
  const path = BUSYBOX_CANDIDATES.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new Error(`${BUSYBOX_MISSING} (no ${BUSYBOX_CANDIDATES.join(' or ')})`);
  // A busybox linked against the host's libraries would not run on scratch.
  const ldd = spawnSync('ldd', [path], { encoding: 'utf8' });
  if (ldd.error === undefined && ldd.status === 0 && !/not a dynamic executable|statically linked/.test(ldd.stdout + ldd.stderr)) {
    throw new Error(`${path} is a dynamically linked busybox, which cannot run on an empty image. ${BUSYBOX_MISSING}`);
  }
  const banner = spawnSync(path, [], { encoding: 'utf8' });
  const version = /BusyBox v(\d+(?:\.\d+)*)/.exec(`${banner.stdout ?? ''}${banner.stderr ?? ''}`)?.[1];
  if (version === undefined) throw new Error(`${path} does not say which BusyBox version it is (${banner.error?.message ?? (banner.stdout || banner.stderr || 'no output').split('\n')[0]})`);
  busyboxFound = { path, version, digest: createHash('sha256').update(readFileSync(path)).digest('hex') };
  return busyboxFound;
}

let postgresFound: Postgres | undefined;
function findPostgres(): Postgres {
  if (postgresFound) return postgresFound;
  const majors = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(POSTGRES_ROOT, name, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const major = majors[0];
  if (major === undefined) throw new Error(`${POSTGRES_MISSING} (no ${POSTGRES_ROOT}/<version>/bin/postgres)`);
  const binDir = join(POSTGRES_ROOT, major, 'bin');
  const shareDir = join('/usr/share/postgresql', major);
  if (!existsSync(join(shareDir, 'postgres.bki'))) throw new Error(`PostgreSQL ${major} is installed without its share folder (${shareDir}/postgres.bki), which initdb needs: apt-get install --reinstall postgresql-${major}`);
  for (const program of POSTGRES_PROGRAMS) {
    if (!existsSync(join(binDir, program))) throw new Error(`PostgreSQL ${major} is installed without ${join(binDir, program)}: apt-get install postgresql-${major} postgresql-client-${major}`);
  }
  const run = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const banner = (run.stdout ?? '').trim();
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(banner)?.[1];
  if (version === undefined) throw new Error(`${join(binDir, 'postgres')} --version did not give a PostgreSQL version: ${run.error?.message ?? (banner || run.stderr)}`);
  postgresFound = { major, version, banner, binDir, libDir: join(POSTGRES_ROOT, major, 'lib'), shareDir };
  return postgresFound;
}

function imageTags(): { busybox: string; postgres: string } {
  return { busybox: `delabs-test/busybox:${findBusybox().version}`, postgres: `delabs-test/postgres:${findPostgres().version}` };
}

/**
 * The images' tags; the tag is the version installed on this machine, e.g. delabs-test/busybox:1.35.0
 * and delabs-test/postgres:15.18. Reading a tag throws, saying what to install, when the tool is missing.
 */
export const TEST_IMAGES: { readonly busybox: string; readonly postgres: string } = Object.freeze({
  get busybox(): string {
    return imageTags().busybox;
  },
  get postgres(): string {
    return imageTags().postgres;
  },
});

// ---------------------------------------------------------------------------------------------------
// Building

/** The files `ldd` says these programs and modules load (the dynamic loader too), by their paths here. */
function sharedLibraries(files: readonly string[]): { libraries: Set<string>; unresolved: Map<string, string[]> } {
  const libraries = new Set<string>();
  const unresolved = new Map<string, string[]>();
  for (const file of files) {
    const result = spawnSync('ldd', [file], { encoding: 'utf8' });
    if (result.error) throw new Error(`ldd, which lists the libraries PostgreSQL needs, did not run (${result.error.message}): apt-get install libc-bin`);
    if (result.status !== 0) throw new Error(`ldd ${file} failed: ${(result.stderr || result.stdout).trim()}`);
    const missing: string[] = [];
    for (const line of result.stdout.split('\n')) {
      const resolved = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(0x/.exec(line)?.[1];
      if (resolved !== undefined) libraries.add(resolved);
      else if (/=>\s+not found/.test(line)) missing.push(line.trim().split(/\s+/)[0] ?? line.trim());
    }
    if (missing.length > 0) unresolved.set(file, missing);
  }
  return { libraries, unresolved };
}

/** Copies a host file (its content, through any symlink) to the same path under root. */
function copyInto(root: string, path: string): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(path, target);
}

function writeInto(root: string, path: string, text: string, mode = 0o644): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  chmodSync(target, mode);
}

/** The postgres image's root file system under `root`: programs, modules, libraries, data files, users. */
function stagePostgres(root: string, postgres: Postgres): void {
  const programs = POSTGRES_PROGRAMS.map((program) => join(postgres.binDir, program));
  const bash = BASH_CANDIDATES.find((candidate) => existsSync(candidate));
  if (bash === undefined) throw new Error(`bash is not installed on this machine (no ${BASH_CANDIDATES.join(' or ')}): apt-get install bash`);
  const modules = readdirSync(postgres.libDir)
    .filter((name) => name.endsWith('.so') && !SKIPPED_MODULES.has(name))
    .map((name) => join(postgres.libDir, name));
  const { libraries, unresolved } = sharedLibraries([...programs, ...modules]);
  for (const program of programs) {
    const missing = unresolved.get(program);
    if (missing) throw new Error(`${program} needs libraries this machine lacks (${missing.join(', ')}): apt-get install --reinstall postgresql-${postgres.major}`);
  }
  const shell = sharedLibraries([bash]);
  const shellMissing = shell.unresolved.get(bash);
  if (shellMissing) throw new Error(`${bash} needs libraries this machine lacks (${shellMissing.join(', ')}): apt-get install --reinstall bash`);
  for (const file of [...programs, ...modules.filter((module) => !unresolved.has(module)), ...libraries, ...shell.libraries]) copyInto(root, file);
  // At /bin/bash, where the official image has it (busybox's applets are in /bin, and it has no bash).
  writeInto(root, '/bin/bash', '', 0o755);
  copyFileSync(bash, join(root, '/bin/bash'));
  // postmaster is postgres under its old name; pg_ctl and scripts may use either.
  mkdirSync(join(root, postgres.binDir), { recursive: true });
  cpSync(join(postgres.binDir, 'postmaster'), join(root, postgres.binDir, 'postmaster'), { verbatimSymlinks: true });
  cpSync(postgres.shareDir, join(root, postgres.shareDir), { recursive: true, verbatimSymlinks: true });
  if (existsSync(ZONEINFO)) {
    // right/ (leap-second zones) doubles the size for nothing; localtime points at the host's /etc.
    cpSync(ZONEINFO, join(root, ZONEINFO), { recursive: true, verbatimSymlinks: true, filter: (source) => !['right', 'localtime'].includes(basename(source)) || dirname(source) !== ZONEINFO });
  }
  writeInto(root, '/etc/passwd', PASSWD);
  writeInto(root, '/etc/group', GROUP);
  writeInto(root, '/etc/nsswitch.conf', NSSWITCH);
  writeInto(root, '/usr/local/bin/docker-entrypoint.sh', ENTRYPOINT, 0o755);
}

interface ImageRecipe {
  readonly tag: string;
  readonly hash: string;
  /** Fills the empty build context folder. */
  stage(context: string): void;
}

function sha256(...parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(createHash('sha256').update(part).digest());
  return hash.digest('hex');
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const json = (error as { json?: unknown }).json;
    const message = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : error.message;
    return message.trim();
  }
  return String(error);
}

interface BuildEvent {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** Builds one image from a temporary context folder and returns nothing once the tag points at it. */
async function build(docker: Dockerode, recipe: ImageRecipe): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'delabs-image-'));
  try {
    recipe.stage(context);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.buildImage(pack(context), { t: recipe.tag, labels: { [HASH_LABEL]: recipe.hash }, rm: true, forcerm: true, pull: false });
    } catch (error) {
      throw new Error(`the Docker Engine refused to build ${recipe.tag}: ${errorText(error)}`);
    }
    const events = await new Promise<BuildEvent[]>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: BuildEvent[]) => (error ? reject(error) : resolve(output)));
    }).catch((error: unknown) => {
      throw new Error(`building ${recipe.tag} broke off: ${errorText(error)}`);
    });
    const log = events.map((event) => event.stream ?? event.status ?? '').join('').trim().split('\n');
    const failure = events.find((event) => event.error !== undefined || event.errorDetail !== undefined);
    if (failure) {
      const step = [...log].reverse().find((line) => /^Step \d+\/\d+ :/.test(line));
      const message = (failure.errorDetail?.message ?? failure.error ?? 'unknown error').trim();
      throw new Error(`building ${recipe.tag} failed${step ? ` at ${step}` : ''}: ${message}\n${log.slice(-15).join('\n')}`);
    }
    const labels = (await docker.getImage(recipe.tag).inspect()).Config.Labels ?? {};
    if (labels[HASH_LABEL] !== recipe.hash) throw new Error(`building ${recipe.tag} reported no error, but the image it tagged lacks ${HASH_LABEL}=${recipe.hash}:\n${log.slice(-15).join('\n')}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** The image behind `tag` when it exists: its id and hash label. */
async function existing(docker: Dockerode, tag: string): Promise<{ id: string; hash: string | undefined } | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return { id: info.Id, hash: info.Config.Labels?.[HASH_LABEL] };
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 404) return undefined;
    throw new Error(`the Docker Engine could not inspect image ${tag}: ${errorText(error)}`);
  }
}

/** Builds the image unless the tag already carries this recipe's hash; drops the image it replaces. */
async function ensure(docker: Dockerode, recipe: ImageRecipe): Promise<void> {
  const before = await existing(docker, recipe.tag);
  if (before?.hash === recipe.hash) return;
  await build(docker, recipe);
  if (before) {
    // Still in use by a container or a child image: then it stays, untagged.
    await docker
      .getImage(before.id)
      .remove()
      .catch(() => undefined);
  }
}

function engineAddress(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string' && modem.socketPath !== '') return modem.socketPath;
  return `${typeof modem.protocol === 'string' ? modem.protocol : 'http'}://${String(modem.host)}:${String(modem.port)}`;
}

async function ping(docker: Dockerode): Promise<void> {
  const where = engineAddress(docker);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
      }),
    ]);
  } catch (error) {
    throw new Error(`the Docker Engine does not answer at ${where}: ${errorText(error)} (start it with dockerd, or point DOCKER_HOST at it)`);
  } finally {
    clearTimeout(timer);
  }
}

async function buildAll(docker: Dockerode): Promise<typeof TEST_IMAGES> {
  const busybox = findBusybox();
  const postgres = findPostgres();
  const tags = imageTags();
  await ping(docker);

  const busyboxHash = sha256(BUSYBOX_DOCKERFILE, busybox.digest);
  await ensure(docker, {
    tag: tags.busybox,
    hash: busyboxHash,
    stage: (context) => {
      writeFileSync(join(context, 'Dockerfile'), BUSYBOX_DOCKERFILE);
      copyFileSync(busybox.path, join(context, 'busybox'));
      chmodSync(join(context, 'busybox'), 0o755);
    },
  });

  const dockerfile = postgresDockerfile(tags.busybox, postgres.major);
  await ensure(docker, {
    tag: tags.postgres,
    hash: sha256(dockerfile, ENTRYPOINT, busybox.digest, busyboxHash, postgres.banner, PASSWD, GROUP, NSSWITCH),
    stage: (context) => {
      writeFileSync(join(context, 'Dockerfile'), dockerfile);
      stagePostgres(join(context, 'rootfs'), postgres);
    },
  });
  return Object.freeze(tags);
}

let building: Promise<typeof TEST_IMAGES> | undefined;

/**
 * Builds the test images that are missing or out of date and returns their tags (as plain values,
 * unlike TEST_IMAGES, whose getters find the tools lazily). Calls share one
 * build (the first call's Engine); a failed build is forgotten, so a later call tries again.
 */
export function ensureTestImages(docker: Dockerode = new Dockerode()): Promise<typeof TEST_IMAGES> {
  if (!building) {
    building = buildAll(docker);
    building.catch(() => {
      building = undefined;
    });
  }
  return building;
}
