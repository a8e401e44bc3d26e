import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          // The service, inside the Workers runtime with real local D1 and Durable Objects.
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  OPERATOR_TOKEN: "test-operator-token",
                  KEY_ENCRYPTION_SECRET: "test-key-encryption-secret",
                  // Revocation is checked on every request in tests; production trusts a check for 60 s.
                  REVOCATION_CHECK_SECONDS: "0",
                  TEST_MIGRATIONS: migrations,
                },
              },
            }),
          ],
          test: {
            name: "workers",
            setupFiles: ["./test/support/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: ["test/tooling/**"],
            testTimeout: 30_000,
          },
        },
        {
          // The developer tooling (`npm run dev`), in Node.js.
          test: {
            name: "tooling",
            environment: "node",
            include: ["test/tooling/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
