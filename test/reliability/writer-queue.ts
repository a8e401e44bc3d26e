/** Test control over an organization's writer queue: count the work that joins it, hold it at a chosen point. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The writer's own queue (OrgWriter.serialize): every write joins it, in arrival order.
type Queue = { serialize<T>(work: () => Promise<T>): Promise<T> };

export interface Hold {
  // Resolves once every piece of work queued ahead of the hold has finished.
  reached(): Promise<void>;
  release(): Promise<void>;
}

export interface WriterQueue {
  // Resolves once `n` pieces of work have joined the queue since it was watched.
  joined(n: number): Promise<void>;
  // Puts a hold into the queue right behind the `after`-th piece of work to join (0: at once).
  holdAfter(after: number): Promise<Hold>;
}

/**
 * Watches the writer of `orgId` (the same object instance serves the requests that follow). Every
 * promise the object settles is made inside the object and the test awaits only the object's
 * answers: a promise settled from another I/O context than its own hangs the test.
 */
export async function watchWriterQueue(orgId: string): Promise<WriterQueue> {
  const stub = env.ORG_WRITER.get(env.ORG_WRITER.idFromName(orgId));
  const inWriter = <T>(callback: () => T | Promise<T>) => runInDurableObject(stub, callback);
  let joined = 0;
  const watchers: { n: number; resolve(): void }[] = [];
  const pending: { after: number; enqueue(): void }[] = [];
  let serialize!: Queue["serialize"];
  await runInDurableObject(stub, (instance) => {
    const queue = instance as unknown as Queue;
    serialize = queue.serialize.bind(queue);
    queue.serialize = (work) => {
      const run = serialize(work);
      joined++;
      for (const hold of pending.filter((h) => h.after === joined)) hold.enqueue();
      for (const w of watchers.filter((w) => joined >= w.n)) w.resolve();
      return run;
    };
  });
  return {
    joined: (n) => inWriter(() => new Promise<void>((resolve) => (joined >= n ? resolve() : watchers.push({ n, resolve })))),
    async holdAfter(after) {
      const hold = await inWriter(() => {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let reach!: () => void;
        const reached = new Promise<void>((resolve) => (reach = resolve));
        const enqueue = () =>
          void serialize(() => {
            reach();
            return released;
          });
        if (after <= joined) enqueue();
        else pending.push({ after, enqueue });
        return { reached, release };
      });
      return { reached: () => inWriter(() => hold.reached), release: () => inWriter(() => hold.release()) };
    },
  };
}
