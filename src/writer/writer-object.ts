/** The plumbing every writer object shares: one D1 handle and an explicit queue that runs its work one at a time. */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";

export abstract class WriterObject extends DurableObject<Env> {
  protected readonly db = drizzle(this.env.DB);
  // D1 calls release the input gate, so work is queued here explicitly, one piece at a time.
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it, whether that succeeded or not. */
  protected serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
