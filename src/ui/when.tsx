/** Times on the pages: readable UTC from the server, the reader's own zone once the page script runs (assets.ts). */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const two = (n: number) => String(n).padStart(2, "0");

/** "10 Dec 2026, 06:30 UTC": what a reader without the script (or before it runs) sees. */
export function utcText(at: Date): string {
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
}

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "in 9 days", "3 min ago", "just now". The page script repeats this rule word for word (assets.ts `ago`). */
export function agoText(ms: number): string {
  const a = Math.abs(ms);
  if (a < 45_000) return "just now";
  const months = Math.floor(a / (30 * DAY));
  const span =
    a < HOUR
      ? `${Math.max(1, Math.floor(a / MINUTE))} min`
      : a < DAY
        ? count(Math.floor(a / HOUR), "hour")
        : months < 2
          ? count(Math.floor(a / DAY), "day")
          : months < 12
            ? count(months, "month")
            : count(Math.max(1, Math.floor(a / (365 * DAY))), "year");
  return ms > 0 ? `in ${span}` : `${span} ago`;
}

/**
 * A moment as `<time datetime>`: UTC text with how far off it is, rewritten in the reader's zone by the
 * page script (`data-local`); `none` is the word for a time that has not happened ("never", "not yet").
 */
export function When(props: { at: string | null | undefined; none?: string; ago?: boolean }) {
  if (!props.at) return <>{props.none ?? ""}</>;
  const at = new Date(props.at);
  if (Number.isNaN(at.getTime())) return <>{props.at}</>;
  // The ISO string stays in the markup: machines read `datetime`, people can hover for `title`.
  const iso = at.toISOString();
  const ago = props.ago ?? true;
  return (
    <time datetime={iso} title={iso} data-local data-ago={ago ? "" : undefined}>
      {utcText(at)}
      {ago ? <span class="ago"> ({agoText(at.getTime() - Date.now())})</span> : null}
    </time>
  );
}

/** "9 d 23 h left": the server's first text of a `data-expires` countdown, the rule the page script keeps running. */
export function leftText(ms: number): string {
  if (ms <= 0) return "expired";
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  return days > 0 ? `${days} d ${hours} h left` : `${hours} h ${minutes} min left`;
}
