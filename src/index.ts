/** Worker entry: HTTP through the app, the cron sweep, and the per-organization writer class. */
import { app } from "./app";
import { canonicalScimUrl } from "./scim/routes";

export { OrgWriter } from "./writer/org-writer";

export default {
  fetch(request, env, ctx) {
    const canonical = canonicalScimUrl(new URL(request.url));
    return app.fetch(canonical ? new Request(canonical, request) : request, env, ctx);
  },
  async scheduled() {
    // Domain re-verification joins the cron with the Organization Center.
  },
} satisfies ExportedHandler<Env>;
