// Writes a gzip tar of collected source entries (cli.md §6.1 step 3): ustar headers (PAX records
// for long paths and link targets) with the files' modes and mtimes and uid/gid 0; bodies are
// streamed from disk, never followed through symlinks.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header, type HeaderData, Pax } from 'tar';
import type { SourceEntry } from './source-files.js';

const BLOCK = 512;

function headerBlocks(data: HeaderData): Buffer {
  const block = Buffer.alloc(BLOCK);
  const needPax = new Header(data).encode(block, 0);
  return needPax ? Buffer.concat([new Pax(data).encode(), block]) : block;
}

function headerOf(entry: SourceEntry): HeaderData {
  return {
    path: entry.type === 'Directory' ? `${entry.path}/` : entry.path,
    mode: entry.mode,
    uid: 0,
    gid: 0,
    size: entry.type === 'File' ? entry.size : 0,
    mtime: entry.mtime,
    type: entry.type,
    ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
    uname: '',
    gname: '',
  };
}

/** The file's bytes, exactly `size` of them (cut or zero-filled if it changed meanwhile). */
async function* body(entry: SourceEntry): AsyncGenerator<Buffer> {
  let sent = 0;
  if (entry.size > 0) {
    for await (const chunk of createReadStream(entry.source, { end: entry.size - 1 })) {
      const bytes = chunk as Buffer;
      sent += bytes.length;
      yield bytes;
    }
  }
  const padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
  yield Buffer.alloc(entry.size - sent + padding);
}

async function* tarStream(entries: readonly SourceEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield headerBlocks(headerOf(entry));
    if (entry.type === 'File') yield* body(entry);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export async function writeTarGz(entries: readonly SourceEntry[], file: string): Promise<void> {
  await pipeline(tarStream(entries), createGzip(), createWriteStream(file, { mode: 0o600 }));
}
