/** Worker entry: HTTP through the app, the cron sweep, and the per-organization writer class. */
import { app } from "./app";
import { liveCheckDeps } from "./org/domains";
import { canonicalScimUrl } from "./scim/routes";
import { sweepDomains } from "./verify/sweep";
import { keyWriter } from "./writer/stub";

export { OrgWriter } from "./writer/org-writer";

export default {
  fetch(request, env, ctx) {
    const canonical = canonicalScimUrl(new URL(request.url));
    return app.fetch(canonical ? new Request(canonical, request) : request, env, ctx);
  },
  async scheduled(controller, env) {
    const now = new Date(controller.scheduledTime);
    await keyWriter(env).rotateSigningKeys(now.getTime());
    const report = await sweepDomains(env, liveCheckDeps(env), now);
    console.log("domain sweep", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
