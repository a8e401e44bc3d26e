/** The organization as its admins and operators see it: domains, admins, settings. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { accounts, domains, orgAdmins, organizations } from "../db/schema";
import { domainView } from "./domain-view";
import { resolveSettings } from "./settings";

export async function organizationView(db: D1Database, orgId: string) {
  const d = drizzle(db);
  const [orgs, domainRows, admins] = await d.batch([
    d.select().from(organizations).where(eq(organizations.id, orgId)),
    d.select().from(domains).where(eq(domains.orgId, orgId)).orderBy(domains.domain),
    d
      .select({ accountId: orgAdmins.accountId, email: accounts.email, name: accounts.name, permission: orgAdmins.permission, since: orgAdmins.createdAt })
      .from(orgAdmins)
      .innerJoin(accounts, eq(accounts.id, orgAdmins.accountId))
      .where(eq(orgAdmins.orgId, orgId))
      .orderBy(accounts.emailKey),
  ]);
  const org = orgs[0];
  if (!org) return undefined;
  return {
    id: org.id,
    name: org.name,
    domains: domainRows.map(domainView),
    admins,
    settings: resolveSettings(org.settings),
    createdAt: org.createdAt,
  };
}
