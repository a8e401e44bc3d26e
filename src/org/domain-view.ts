/** The Domain object of the public contract. */
import type { DomainRow } from "../db/schema";

const PREFIX = "goto-verification-code=";

export function domainView(row: DomainRow) {
  const value = row.verificationCode ? `${PREFIX}${row.verificationCode}` : null;
  return {
    domain: row.domain,
    status: row.status,
    verificationCode: row.verificationCode,
    txtRecord: value ? { name: row.domain, type: "TXT", value } : null,
    httpFile: value ? { url: `http://${row.domain}/goto-verification-code.txt`, contents: value } : null,
    method: row.method,
    // Whether the DNS answer that verified the domain was DNSSEC-validated (the resolver's AD flag).
    dnssec: row.method === "dns" ? row.dnssec : null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    verifiedAt: row.verifiedAt,
    lastCheckedAt: row.lastCheckedAt,
    nextCheckAt: row.nextCheckAt,
    lastError: row.lastError,
  };
}
