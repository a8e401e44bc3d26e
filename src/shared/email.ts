/** The parts of an e-mail address the service reads. */

/** The domain of an address: what follows its last "@" (a quoted local part may hold one); undefined without a local part and a domain. */
export function emailDomain(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  return at > 0 && at < address.length - 1 ? address.slice(at + 1) : undefined;
}
