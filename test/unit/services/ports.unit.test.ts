/**
 * A lab port held only by a connection that closed moments ago (TCP TIME_WAIT) is told apart from one
 * something listens on: Start Services waits for the first and names the holder of the second. Real
 * sockets on the loopback; the TIME_WAIT states are read from /proc, so these run on Linux.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { heldOnlyByClosedConnections, isPortFree, waitOutClosedConnections } from '../../../src/core/services/docker/ports';

const onLinux = { skip: process.platform !== 'linux' ? 'TIME_WAIT is read from /proc/net/tcp' : false };

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.on('end', () => socket.end()).resume());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const portOf = (server: Server): number => (server.address() as { port: number }).port;

/**
 * A loopback port whose only socket is a closed connection in TIME_WAIT: the client's end (it closed
 * first) of a connection on an ephemeral port the system chose, as a check's connections are.
 */
async function closedConnectionPort(): Promise<number> {
  const server = await listen();
  const localPort = await new Promise<number>((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port: portOf(server) }, () => {
      const port = client.localPort ?? 0;
      client.once('close', () => resolve(port));
      client.end();
    });
    client.once('error', reject);
    client.resume();
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return localPort;
}

describe('a port held by a closed connection', () => {
  it('is not free, and is held only by a connection in TIME_WAIT; a listening port is not', onLinux, async () => {
    const port = await closedConnectionPort();
    assert.equal(await isPortFree('127.0.0.1', port), false);
    assert.equal(await heldOnlyByClosedConnections(port), true);
    const server = await listen();
    try {
      assert.equal(await heldOnlyByClosedConnections(portOf(server)), false);
    } finally {
      server.close();
    }
  });

  it('is waited for, with a line that says why, and the wait ends when its time runs out', onLinux, async () => {
    const port = await closedConnectionPort();
    const lines: string[] = [];
    const started = Date.now();
    assert.equal(await waitOutClosedConnections('127.0.0.1', port, { timeoutMs: 600, pollMs: 100, onWait: (line) => lines.push(line) }), false);
    assert.ok(Date.now() - started >= 600, 'waited until the time ran out');
    assert.deepEqual(lines, [`port ${port} is held by a connection that closed less than a minute ago (TCP TIME_WAIT): waiting for the system to free it`]);
  });

  it('is not waited for when something listens on it', async () => {
    const server = await listen();
    const lines: string[] = [];
    try {
      assert.equal(await waitOutClosedConnections('127.0.0.1', portOf(server), { timeoutMs: 5_000, onWait: (line) => lines.push(line) }), false);
      assert.deepEqual(lines, []);
    } finally {
      server.close();
    }
  });
});
