// Reading build archives (mock-rack.md §7.1): gzip + tar, like the convox CLI writes them. Only
// regular files are returned; entries with absolute paths or `..` segments are ignored.
import { gunzipSync } from 'node:zlib';

export interface ArchiveFile {
  readonly path: string;
  readonly data: Buffer;
}

export interface Archive {
  readonly files: readonly ArchiveFile[];
  /** Names of the top-level entries (files and directories), sorted. */
  readonly entries: readonly string[];
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const value = text(block, start, length).trim();
  return value === '' ? 0 : Number.parseInt(value, 8);
}

/** PAX `path=` record from an extended header body. */
function paxPath(body: Buffer): string | undefined {
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
  return m?.[1];
}

function cleanPath(path: string): string | undefined {
  const trimmed = path.replace(/^\.\//, '').replace(/\/+$/, '');
  if (trimmed === '' || trimmed.startsWith('/')) return undefined;
  if (trimmed.split('/').includes('..')) return undefined;
  return trimmed;
}

interface TarEntry {
  readonly path: string;
  readonly type: string;
  readonly data: Buffer;
}

function* tarEntries(tar: Buffer): Generator<TarEntry> {
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return;
    const size = octal(header, 124, 12);
    const type = text(header, 156, 1) || '0';
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      longName = type === 'L' ? text(data, 0, data.length) : paxPath(data);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = text(header, 0, 100);
    yield { path: longName ?? (prefix ? `${prefix}/${name}` : name), type, data };
    longName = undefined;
  }
}

/** Throws when the bytes are not a gzip'd tar. */
export function readArchive(bytes: Buffer): Archive {
  const tar = gunzipSync(bytes);
  const files: ArchiveFile[] = [];
  const top = new Set<string>();
  for (const entry of tarEntries(tar)) {
    const path = cleanPath(entry.path);
    if (!path) continue;
    top.add(path.split('/')[0] ?? path);
    if (entry.type === '0' || entry.type === '7') files.push({ path, data: entry.data });
  }
  return { files, entries: [...top].sort() };
}
