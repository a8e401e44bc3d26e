import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  /** The service inside the Workers runtime, with real local D1 and Durable Objects. */
  const workers = (
    name: string,
    include: string[],
    exclude: string[],
    ratelimit?: { limit: number; period: 10 | 60 },
    testTimeout = 30_000,
    revocationCheckSeconds = "0",
  ) => ({
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            OPERATOR_TOKEN: "test-operator-token",
            KEY_ENCRYPTION_SECRET: "test-key-encryption-secret",
            // wrangler.toml's resolvers (tests stand in for them), whatever a developer's .dev.vars says.
            DOH_RESOLVERS: "https://cloudflare-dns.com/dns-query,https://dns.google/resolve",
            // Revocation is checked on every request in tests (but *.cached.test.ts); production trusts a check for 60 s.
            REVOCATION_CHECK_SECONDS: revocationCheckSeconds,
            TEST_MIGRATIONS: migrations,
          },
          ...(ratelimit ? { ratelimits: { SCIM_RATE_LIMIT: { simple: ratelimit } } } : {}),
        },
      }),
    ],
    test: { name, setupFiles: ["./test/support/apply-migrations.ts"], include, exclude, testTimeout },
  });
  return {
    test: {
      projects: [
        workers("workers", ["test/**/*.test.ts"], ["test/tooling/**", "test/stress/**", "test/reliability/overload.test.ts", "test/**/*.cached.test.ts"]),
        // The per-isolate caches on, as in production: what they keep must never outlive an expiry.
        workers("workers-cached", ["test/**/*.cached.test.ts"], [], undefined, 30_000, "60"),
        // `npm run test:stress`: 10,000-run property tests, too slow for every `npm test`.
        workers("stress", ["test/stress/**/*.test.ts"], [], undefined, 600_000),
        // A small budget, so the overload test can exceed it quickly.
        workers("workers-budget", ["test/reliability/overload.test.ts"], [], { limit: 40, period: 10 }),
        {
          // The developer tooling (`npm run dev`, pages in Chromium), in Node.js.
          test: {
            name: "tooling",
            environment: "node",
            include: ["test/tooling/**/*.test.ts"],
            // Generous: Chromium and `npm run dev` share the cores with every other project.
            testTimeout: 300_000,
            hookTimeout: 180_000,
            expect: { poll: { timeout: 60_000 } },
          },
        },
      ],
    },
  };
});
