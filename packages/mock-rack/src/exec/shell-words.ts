// Splits a command line with shell quoting rules (mock-rack.md §8.2): single quotes are literal,
// double quotes allow backslash escapes, a bare backslash escapes the next character, and unquoted
// `&&` and `;` separate commands. Pipes and redirects are not supported (they stay literal).

export type ShellToken = { readonly word: string } | { readonly op: '&&' | ';' };

export class ShellSyntaxError extends Error {
  override readonly name = 'ShellSyntaxError';
}

interface Cursor {
  readonly text: string;
  at: number;
}

function readQuoted(c: Cursor, quote: string): string {
  let out = '';
  for (c.at++; c.at < c.text.length; c.at++) {
    const ch = c.text[c.at] ?? '';
    if (ch === quote) return out;
    if (quote === '"' && ch === '\\' && /["\\$`]/.test(c.text[c.at + 1] ?? '')) {
      c.at++;
      out += c.text[c.at];
    } else out += ch;
  }
  throw new ShellSyntaxError(`unterminated quoted string`);
}

function readOperator(c: Cursor): '&&' | ';' | undefined {
  if (c.text[c.at] === ';') return ';';
  if (c.text.startsWith('&&', c.at)) return '&&';
  return undefined;
}

function readWord(c: Cursor): string {
  let word = '';
  while (c.at < c.text.length) {
    const ch = c.text[c.at] ?? '';
    if (/\s/.test(ch) || readOperator(c)) break;
    if (ch === "'" || ch === '"') word += readQuoted(c, ch);
    else if (ch === '\\') word += c.text[++c.at] ?? '';
    else word += ch;
    c.at++;
  }
  return word;
}

export function tokenize(text: string): ShellToken[] {
  const c: Cursor = { text, at: 0 };
  const tokens: ShellToken[] = [];
  while (c.at < text.length) {
    if (/\s/.test(text[c.at] ?? '')) {
      c.at++;
      continue;
    }
    const op = readOperator(c);
    if (op) {
      tokens.push({ op });
      c.at += op.length;
      continue;
    }
    tokens.push({ word: readWord(c) });
  }
  return tokens;
}

/** Just the words (for a command without operators, e.g. the exec `Command` header). */
export function splitWords(text: string): string[] {
  return tokenize(text).map((t) => ('word' in t ? t.word : t.op));
}

export interface CommandStep {
  readonly argv: string[];
  /** How this step is joined to the previous one. */
  readonly after: '&&' | ';' | null;
}

/** `a && b; c` → steps. */
export function commandSteps(text: string): CommandStep[] {
  const steps: CommandStep[] = [];
  let argv: string[] = [];
  let after: CommandStep['after'] = null;
  for (const token of tokenize(text)) {
    if ('word' in token) {
      argv.push(token.word);
      continue;
    }
    if (argv.length > 0) steps.push({ argv, after });
    argv = [];
    after = token.op;
  }
  if (argv.length > 0) steps.push({ argv, after });
  return steps;
}
