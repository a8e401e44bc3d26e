/** Worker entry: HTTP through the app, the cron sweep, and the per-organization writer class. */
import { app } from "./app";
import { pruneCredentials } from "./db/prune";
import { pruneEvents } from "./monitor/retention";
import { configProblem } from "./shared/config";
import { liveCheckDeps } from "./org/domains";
import { canonicalScimUrl } from "./scim/routes";
import { refreshDueIssuers } from "./oauth/issuer-keys";
import { refreshDueIdentityProviders } from "./sso/refresh";
import { sweepDomains } from "./verify/sweep";
import { signingKeyWriter } from "./writer/address";

export { AccountWriter } from "./objects/account-writer";
export { OrgWriter } from "./objects/org-writer";
export { SigningKeyWriter } from "./objects/signing-key-writer";

export default {
  fetch(request, env, ctx) {
    const canonical = canonicalScimUrl(new URL(request.url));
    return app.fetch(canonical ? new Request(canonical, request) : request, env, ctx);
  },
  async scheduled(controller, env) {
    // A variable with a bad value fails the whole run, loudly and naming it, before any duty half-runs.
    const problem = configProblem(env);
    if (problem) {
      console.error(`cron not run: ${problem.message}`);
      throw problem;
    }
    const now = new Date(controller.scheduledTime);
    // Each duty runs even when another fails.
    const duties = {
      signingKeys: () => signingKeyWriter(env).rotateSigningKeys(now.getTime()),
      domains: () => sweepDomains(env, liveCheckDeps(env), now),
      prunedEvents: () => pruneEvents(env, now),
      prunedCredentials: () => pruneCredentials(env, now),
      identityProviders: () => refreshDueIdentityProviders(env, (...args) => fetch(...args), now),
      issuerKeys: () => refreshDueIssuers(env, (...args) => fetch(...args), now),
    };
    const report: Record<string, unknown> = {};
    for (const [name, duty] of Object.entries(duties)) {
      try {
        report[name] = (await duty()) ?? "ok";
      } catch (e) {
        report[name] = "failed";
        console.error(`cron duty ${name} failed`, e);
      }
    }
    console.log("cron", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
