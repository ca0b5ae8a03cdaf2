// Issue 11 finding 1: `echo hello | convox exec …` and `convox run web cat < file` hung through the
// gateway. The native CLI writes stdin and its end-of-input (an empty binary frame) right after
// the handshake; those frames arrived while the gateway was still recording the session and were
// lost, so `cat` never saw EOF. Here a client writes everything in the same tick as the handshake,
// the way the native CLI does, against the mock rack.
import { EXIT_MARKER } from '@rack-gateway/convox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { basic, type ProxyHarness, startProxyHarness, TOTP } from './proxy-harness.js';

interface EarlySession {
  /** Output frames as received, EOF and trailer included. */
  readonly frames: Buffer[];
  readonly code: number;
}

/** Opens an exec socket and, in the `open` callback itself, sends the input frames and EOF. */
function execWithEarlyInput(
  url: string,
  headers: Record<string, string>,
  input: readonly Buffer[],
): Promise<EarlySession> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, skipUTF8Validation: true });
    const frames: Buffer[] = [];
    socket.on('message', (data) => frames.push(Buffer.from(data as Buffer)));
    socket.once('open', () => {
      for (const chunk of input) socket.send(chunk, { binary: false });
      socket.send(Buffer.alloc(0), { binary: true });
    });
    socket.once('close', (code) => resolve({ frames, code }));
    socket.once('error', reject);
  });
}

const outputOf = (frames: readonly Buffer[]): string =>
  Buffer.concat(frames)
    .toString('latin1')
    .replace(new RegExp(`${EXIT_MARKER}:-?\\d+\\n`), '');

describe('issue 11 finding 1: exec stdin written with the handshake', () => {
  let p: ProxyHarness;
  let deployer: string;
  const wsUrl = (path: string) => `${p.proxyUrl.replace(/^http/, 'ws')}${path}`;

  beforeAll(async () => {
    p = await startProxyHarness();
    await p.enrol('deployer');
    deployer = basic(`${await p.cliToken('deployer')}.totp.${TOTP}`);
    // A busy audit store: the open event takes a while to commit, so the client's early frames
    // (and the rack's first output) are certainly on the wire before the relay attaches.
    const append = p.h.audit.append.bind(p.h.audit);
    p.h.audit.append = async (event, options) => {
      if (event.action === 'process.exec.open' && event.status !== 'attempt')
        await new Promise((r) => setTimeout(r, 200));
      return append(event, options);
    };
  });
  afterAll(async () => {
    await p?.close();
  });

  it('echoes piped stdin through `cat`, ends on EOF with the exit code and counts every input byte', async () => {
    p.h.audit.clear();
    const input = [
      Buffer.from('hello\n'),
      Buffer.from([0x61, 0xff, 0x62, 0x0a]),
      Buffer.from('end'),
    ];
    const session = await execWithEarlyInput(
      wsUrl('/apps/storefront/processes/web/exec'),
      { authorization: deployer, command: 'cat', tty: 'false' },
      input,
    );
    expect(outputOf(session.frames)).toBe(Buffer.concat(input).toString('latin1'));
    expect(Buffer.concat(session.frames).toString('latin1')).toContain(`${EXIT_MARKER}:0\n`);
    expect(session.frames.at(-1)?.length).toBe(0);
    await expect.poll(() => p.h.audit.of('process.exec.close').length).toBe(1);
    const details = p.h.audit.of('process.exec.close')[0]?.details;
    expect(details?.exit_code).toBe(0);
    expect(details?.bytes_in).toBe(Buffer.concat(input).length);
    expect(details?.bytes_out).toBe(Buffer.concat(input).length + `${EXIT_MARKER}:0\n`.length);
  });

  it('ends at once on an empty stdin (`< /dev/null`): EOF alone, in the same tick', async () => {
    p.h.audit.clear();
    const session = await execWithEarlyInput(
      wsUrl('/apps/storefront/processes/web/exec'),
      { authorization: deployer, command: 'cat', tty: 'false' },
      [],
    );
    expect(outputOf(session.frames)).toBe('');
    expect(Buffer.concat(session.frames).toString()).toContain(`${EXIT_MARKER}:0\n`);
    await expect.poll(() => p.h.audit.of('process.exec.close').length).toBe(1);
    expect(p.h.audit.of('process.exec.close')[0]?.details?.bytes_in).toBe(0);
  });

  it('keeps many early frames in order (a file redirected into `run … cat`)', async () => {
    p.h.audit.clear();
    const input = Array.from({ length: 200 }, (_, i) => Buffer.from(`line ${i}\n`));
    const session = await execWithEarlyInput(
      wsUrl('/apps/storefront/processes/web/exec'),
      { authorization: deployer, command: 'cat', tty: 'false' },
      input,
    );
    expect(outputOf(session.frames)).toBe(Buffer.concat(input).toString('latin1'));
    await expect.poll(() => p.h.audit.of('process.exec.close').length).toBe(1);
    expect(p.h.audit.of('process.exec.close')[0]?.details?.bytes_in).toBe(
      Buffer.concat(input).length,
    );
  });

  it('delivers rack output written before the client side is attached, in order', async () => {
    p.h.audit.clear();
    const session = await execWithEarlyInput(
      wsUrl('/apps/storefront/processes/web/exec'),
      {
        authorization: deployer,
        command: `sh -c "printf 'a\\xffb'; printf c; printf d; exit 3"`,
        tty: 'false',
      },
      [],
    );
    expect(session.frames.slice(0, 3)).toEqual([
      Buffer.from([0x61, 0xff, 0x62]),
      Buffer.from('c'),
      Buffer.from('d'),
    ]);
    expect(session.frames[3]?.toString()).toBe(`${EXIT_MARKER}:3\n`);
    await expect.poll(() => p.h.audit.of('process.exec.close').length).toBe(1);
    expect(p.h.audit.of('process.exec.close')[0]?.details?.exit_code).toBe(3);
  });
});
