/** The pages' stylesheet and script, served from our own origin so the CSP can forbid inline code. */

export const STYLESHEET = `
:root { --ink:#1b1f24; --muted:#5b6570; --line:#d7dde3; --accent:#0b5fff; --ok:#137a3a; --warn:#9a5b00; --bad:#b3261e; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--ink); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); }
/* The bar spans the window so brand and every link share one row on a laptop; narrower, the links wrap below the brand. */
header .bar { padding:.5rem 1.5rem; display:flex; flex-wrap:wrap; gap:.5rem 2rem; }
header .brand { display:flex; align-items:center; font-weight:700; margin-right:auto; color:var(--ink); text-decoration:none; white-space:nowrap; }
nav a, .link { color:var(--accent); }
.nav { display:flex; flex-wrap:wrap; gap:.25rem .9rem; align-items:center; font-size:.9rem; }
.nav a { white-space:nowrap; }
.nav form { display:flex; }
.nav button { padding:.2rem .65rem; }
.flat { margin:0; }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
main { max-width:960px; margin:0 auto; padding:1rem; }
h1 { font-size:1.5rem; margin:.5rem 0 1rem; }
h2 { font-size:1.15rem; margin:0 0 .5rem; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:1rem; margin:0 0 1rem; }
.narrow { max-width:420px; margin:2rem auto; }
label { display:block; font-weight:600; margin:.75rem 0 .25rem; }
input[type=text], input[type=email], input[type=password], input[type=url], input[type=datetime-local], select, textarea {
  width:100%; padding:.55rem .6rem; font:inherit; border:1px solid var(--line); border-radius:6px; background:#fff; }
input:focus-visible, button:focus-visible, a:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline:3px solid #8ab4ff; outline-offset:2px; }
button { font:inherit; padding:.5rem .9rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; margin-top:.75rem; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { background:#fff; color:var(--bad); border-color:var(--bad); }
.inline { display:inline; }
.error { color:var(--bad); background:#fdecea; border:1px solid #f5c2bd; padding:.5rem .75rem; border-radius:6px; }
.notice { background:#eef4ff; border:1px solid #c9dafc; padding:.5rem .75rem; border-radius:6px; }
.status { display:inline-block; padding:.1rem .55rem; border-radius:999px; font-size:.85rem; font-weight:700; }
.status-pending { background:#fff4e0; color:var(--warn); }
.status-verified { background:#e5f5ea; color:var(--ok); }
.status-expired { background:#fdecea; color:var(--bad); }
.muted { color:var(--muted); font-size:.9rem; }
.ago { color:var(--muted); white-space:nowrap; }
.problem { color:var(--bad); overflow-wrap:anywhere; }
.chart { width:100%; height:auto; max-width:640px; }
.legend { list-style:none; padding:0; display:flex; flex-wrap:wrap; gap:.5rem 1rem; }
tr.failed td { background:#fff8f7; }
.problem:empty { display:none; }
.record { display:grid; grid-template-columns: 7rem 1fr auto; gap:.25rem .75rem; align-items:center; margin:.5rem 0; }
/* Entra's long field names ("Reply URL (Assertion Consumer Service URL)") need a wider label column. */
.record.wide { grid-template-columns: minmax(10rem, 16rem) 1fr auto; }
.record code, .secret { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break:break-all; background:var(--bg); padding:.15rem .35rem; border-radius:4px; }
.record button { margin:0; padding:.25rem .6rem; font-size:.85rem; }
table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:.4rem .3rem; border-bottom:1px solid var(--line); vertical-align:top; }
.row { display:flex; flex-wrap:wrap; gap:.75rem; align-items:end; }
.row > * { flex:1 1 12rem; }
@media (max-width: 600px) {
  header .bar { padding:.5rem 1rem; }
  .record, .record.wide { grid-template-columns: 1fr; }
  th:nth-child(n+3), td:nth-child(n+3) { display:none; }
}
`;

