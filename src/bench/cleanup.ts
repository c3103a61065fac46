// Undo steps collected while the benchmark sets things up (databases, the user, the engine
// setting, the throwaway node), run once in reverse order whether the run ends, fails or is
// interrupted, so a shared CouchDB is left as it was found.
import type { Log } from './progress';

export class Cleanup {
  private readonly steps: Array<() => Promise<void> | void> = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  run(log: Log): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop() as () => Promise<void> | void;
        try {
          await step();
        } catch (e) {
          log('cleanup: ' + ((e as Error).message || String(e)));
        }
      }
    })();
    return this.running;
  }
}
