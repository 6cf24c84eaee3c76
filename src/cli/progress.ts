import { SingleBar } from 'cli-progress';

/** Figures shown while a long command runs. */
export type ProgressFigures = Record<string, number>;

/**
 * A one-line live status on a terminal (a log line every few seconds otherwise, e.g. in CI), showing
 * each figure and the rate of the first one.
 */
export class ProgressLine {
  private readonly bar: SingleBar;
  private readonly started = Date.now();

  constructor(
    private readonly names: readonly string[],
    private readonly rateOf: string,
  ) {
    const format = [...names.map((name) => `${name} {${name}}`), '{rate} posts/s'].join(' | ');
    this.bar = new SingleBar({
      format,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      fps: 4,
    });
    this.bar.start(1, 0, this.payload({}));
  }

  update(figures: ProgressFigures): void {
    this.bar.update(0, this.payload(figures));
  }

  stop(figures: ProgressFigures): void {
    this.bar.update(0, this.payload(figures));
    this.bar.stop();
  }

  private payload(figures: ProgressFigures): Record<string, string> {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const out: Record<string, string> = {
      rate: Math.round((figures[this.rateOf] ?? 0) / seconds).toLocaleString('en-US'),
    };
    for (const name of this.names) out[name] = (figures[name] ?? 0).toLocaleString('en-US');
    return out;
  }
}
