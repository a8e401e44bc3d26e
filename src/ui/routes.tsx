/** Page routes: forms post here, each handler calls the same logic as the JSON API and redirects (303). */
import { Hono } from "hono";
import type { AppEnv } from "../shared/app-env";
import { accountPages, dashboardPages } from "./account-routes";
import { organizationPages } from "./organization-routes";
import { logoutPage, publicPages } from "./public-routes";

/** Every page: public ones, then the signed-in rooms under their prefixes (each behind its own guard). */
export const pages = new Hono<AppEnv>()
  .route("/", publicPages)
  .route("/logout", logoutPage)
  .route("/dashboard", dashboardPages)
  .route("/account", accountPages)
  .route("/organization", organizationPages);
