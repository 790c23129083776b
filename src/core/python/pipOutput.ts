/**
 * Reading pip's output: a short progress message for the lines worth showing while it works, the
 * packages it installed, and a sentence naming what it could not install when it fails. pip prints these
 * lines in the same words from pip 20 to pip 25; only the lines below are relied on.
 */
import { basename } from 'node:path';

/** At most this many of pip's error lines are quoted in a failure. */
const MAX_QUOTED_LINES = 3;
/** A quoted line longer than this is cut (a "from versions:" list can run to kilobytes). */
const MAX_QUOTED_CHARS = 300;

/**
 * The progress message for one line of `pip install` output, or undefined for a line not worth showing.
 *
 *     Collecting six==1.16.0 (from -r requirements.txt (line 1))   → Collecting six==1.16.0
 *       Downloading six-1.16.0-py2.py3-none-any.whl (11 kB)        → Downloading six-1.16.0-py2.py3-none-any.whl (11 kB)
 *     Installing collected packages: six, pytest                   → Installing six, pytest
 *     Successfully installed pytest-9.2.0 six-1.16.0               → Installed pytest-9.2.0 six-1.16.0
 */
export function pipProgressMessage(line: string): string | undefined {
  const text = line.trim();
  const collecting = /^Collecting (\S+)/.exec(text);
  if (collecting) return `Collecting ${collecting[1]}`;
  const fetching = /^(Downloading|Using cached) (\S+)(.*)$/.exec(text);
  if (fetching) return `${fetching[1]} ${lastUrlSegment(fetching[2] ?? '')}${fetching[3] ?? ''}`;
  const satisfied = /^Requirement already satisfied: (\S+)/.exec(text);
  if (satisfied) return `Already installed: ${satisfied[1]}`;
  const building = /^Building wheels for collected packages: (.+)$/.exec(text) ?? /^Building wheel for (\S+)/.exec(text);
  if (building) return `Building ${building[1]}`;
  const installing = /^Installing collected packages: (.+)$/.exec(text);
  if (installing) return `Installing ${installing[1]}`;
  const installed = /^Successfully installed (.+)$/.exec(text);
  if (installed) return `Installed ${installed[1]}`;
  return undefined;
}

/** Older pips print the whole URL of a download: the file name is what tells the learner something. */
function lastUrlSegment(target: string): string {
  return /^https?:\/\//.test(target) ? decodeURIComponent(target.slice(target.lastIndexOf('/') + 1)) : target;
}

/** The packages of pip's "Successfully installed a-1.0 b-2.0" line, e.g. ['a-1.0', 'b-2.0']; [] when it installed nothing. */
export function installedPackages(pipStdout: string): string[] {
  const lines = pipStdout.split(/\r?\n/).map((line) => line.trim());
  const line = lines.reverse().find((candidate) => candidate.startsWith('Successfully installed '));
  return line ? line.slice('Successfully installed '.length).split(/\s+/).filter((word) => word !== '') : [];
}

/** The requirement pip failed on, from its error lines, else the last one it was collecting. */
function failedRequirement(lines: readonly string[]): string | undefined {
  const patterns = [
    /No matching distribution found for (\S+)/,
    /Failed building wheel for (\S+)/,
    /Could not build wheels for (\S+?),/,
    /Failed to build (?:installable wheels for some pyproject\.toml based projects \()?([^\s()]+)/,
    /Invalid requirement: '?([^'\s]+)'?/,
    /Cannot install (.+?) because these package versions have conflicting dependencies/,
  ];
  for (const line of [...lines].reverse()) {
    for (const pattern of patterns) {
      const match = pattern.exec(line);
      if (match?.[1]) return match[1];
    }
  }
  for (const line of [...lines].reverse()) {
    const collecting = /^Collecting (\S+)/.exec(line.trim());
    if (collecting) return collecting[1];
  }
  return undefined;
}

function shorten(line: string): string {
  // "(from versions: 2.0.0, 2.0.1, ..., 9.2.0)": the first and the last say enough.
  const versions = line.replace(/\(from versions: ([^)]*)\)/, (whole, list: string) => {
    const all = list.split(', ');
    return all.length <= 4 ? whole : `(from versions: ${all[0]}, ${all[1]}, ..., ${all[all.length - 1]})`;
  });
  return versions.length <= MAX_QUOTED_CHARS ? versions : `${versions.slice(0, MAX_QUOTED_CHARS - 3)}...`;
}

/** The last lines of pip's output that say what went wrong: its ERROR lines, else the last lines it printed. */
function errorLines(lines: readonly string[]): string[] {
  const meaningful = lines.map((line) => line.trim()).filter((line) => line !== '');
  const errors = meaningful.filter((line) => /^error:/i.test(line));
  return (errors.length > 0 ? errors : meaningful).slice(-MAX_QUOTED_LINES).map(shorten);
}

/**
 * The message of a failed `pip install -r requirementsFile`: what it could not install, pip's own last
 * error lines, and what to do. For example:
 *
 *     pip could not install pytest==99.0 from requirements.txt. pip said: "ERROR: Could not find a version that
 *     satisfies the requirement pytest==99.0 (from versions: 2.0.0, 2.0.1, ..., 9.2.0)" "ERROR: No matching
 *     distribution found for pytest==99.0". Check the version pinned in requirements.txt, and that this
 *     machine reaches the package index (pypi.org).
 */
export function describePipFailure(stdout: string, stderr: string, exitCode: number | null, requirementsFile: string): string {
  const file = basename(requirementsFile);
  const stdoutLines = stdout.split(/\r?\n/);
  const stderrLines = stderr.split(/\r?\n/);
  const requirement = failedRequirement([...stdoutLines, ...stderrLines]);
  const quoted = errorLines(stderrLines.some((line) => line.trim() !== '') ? stderrLines : stdoutLines);
  const what = requirement ? `pip could not install ${requirement} from ${file}` : `pip could not install the packages of ${file} (exit code ${exitCode ?? 'none'})`;
  const said = quoted.length > 0 ? ` pip said: ${quoted.map((line) => `"${line}"`).join(' ')}.` : '';
  const unreachable = stderrLines.some((line) => /NewConnectionError|ConnectTimeout|Temporary failure in name resolution|ProxyError|SSLError/.test(line));
  const advice = unreachable
    ? ' This machine could not reach the package index: check the network connection (or the proxy), then try again.'
    : stderrLines.some((line) => line.includes('No matching distribution found'))
      ? ` Check the version pinned in ${file}, and that this machine reaches the package index (pypi.org).`
      : " The log (Data Labs: Show Logs) has pip's full output.";
  return `${what}.${said}${advice}`;
}
