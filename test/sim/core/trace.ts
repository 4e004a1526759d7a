// The event trace of a run: a rolling 64-bit FNV-1a hash of every traced line (so two
// replays of one seed can be compared cheaply) and, with --verbose, the lines themselves.
// Components call trace.log(() => text) so a run without tracing pays no formatting.

export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  lines = 0;

  constructor(private readonly sink: ((line: string) => void) | null) {}

  /** Records one line, prefixed with the virtual time in ms. */
  log(timeUs: number, text: string): void {
    const line = `${(timeUs / 1000).toFixed(3).padStart(10)} ${text}`;
    this.lines++;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      this.h1 = Math.imul(this.h1 ^ c, 0x01000193) >>> 0;
      this.h2 = Math.imul(this.h2 ^ c, 0x85ebca6b) >>> 0;
    }
    this.h1 = Math.imul(this.h1 ^ 10, 0x01000193) >>> 0;
    if (this.sink) this.sink(line);
  }

  /** Hex digest of everything logged so far. */
  hash(): string {
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0');
  }
}
