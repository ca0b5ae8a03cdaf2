// Line prompts on the terminal: hidden for MFA codes, echoed for confirmations. Raw mode is
// switched off again on every path (answer, Ctrl-C, end of input).
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';

export function canPrompt(io: CliIo): boolean {
  return io.stdin.isTTY === true;
}

type KeyResult = 'done' | 'cancel' | undefined;

/** Applies one typed character to the line being read. */
function applyKey(line: { value: string }, ch: string, echo: (text: string) => void): KeyResult {
  if (ch === '\r' || ch === '\n') return 'done';
  if (ch === '\u0003' || ch === '\u0004') return 'cancel';
  if (ch === '\u007f' || ch === '\b') {
    if (line.value !== '') echo('\b \b');
    line.value = line.value.slice(0, -1);
  } else if (ch >= ' ') {
    line.value += ch;
    echo(ch);
  }
  return undefined;
}

/** Reads one line; with `hidden` nothing is echoed. Ctrl-C → exit 130. */
export function promptLine(io: CliIo, label: string, hidden: boolean): Promise<string> {
  const { stdin, stderr } = io;
  const echo = (text: string) => {
    if (!hidden) stderr.write(text);
  };
  stderr.write(`${label} `);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    const line = { value: '' };
    const finish = (result: KeyResult) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (result === 'cancel') reject(new CliError('Interrupted', EXIT.interrupted));
      else resolve(line.value);
    };
    const onEnd = () => finish('done');
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        const result = applyKey(line, ch, echo);
        if (result !== undefined) return finish(result);
      }
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
