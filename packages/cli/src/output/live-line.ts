// Lines that redraw in place on a terminal: the spinner of waits and the upload progress bar.
// Callers only create them for terminals (Output decides); both clear their timers on stop.
import type { OutStream } from '../io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Spinner {
  private frame = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OutStream,
    private text: string,
    private readonly live: boolean,
  ) {
    if (!live) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }

  private draw(): void {
    const glyph = FRAMES[this.frame++ % FRAMES.length] ?? '';
    this.stream.write(`\r\u001b[2K${glyph} ${this.text}`);
  }

  update(text: string): void {
    this.text = text;
  }

  /** A line of its own above the spinner (on a terminal the spinner is redrawn below it). */
  note(line: string): void {
    this.stream.write(this.live ? `\r\u001b[2K${line}\n` : `${line}\n`);
    if (this.live) this.draw();
  }

  stop(): void {
    if (!this.live) return;
    clearInterval(this.timer);
    this.stream.write('\r\u001b[2K');
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export class ProgressBar {
  private readonly started: number;

  constructor(
    private readonly stream: OutStream,
    private readonly label: string,
    private readonly total: number,
    private readonly clock: () => number,
  ) {
    this.started = clock();
    this.update(0);
  }

  update(sent: number): void {
    const ratio = this.total > 0 ? Math.min(1, sent / this.total) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const seconds = Math.max(0.001, (this.clock() - this.started) / 1000);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const pct = `${Math.round(ratio * 100)}%`.padStart(4);
    this.stream.write(
      `\r\u001b[2K${this.label} ${bar} ${pct} ${bytes(sent)}/${bytes(this.total)} ${bytes(sent / seconds)}/s`,
    );
  }

  done(): void {
    this.update(this.total);
    this.stream.write(' OK\n');
  }
}
