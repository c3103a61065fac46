// Progress of long operations on stderr, e.g. "publishing 1000 packages: 250/1000". A line per
// step rather than a redrawn bar, so the log of a run in CI stays readable.

export type Log = (line: string) => void;

export const stderrLog: Log = (line) => process.stderr.write(line + '\n');

export class Progress {
  private done = 0;
  private lastShown = 0;
  private readonly started = Date.now();

  constructor(private readonly label: string, private readonly total: number, private readonly log: Log) {
    log(label + ': 0/' + total);
  }

  /** Counts one item; prints at every quarter and at least every 5 s, and at the end. */
  tick(): void {
    this.done++;
    const quarter = Math.max(1, Math.floor(this.total / 4));
    const now = Date.now();
    if (this.done === this.total || this.done % quarter === 0 || now - this.lastShown > 5000) {
      this.lastShown = now;
      const seconds = ((now - this.started) / 1000).toFixed(1);
      this.log(this.label + ': ' + this.done + '/' + this.total + ' (' + seconds + ' s)');
    }
  }
}
