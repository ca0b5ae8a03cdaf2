// Server code logs through pino and prints command output through commands/output.ts; console.* is
// not allowed there.
import { existsSync, readFileSync } from 'node:fs';
import { codeFiles } from '../lib/files.ts';

const CONSOLE = /\bconsole\s*\.\s*[a-zA-Z]+\s*\(/;

export function checkNoConsole(files: readonly string[] = codeFiles()): string[] {
  const problems: string[] = [];
  for (const file of files.filter((f) => f.startsWith('packages/server/src/'))) {
    if (!existsSync(file)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (CONSOLE.test(line))
          problems.push(
            `${file}:${i + 1}: console.* in server code; use the logger (request.log / app.log)`,
          );
      });
  }
  return problems;
}

if (process.argv[1]?.endsWith('no-console.ts')) {
  const problems = checkNoConsole();
  for (const p of problems) console.error(p);
  process.exit(problems.length > 0 ? 1 : 0);
}
