import { defineConfig } from "drizzle-kit";

// Generates SQL into migrations/ in the flat layout `wrangler d1 migrations apply` reads.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
