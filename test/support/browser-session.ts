/** A browser-like session over the Worker's fetch: keeps cookies, sends forms with the page's CSRF token. */
import { BASE, call } from "./client";

/** A browser-like session: keeps cookies, sends forms with the page's CSRF token. */
export function browser() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (r: Response) => {
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=");
      if (/Max-Age=0/i.test(line) || value === "") jar.delete(name!);
      else jar.set(name!, value!);
    }
    return r;
  };
  const get = async (path: string) => keep(await call(path, { headers: { cookie: cookie() }, redirect: "manual" }));
  const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
  const post = async (path: string, form: Record<string, string>, csrf?: string) =>
    keep(
      await call(path, {
        method: "POST",
        redirect: "manual",
        // A browser names the page's origin on every form POST.
        headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded", origin: BASE },
        body: new URLSearchParams({ ...form, ...(csrf !== undefined ? { _csrf: csrf } : {}) }).toString(),
      }),
    );
  return { get, post, csrfOf, jar };
}

/** A browser signed in on the sign-in page as `who`, with its CSRF token and its cookies as a header. */
export async function signedInAs(who: { email: string; password: string }) {
  const b = browser();
  const csrf = b.csrfOf(await (await b.get("/login")).text());
  await b.post("/login", { email: who.email, password: who.password }, csrf);
  const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  return { b, csrf, cookie };
}
