/** Answers remembered per isolate for a while, so a hot path spares a D1 round trip. */

/** What a look-up found, and the moment after which it no longer holds (an expiry it rests on). */
export type Answer<V> = { value: V; until: number };

/**
 * A bounded map of recent answers. An answer is kept `ttlMs` but never past its own `until`, so a
 * cached answer never outlives the expiry it rests on; past `maxSize`, the oldest answer goes first.
 */
export class RecentAnswers<V> {
  private readonly answers = new Map<string, Answer<V>>();

  constructor(readonly maxSize = 10_000) {}

  /** The remembered answer for `key` while `now` is before its end; otherwise a new look-up, then remembered. */
  async answer(key: string, now: number, ttlMs: number, lookUp: () => Promise<Answer<V>>): Promise<V> {
    const kept = this.answers.get(key);
    if (kept && now < kept.until) return kept.value;
    if (kept) this.answers.delete(key);
    const found = await lookUp();
    if (ttlMs > 0) this.remember(key, { value: found.value, until: Math.min(now + ttlMs, found.until) });
    return found.value;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }

  private remember(key: string, answer: Answer<V>): void {
    this.answers.delete(key);
    // A Map iterates in insertion order: its first key is the oldest answer.
    while (this.answers.size >= this.maxSize) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, answer);
  }
}
