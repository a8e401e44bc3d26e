/** Worker entry: HTTP through the app, the cron sweep, and the per-organization writer class. */
import { app } from "./app";
import { liveCheckDeps } from "./org/domains";
import { canonicalScimUrl } from "./scim/routes";
import { sweepDomains } from "./verify/sweep";

export { OrgWriter } from "./writer/org-writer";

export default {
  fetch(request, env, ctx) {
    const canonical = canonicalScimUrl(new URL(request.url));
    return app.fetch(canonical ? new Request(canonical, request) : request, env, ctx);
  },
  async scheduled(controller, env) {
    const report = await sweepDomains(env, liveCheckDeps(env), new Date(controller.scheduledTime));
    console.log("domain sweep", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
