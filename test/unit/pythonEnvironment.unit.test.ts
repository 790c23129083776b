import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CheckDefinition } from '../../src/core/labs/labSchema';
import {
  checksUsePython,
  describePipFailure,
  installedPackages,
  interpreterForLab,
  labVenvDir,
  pipProgressMessage,
  resolveInterpreterForLab,
  venvPython,
} from '../../src/core/python/pythonEnvironment';

describe('the interpreter for a lab', () => {
  const lab = '/home/ada/work/labs/01-heap-ranking';

  it('is the setting when it is set, whatever else there is', () => {
    assert.equal(
      interpreterForLab({ configured: ' /opt/py312/bin/python3 ', labFolder: lab, labVenvExists: true, pythonExtension: '/usr/bin/python3.11', platform: 'linux' }),
      '/opt/py312/bin/python3',
    );
  });

  it("is the lab's own .venv when there is no setting", () => {
    assert.equal(
      interpreterForLab({ configured: '', labFolder: lab, labVenvExists: true, pythonExtension: '/usr/bin/python3.11', platform: 'linux' }),
      '/home/ada/work/labs/01-heap-ranking/.venv/bin/python',
    );
    assert.equal(
      interpreterForLab({ configured: '', labFolder: 'C:\\Users\\ada\\labs\\01-heap-ranking', labVenvExists: true, platform: 'win32' }),
      'C:\\Users\\ada\\labs\\01-heap-ranking\\.venv\\Scripts\\python.exe',
    );
  });

  it("is the Python extension's interpreter when there is neither a setting nor a .venv", () => {
    assert.equal(interpreterForLab({ configured: '', labFolder: lab, labVenvExists: false, pythonExtension: '/usr/bin/python3.11', platform: 'linux' }), '/usr/bin/python3.11');
  });

  it('is python3 when nothing names one', () => {
    assert.equal(interpreterForLab({ configured: '', labFolder: lab, labVenvExists: false, platform: 'linux' }), 'python3');
    assert.equal(interpreterForLab({ configured: '  ', labFolder: lab, labVenvExists: false, pythonExtension: '', platform: 'linux' }), 'python3');
  });

  it('asks the Python extension only when neither the setting nor the .venv decides', async (t) => {
    const labFolder = mkdtempSync(join(tmpdir(), 'delabs-interpreter-'));
    t.after(() => rmSync(labFolder, { recursive: true, force: true }));
    const asked: string[] = [];
    const pythonExtension = (): Promise<string | undefined> => {
      asked.push(labFolder);
      return Promise.resolve('/usr/bin/python3.11');
    };
    assert.equal(await resolveInterpreterForLab({ configured: '/opt/py/bin/python', labFolder, pythonExtension }), '/opt/py/bin/python');
    assert.equal(asked.length, 0);
    assert.equal(await resolveInterpreterForLab({ configured: '', labFolder, pythonExtension }), '/usr/bin/python3.11');
    assert.equal(asked.length, 1);
    assert.equal(await resolveInterpreterForLab({ configured: '', labFolder }), 'python3');

    const python = venvPython(labVenvDir(labFolder));
    mkdirSync(join(python, '..'), { recursive: true });
    writeFileSync(python, '');
    assert.equal(await resolveInterpreterForLab({ configured: '', labFolder, pythonExtension }), python);
    assert.equal(asked.length, 1);
  });

  it('runs Python for pytest checks and for commands that start {python}, not for SQL', () => {
    const pytest = { id: 'a', title: 'A check', kind: 'pytest', file: 'checks/test_a.py', test: 'test_a' } as CheckDefinition;
    const script = { id: 'b', title: 'B check', kind: 'command', run: ['{python}', 'main.py'] } as CheckDefinition;
    const shell = { id: 'c', title: 'C check', kind: 'command', run: ['psql', '-c', 'select 1'] } as CheckDefinition;
    const sql = { id: 'd', title: 'D check', kind: 'sql', service: 'postgres', query: 'select 1' } as unknown as CheckDefinition;
    assert.equal(checksUsePython([sql, pytest]), true);
    assert.equal(checksUsePython([shell, script]), true);
    assert.equal(checksUsePython([sql, shell]), false);
    assert.equal(checksUsePython([]), false);
  });
});

describe("a virtual environment's paths", () => {
  it('puts the interpreter in bin/ on Linux and macOS', () => {
    assert.equal(labVenvDir('/home/ada/labs/01', 'linux'), '/home/ada/labs/01/.venv');
    assert.equal(venvPython('/home/ada/labs/01/.venv', 'linux'), '/home/ada/labs/01/.venv/bin/python');
    assert.equal(venvPython('/Users/ada/labs/01/.venv', 'darwin'), '/Users/ada/labs/01/.venv/bin/python');
  });

  it('puts the interpreter in Scripts\\ on Windows', () => {
    assert.equal(labVenvDir('C:\\labs\\01', 'win32'), 'C:\\labs\\01\\.venv');
    assert.equal(venvPython('C:\\labs\\01\\.venv', 'win32'), 'C:\\labs\\01\\.venv\\Scripts\\python.exe');
  });
});

