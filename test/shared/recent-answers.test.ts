import { describe, expect, it } from "vitest";
import { RecentAnswers } from "../../src/shared/recent-answers";

/** A look-up that counts its calls and answers what it is told. */
function counted<V>(value: V, until = Infinity) {
  const lookUp = async () => {
    lookUp.calls++;
    return { value, until };
  };
  lookUp.calls = 0;
  return lookUp;
}

describe("RecentAnswers", () => {
  it("keeps an answer for its time to live, then looks up again", async () => {
    const answers = new RecentAnswers<string>();
    const lookUp = counted("org-1");
    expect(await answers.answer("k", 1_000, 60_000, lookUp)).toBe("org-1");
    expect(await answers.answer("k", 60_999, 60_000, lookUp)).toBe("org-1");
    expect(lookUp.calls).toBe(1);
    await answers.answer("k", 61_000, 60_000, lookUp);
    expect(lookUp.calls).toBe(2);
  });

  it("never keeps an answer past the expiry it rests on", async () => {
    const answers = new RecentAnswers<string>();
    const lookUp = counted("org-1", 5_000);
    await answers.answer("k", 1_000, 60_000, lookUp);
    await answers.answer("k", 4_999, 60_000, lookUp);
    expect(lookUp.calls).toBe(1);
    await answers.answer("k", 5_000, 60_000, lookUp);
    expect(lookUp.calls).toBe(2);
  });

  it("keeps nothing with a time to live of 0", async () => {
    const answers = new RecentAnswers<string>();
    const lookUp = counted("org-1");
    await answers.answer("k", 1_000, 0, lookUp);
    await answers.answer("k", 1_000, 0, lookUp);
    expect(lookUp.calls).toBe(2);
    expect(answers.size).toBe(0);
  });

  it("remembers an answer of nothing (an unknown token) like any other", async () => {
    const answers = new RecentAnswers<string | undefined>();
    const lookUp = counted<string | undefined>(undefined);
    expect(await answers.answer("k", 1_000, 60_000, lookUp)).toBeUndefined();
    expect(await answers.answer("k", 2_000, 60_000, lookUp)).toBeUndefined();
    expect(lookUp.calls).toBe(1);
  });

  it("holds at most maxSize answers, dropping the oldest first", async () => {
    const answers = new RecentAnswers<number>(2);
    for (const key of ["a", "b", "c"]) await answers.answer(key, 1_000, 60_000, counted(1));
    expect(answers.size).toBe(2);
    const a = counted(2);
    expect(await answers.answer("a", 1_000, 60_000, a)).toBe(2);
    expect(a.calls).toBe(1);
    const c = counted(3);
    expect(await answers.answer("c", 1_000, 60_000, c)).toBe(1);
    expect(c.calls).toBe(0);
  });
});
