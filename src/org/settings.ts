/** Organization settings with their defaults. */
import type { OrgSettings } from "../db/schema";

export interface ResolvedSettings {
  requireVerifiedDomain: boolean;
}

/** Settings as the API shows them, defaults filled in. */
export function resolveSettings(settings: OrgSettings | null | undefined): ResolvedSettings {
  return { requireVerifiedDomain: settings?.requireVerifiedDomain ?? true };
}

/** Reads a `settings` object from a request; unknown keys are refused so typos do not pass silently. */
export function readSettings(raw: unknown): { ok: true; settings: OrgSettings } | { ok: false; message: string } {
  if (raw === undefined || raw === null) return { ok: true, settings: {} };
  if (typeof raw !== "object" || Array.isArray(raw)) return { ok: false, message: "settings must be an object." };
  const settings: OrgSettings = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "requireVerifiedDomain") return { ok: false, message: `Unknown setting "${key}".` };
    if (typeof value !== "boolean") return { ok: false, message: "settings.requireVerifiedDomain must be true or false." };
    settings.requireVerifiedDomain = value;
  }
  return { ok: true, settings };
}
