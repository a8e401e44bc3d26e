/** Organization settings with their defaults, and the settings a request may change. */
import type { OrgSettings } from "../db/schema";
import { z } from "../shared/api-schemas";

export interface ResolvedSettings {
  requireVerifiedDomain: boolean;
}

/** Settings as the API shows them, defaults filled in. */
export function resolveSettings(settings: OrgSettings | null | undefined): ResolvedSettings {
  return { requireVerifiedDomain: settings?.requireVerifiedDomain ?? true };
}

/** Settings as the API shows them. */
export const Settings = z
  .object({
    requireVerifiedDomain: z.boolean().openapi({ description: "A SCIM userName must be an e-mail address at a verified domain of the organization." }),
  })
  .openapi("Settings");

/** The `settings` of a request; unknown keys are refused so typos do not pass silently. */
export const SettingsChange = z.strictObject(
  { requireVerifiedDomain: z.boolean({ error: "must be true or false." }).optional() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown setting ${issue.keys.map((k) => `"${k}"`).join(", ")}.` : "must be an object.") },
);
