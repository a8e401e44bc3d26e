/** Bodies and answers of the account API, declared once: the validator and the OpenAPI document read them. */
import { Permission, Timestamp, jsonObject, requiredString, text, z } from "../shared/api-schemas";
import { isEmail, MAX_PASSWORD, MIN_PASSWORD } from "./sign-in";

/** An e-mail address whose domain is a real domain name. */
export const EmailAddress = z
  .string({ error: "must be an e-mail address." })
  .refine(isEmail, { error: "must be an e-mail address whose domain is a real domain name." })
  .openapi({ format: "email", example: "ada@contoso.com" });

const TOO_SHORT = `must have at least ${MIN_PASSWORD} characters.`;

/** A password an account may choose. */
export const NewPassword = z
  .string({ error: TOO_SHORT })
  .min(MIN_PASSWORD, { error: TOO_SHORT })
  .max(MAX_PASSWORD, { error: `may have at most ${MAX_PASSWORD} characters.` });

export const SignUp = jsonObject({ email: EmailAddress, password: NewPassword, name: text(200).nullish() }).openapi("SignUp");

export const SignIn = jsonObject({ email: requiredString(), password: requiredString() }).openapi("SignIn");

export const PasswordChange = jsonObject({ currentPassword: requiredString(), newPassword: NewPassword }).openapi("PasswordChange");

export const NewAccount = z.object({ id: z.string(), email: z.string() });

export const SessionToken = z.object({ token: z.string(), expiresAt: Timestamp });

export const Sessions = z.object({
  sessions: z.array(z.object({ id: z.string(), userAgent: z.string().nullable(), createdAt: Timestamp, expiresAt: Timestamp, current: z.boolean() })),
});

/** The organization an account administers, with its role there. */
export const Administered = z.object({ id: z.string(), name: z.string(), role: z.literal("admin"), permission: Permission });

export const Me = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    organization: Administered.nullable(),
    pendingInvitations: z.number().int(),
    user: z
      .object({ id: z.string(), userName: z.string(), organization: z.object({ id: z.string(), name: z.string() }) })
      .optional()
      .openapi({ description: "The provisioned (SCIM) user, for a session made by single sign-on." }),
  })
  .openapi("Me");

export const ReceivedInvitations = z.object({
  invitations: z.array(
    z.object({
      id: z.string(),
      organization: z.object({ id: z.string(), name: z.string() }),
      permission: Permission,
      invitedBy: z.string(),
      expiresAt: Timestamp,
    }),
  ),
});

export const Accepted = z.object({ organization: Administered });

export const EndedSessions = z.object({ endedSessions: z.number().int() });
