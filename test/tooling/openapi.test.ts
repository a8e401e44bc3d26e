// The document at /api/openapi.json is valid OpenAPI 3.1. The validator compiles JSON Schemas into
// functions at run time, which workerd forbids, so this check runs in Node.
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";

// The app is type-checked with the Workers' types (tsconfig.json), not this project's Node types: import it untyped.
const appModule = "../../src/app";

type Document = Exclude<Parameters<typeof validate>[0], string>;

/** The document as the API router serves it (no storage or bindings are needed to build it). */
async function served(): Promise<Document> {
  const { api } = (await import(/* @vite-ignore */ appModule)) as { api: { request(path: string): Promise<Response> } };
  const answer = await api.request("/api/openapi.json");
  expect(answer.status).toBe(200);
  return answer.json();
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await validate(await served());
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.specification).toBe("OpenAPI");
  });

  it("is checked for real: a route without its path parameter is refused", async () => {
    const doc = await served();
    delete doc.paths!["/api/domains/{domain}"]!.get!.parameters;
    expect((await validate(doc)).valid).toBe(false);
  });
});