export const SCRIPT = `
"use strict";
// Copy buttons.
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.getAttribute("data-copy"));
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy";
    }
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });
});

// Times: the server wrote UTC; show them in the reader's zone, and keep "3 min ago" true while the page stays open.
const localFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });
// The same rule as agoText in src/ui/when.tsx, so the hint does not change wording when the script takes over.
function ago(ms) {
  const a = Math.abs(ms), MINUTE = 60000, HOUR = 3600000, DAY = 86400000;
  if (a < 45000) return "just now";
  const count = (n, unit) => n + " " + unit + (n === 1 ? "" : "s");
  const months = Math.floor(a / (30 * DAY));
  const span = a < HOUR ? Math.max(1, Math.floor(a / MINUTE)) + " min"
    : a < DAY ? count(Math.floor(a / HOUR), "hour")
    : months < 2 ? count(Math.floor(a / DAY), "day")
    : months < 12 ? count(months, "month")
    : count(Math.max(1, Math.floor(a / (365 * DAY))), "year");
  return ms > 0 ? "in " + span : span + " ago";
}
function showTime(el) {
  const at = Date.parse(el.getAttribute("datetime"));
  if (Number.isNaN(at)) return;
  el.textContent = localFormat.format(at);
  if (el.hasAttribute("data-ago")) {
    const hint = document.createElement("span");
    hint.className = "ago";
    hint.textContent = " (" + ago(at - Date.now()) + ")";
    el.append(hint);
  }
}
// A new time from the API, built like the server's <When>.
function timeElement(iso) {
  const el = document.createElement("time");
  el.setAttribute("datetime", iso);
  el.title = iso;
  el.setAttribute("data-local", "");
  el.setAttribute("data-ago", "");
  showTime(el);
  return el;
}
function showTimeOrWord(el, iso, word) {
  if (el) el.replaceChildren(iso ? timeElement(iso) : word);
}

// Expiry countdowns (the same rule as leftText in src/ui/when.tsx).
function countdown(el) {
  const left = Date.parse(el.getAttribute("data-expires")) - Date.now();
  if (left <= 0) { el.textContent = "expired"; return; }
  const days = Math.floor(left / 86400000), hours = Math.floor((left % 86400000) / 3600000), minutes = Math.floor((left % 3600000) / 60000);
  el.textContent = days > 0 ? days + " d " + hours + " h left" : hours + " h " + minutes + " min left";
}
function tick() {
  document.querySelectorAll("time[data-local]").forEach(showTime);
  document.querySelectorAll("[data-expires]").forEach(countdown);
}
tick();
setInterval(tick, 30000);

// Live status of pending domains: poll the API until each one settles.
document.querySelectorAll("[data-domain][data-status=pending]").forEach((card) => {
  const domain = card.getAttribute("data-domain");
  const statusEl = card.querySelector("[data-field=status]");
  const errorEl = card.querySelector("[data-field=lastError]");
  const checkedEl = card.querySelector("[data-field=lastCheckedAt]");
  const nextEl = card.querySelector("[data-field=nextCheckAt]");
  const poll = async () => {
    try {
      const response = await fetch("/api/domains/" + encodeURIComponent(domain), { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const d = await response.json();
        statusEl.textContent = d.status;
        statusEl.className = "status status-" + d.status;
        card.setAttribute("data-status", d.status);
        if (errorEl) errorEl.textContent = d.lastError || "";
        showTimeOrWord(checkedEl, d.lastCheckedAt, "not yet");
        showTimeOrWord(nextEl, d.nextCheckAt, "none");
        if (d.status !== "pending") {
          card.querySelectorAll("[data-while-pending]").forEach((el) => el.remove());
          if (d.status === "verified") card.querySelectorAll("[data-when-verified]").forEach((el) => (el.hidden = false));
          const live = document.getElementById("live");
          if (live) live.textContent = domain + " is " + d.status + ".";
          return;
        }
      }
    } catch {}
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 3000);
});
`;
