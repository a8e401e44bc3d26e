/** Where a sign-in may send the browser afterwards: a path of this service, never another site. */

// A leading "//" or "/\" is another host to a browser; printable ASCII only, so no header or URL tricks.
const SAFE_PATH = /^\/(?![/\\])[\x21-\x7e]{0,2047}$/;

/** `value` when it is a path of this service, else undefined. */
export const safeRelayPath = (value: string | null | undefined): string | undefined =>
  typeof value === "string" && SAFE_PATH.test(value) && !value.includes("\\") ? value : undefined;
