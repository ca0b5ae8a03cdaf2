// A server-side rack socket (convox-rack-api.md §4): text frames out, an empty binary frame as EOF
// then a normal close, client text frames in, any client binary frame as EOF. Frame counts and the
// close code go to the request log; socket faults (drops after n frames or ms) apply here.
import { exitTrailer } from '@rack-gateway/convox';
import type WebSocket from 'ws';
import type { World } from '../core/world.js';
import type { FaultEffect } from '../http/faults.js';
import type { RequestLogEntry } from '../http/request-log.js';

export class RackSocket {
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly entry: RequestLogEntry,
    world: World,
    private readonly faults: FaultEffect,
  ) {
    entry.framesIn = 0;
    entry.framesOut = 0;
    ws.on('close', (code: number) => {
      this.closed = true;
      entry.closeCode = code;
      for (const listener of this.closeListeners.splice(0)) listener();
    });
    ws.on('error', () => {
      this.closed = true;
    });
    const { wsDropAfterMs } = faults;
    if (wsDropAfterMs !== undefined) world.schedule(wsDropAfterMs, () => this.drop());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Client frames: text → `onData`, binary → `onEof` (once). */
  onInput(onData: (data: Buffer) => void, onEof: () => void): void {
    let ended = false;
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.entry.framesIn !== undefined) this.entry.framesIn++;
      if (ended) return;
      if (isBinary) {
        ended = true;
        onEof();
      } else onData(data);
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private drop(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.faults.wsAbrupt) this.ws.terminate();
    else this.ws.close(this.faults.wsCloseCode ?? 1011);
  }

  private countOut(): void {
    this.entry.framesOut = (this.entry.framesOut ?? 0) + 1;
    const limit = this.faults.wsDropAfterFrames;
    if (limit !== undefined && this.entry.framesOut >= limit) this.drop();
  }

  /** One text frame (bytes sent as they are). */
  send(data: string | Buffer): void {
    if (this.closed) return;
    this.ws.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { binary: false });
    this.countOut();
  }

  /** EOF (empty binary frame), then a normal close. */
  end(): void {
    if (this.closed) return;
    this.ws.send(Buffer.alloc(0), { binary: true });
    this.countOut();
    if (!this.closed) {
      this.closed = true;
      this.ws.close(1000);
    }
  }

  /** `ERROR: <message>` then EOF (§4.6); exec sockets put the trailer first (§4.8). */
  fail(message: string, withTrailer = false): void {
    if (withTrailer) this.send(exitTrailer(0));
    this.send(`ERROR: ${message}\n`);
    this.end();
  }
}
