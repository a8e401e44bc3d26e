// A local DNS-over-HTTPS stub (DNS JSON API) for verifying domains offline with `npm run dev`.
//   node scripts/dns-stub.mjs                      serve on 127.0.0.1:8053 (DNS_STUB_PORT)
//   node scripts/dns-stub.mjs add <name> <value>   publish a TXT record
//   node scripts/dns-stub.mjs remove <name>        remove a name's records
//   node scripts/dns-stub.mjs list                 show the records
// Records live in .dev-dns.json: {"example.com": ["goto-verification-code=..."]}.
// Over HTTP: GET /dns-query?name=&type=TXT, GET /records, POST /records {name, value}, DELETE /records?name=.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const RECORDS_FILE = process.env.DNS_STUB_FILE ?? path.join(root, ".dev-dns.json");
export const DEFAULT_PORT = Number(process.env.DNS_STUB_PORT ?? 8053);

const normalize = (name) => String(name).trim().toLowerCase().replace(/\.$/, "");

export function readRecords() {
  if (!existsSync(RECORDS_FILE)) return {};
  try {
    return JSON.parse(readFileSync(RECORDS_FILE, "utf8"));
  } catch {
    return {};
  }
}

const writeRecords = (records) => writeFileSync(RECORDS_FILE, `${JSON.stringify(records, null, 2)}\n`);

export function addRecord(name, value) {
  const records = readRecords();
  const key = normalize(name);
  records[key] = [...new Set([...(records[key] ?? []), String(value)])];
  writeRecords(records);
}

export function removeRecords(name) {
  const records = readRecords();
  delete records[normalize(name)];
  writeRecords(records);
}

// Real TXT data: each record quoted, split into chunks of at most 255 characters.
const txtData = (value) => (value.match(/.{1,255}/gs) ?? [""]).map((c) => `"${c.replace(/["\\]/g, "\\$&")}"`).join(" ");

function answer(name, type) {
  const records = readRecords()[normalize(name)];
  if (!records) return { Status: 3, AD: false, Question: [{ name, type: 16 }] };
  const wantsTxt = String(type).toUpperCase() === "TXT" || String(type) === "16";
  return {
    Status: 0,
    AD: false,
    Question: [{ name, type: 16 }],
    Answer: wantsTxt ? records.map((value) => ({ name, type: 16, TTL: 60, data: txtData(value) })) : [],
  };
}

const send = (res, status, body, type = "application/dns-json") => {
  res.writeHead(status, { "content-type": type });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};

/** Starts the stub; resolves with the server once it listens. */
export function startDnsStub(port = DEFAULT_PORT) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && (url.pathname === "/dns-query" || url.pathname === "/resolve")) {
      const name = url.searchParams.get("name");
      if (!name) return send(res, 400, { Status: 1, Comment: "name is required" });
      return send(res, 200, answer(name, url.searchParams.get("type") ?? "A"));
    }
    if (url.pathname === "/records") {
      if (req.method === "GET") return send(res, 200, readRecords(), "application/json");
      if (req.method === "DELETE") {
        removeRecords(url.searchParams.get("name") ?? "");
        return send(res, 204, "");
      }
      if (req.method === "POST") {
        let body = "";
        req.on("data", (chunk) => (body += chunk));
        req.on("end", () => {
          try {
            const { name, value } = JSON.parse(body);
            if (!name || typeof value !== "string") throw new Error();
            addRecord(name, value);
            send(res, 201, readRecords(), "application/json");
          } catch {
            send(res, 400, { error: 'send {"name": "example.com", "value": "goto-verification-code=..."}' }, "application/json");
          }
        });
        return;
      }
    }
    send(res, 404, { error: "not found" }, "application/json");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [command, name, value] = process.argv.slice(2);
  if (command === "add" && name && value) {
    addRecord(name, value);
    console.log(`TXT ${normalize(name)} "${value}" published in ${RECORDS_FILE}`);
  } else if (command === "remove" && name) {
    removeRecords(name);
    console.log(`Records of ${normalize(name)} removed.`);
  } else if (command === "list") {
    console.log(JSON.stringify(readRecords(), null, 2));
  } else if (!command) {
    await startDnsStub();
    console.log(`DNS-over-HTTPS stub on http://127.0.0.1:${DEFAULT_PORT}/dns-query (records in ${RECORDS_FILE})`);
  } else {
    console.error("usage: dns-stub.mjs [add <name> <value> | remove <name> | list]");
    process.exit(2);
  }
}
