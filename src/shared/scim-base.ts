/** Where the SCIM service lives: the tenant URL admins paste into Entra, and the audience of access tokens. */

export const SCIM_PATH = "/scim/v2";

/** The SCIM base URL of the origin `url` came to: `https://host/scim/v2`. */
export const scimBaseOf = (url: string | URL): string => `${new URL(url).origin}${SCIM_PATH}`;