describe("pip's progress, as the notification shows it", () => {
  it('turns the lines of a real pip install into short messages', () => {
    const lines = [
      'Looking in links: /opt/wheels',
      'Requirement already satisfied: six==1.16.0 in ./.venv/lib/python3.11/site-packages (from -r r3.txt (line 1)) (1.16.0)',
      'Collecting pytest==8.3.3 (from -r r3.txt (line 2))',
      '  Downloading pytest-8.3.3-py3-none-any.whl (342 kB)',
      'Collecting pluggy<2,>=1.5 (from pytest==8.3.3->-r r3.txt (line 2))',
      '  Using cached pluggy-1.7.0-py3-none-any.whl.metadata (4.8 kB)',
      '  Downloading https://files.pythonhosted.org/packages/d9/5a/e7c31adbe875f2abbb91bd84cf2dc52d792b5a01506781dbcf25c91daf11/six-1.16.0-py2.py3-none-any.whl',
      'Building wheels for collected packages: psycopg2',
      '  Building wheel for psycopg2 (pyproject.toml): started',
      'Installing collected packages: pluggy, packaging, iniconfig, pytest',
      'Successfully installed iniconfig-2.3.1 packaging-26.4 pluggy-1.7.0 pytest-8.3.3',
    ];
    assert.deepEqual(lines.map(pipProgressMessage), [
      undefined,
      'Already installed: six==1.16.0',
      'Collecting pytest==8.3.3',
      'Downloading pytest-8.3.3-py3-none-any.whl (342 kB)',
      'Collecting pluggy<2,>=1.5',
      'Using cached pluggy-1.7.0-py3-none-any.whl.metadata (4.8 kB)',
      'Downloading six-1.16.0-py2.py3-none-any.whl',
      'Building psycopg2',
      'Building psycopg2',
      'Installing pluggy, packaging, iniconfig, pytest',
      'Installed iniconfig-2.3.1 packaging-26.4 pluggy-1.7.0 pytest-8.3.3',
    ]);
  });

  it('lists what pip installed, and nothing when everything was there already', () => {
    assert.deepEqual(
      installedPackages('Collecting six==1.16.0 (from -r r.txt (line 1))\nInstalling collected packages: six, pytest\nSuccessfully installed pytest-9.2.0 six-1.16.0\n'),
      ['pytest-9.2.0', 'six-1.16.0'],
    );
    assert.deepEqual(installedPackages('Requirement already satisfied: six==1.16.0 in ./.venv/lib/python3.11/site-packages (1.16.0)\n'), []);
  });
});

describe('a failed pip install, as the learner reads it', () => {
  it('names a pin that does not exist and quotes pip, with its list of versions shortened', () => {
    const stdout = 'Looking in links: /opt/wheels\n';
    const stderr = [
      'ERROR: Could not find a version that satisfies the requirement pytest==99.0 (from versions: 2.0.0, 2.0.1, 2.0.2, 9.0.0, 9.1.0, 9.2.0)',
      'ERROR: No matching distribution found for pytest==99.0',
      '',
    ].join('\n');
    assert.equal(
      describePipFailure(stdout, stderr, 1, '/home/ada/labs/01/requirements.txt'),
      'pip could not install pytest==99.0 from requirements.txt. pip said: ' +
        '"ERROR: Could not find a version that satisfies the requirement pytest==99.0 (from versions: 2.0.0, 2.0.1, ..., 9.2.0)" ' +
        '"ERROR: No matching distribution found for pytest==99.0". ' +
        'Check the version pinned in requirements.txt, and that this machine reaches the package index (pypi.org).',
    );
  });

  it('says when the package index cannot be reached', () => {
    const stderr = [
      "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3c>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/six/",
      'ERROR: Could not find a version that satisfies the requirement six==1.16.0 (from versions: none)',
      'ERROR: No matching distribution found for six==1.16.0',
    ].join('\n');
    assert.equal(
      describePipFailure('', stderr, 1, 'requirements.txt'),
      'pip could not install six==1.16.0 from requirements.txt. pip said: ' +
        '"ERROR: Could not find a version that satisfies the requirement six==1.16.0 (from versions: none)" ' +
        '"ERROR: No matching distribution found for six==1.16.0". ' +
        'This machine could not reach the package index: check the network connection (or the proxy), then try again.',
    );
  });

  it('names the package whose build failed, from the last one pip was collecting when its error does not say', () => {
    const stdout = 'Collecting six==1.16.0 (from -r requirements.txt (line 1))\nCollecting psycopg2==2.9.9 (from -r requirements.txt (line 2))\n';
    const stderr = ['  error: subprocess-exited-with-error', '  × python setup.py egg_info did not run successfully.', '  │ exit code: 1', 'Error: pg_config executable not found.'].join('\n');
    assert.equal(
      describePipFailure(stdout, stderr, 1, 'requirements.txt'),
      'pip could not install psycopg2==2.9.9 from requirements.txt. pip said: "error: subprocess-exited-with-error" "Error: pg_config executable not found.". ' +
        "The log (Data Labs: Show Logs) has pip's full output.",
    );
  });
});
