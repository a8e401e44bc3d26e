/** Monitor pages: the provisioning log, the summary with its chart, and the directory of users and groups. */
import type { Child } from "hono/jsx";
import type { browseGroups, browseMembers, browseUsers } from "../monitor/directory";
import type { EventFilter, EventView } from "../monitor/events";
import { OPERATIONS } from "../monitor/events";
import type { Counts, provisioningSummary } from "../monitor/summary";
import { Columns, Layout, type Viewer } from "./layout";
import { queryOf, Select } from "./filters";
import { When } from "./when";

type Summary = Awaited<ReturnType<typeof provisioningSummary>>;

const resourceLink = (e: EventView) => {
  if (!e.resourceId || !e.resourceType) return e.resourceType ?? "";
  return e.resourceType === "Group" ? (
    <a href={`/organization/groups/${e.resourceId}`}>Group {e.resourceId}</a>
  ) : (
    <a href={`/organization/users?q=${encodeURIComponent(e.externalId ?? "")}`}>User {e.resourceId}</a>
  );
};

export function LogPage(props: { viewer: Viewer; csrf: string; filter: EventFilter; events: EventView[]; nextCursor: string | null }) {
  const f = props.filter;
  const filterParams = { status: f.status === undefined ? undefined : String(f.status), operation: f.operation, resourceType: f.resourceType, since: f.since };
  return (
    <Layout title="Provisioning log" viewer={props.viewer} csrf={props.csrf}>
      <h1>Provisioning log</h1>
      <p>
        <a href="/organization/summary">Summary</a> · <a href={`/api/organization/provisioning-events.csv${queryOf(filterParams)}`}>Export as CSV</a>
      </p>
      <form method="get" action="/organization/log" class="card">
        <div class="row">
          <Select
            id="f-status"
            label="Status"
            name="status"
            value={filterParams.status}
            options={[
              ["", "Any"],
              ["success", "Succeeded"],
              ["failure", "Failed"],
            ]}
          />
          <Select
            id="f-operation"
            label="Operation"
            name="operation"
            value={f.operation}
            options={[["", "Any"], ...OPERATIONS.map((o): [string, string] => [o, o])]}
          />
          <Select
            id="f-type"
            label="Resource"
            name="resourceType"
            value={f.resourceType}
            options={[
              ["", "Any"],
              ["User", "Users"],
              ["Group", "Groups"],
            ]}
          />
          <div>
            <label for="f-since">Since (UTC)</label>
            <input id="f-since" name="since" type="text" placeholder="2026-11-29T00:00:00Z" value={f.since ?? ""} />
          </div>
        </div>
        <button type="submit">Filter</button>
      </form>
      <section class="card" aria-labelledby="events">
        <h2 id="events">Events</h2>
        {props.events.length === 0 ? <p class="muted">No events match.</p> : null}
        <table>
          <Columns names={["Time", "Request", "Operation", "Resource", "Status", "Latency"]} action={false} />
          <tbody>
            {props.events.map((e) => (
              <>
                <tr data-event={e.id} class={e.status >= 400 ? "failed" : ""}>
                  <td>
                    <When at={e.at} />
                  </td>
                  <td>
                    {e.method} {e.path}
                  </td>
                  <td>{e.operation}</td>
                  <td>{resourceLink(e)}</td>
                  <td>
                    <span class={`status ${e.status >= 400 ? "status-expired" : "status-verified"}`}>{e.status}</span>
                  </td>
                  <td>{e.latencyMs} ms</td>
                </tr>
                {e.error ? (
                  <tr>
                    <td colspan={6} class="problem">
                      {e.error}
                    </td>
                  </tr>
                ) : null}
              </>
            ))}
          </tbody>
        </table>
        {props.nextCursor ? <a href={`/organization/log${queryOf({ ...filterParams, cursor: props.nextCursor })}`}>Older events</a> : null}
      </section>
    </Layout>
  );
}

const SERIES: [keyof Counts, string, string][] = [
  ["creates", "Creates", "#0b5fff"],
  ["updates", "Updates", "#6a5acd"],
  ["deactivations", "Deactivations", "#9a5b00"],
  ["deletions", "Deletions", "#5b6570"],
  ["membershipChanges", "Membership changes", "#137a3a"],
  ["failures", "Failures", "#b3261e"],
];

/** Counts per period, one column per kind. */
function CountsTable(props: { label: string; rows: [Child, Counts][] }) {
  return (
    <table>
      <Columns names={[props.label, ...SERIES.map(([, label]) => label)]} action={false} />
      <tbody>
        {props.rows.map(([period, counts]) => (
          <tr>
            <td>{period}</td>
            {SERIES.map(([key]) => (
              <td>{counts[key]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Stacked daily bars drawn on the server as SVG: no script, no chart library. */
function DailyChart(props: { daily: Summary["daily"] }) {
  const width = 640;
  const height = 200;
  const slot = width / props.daily.length;
  const max = Math.max(1, ...props.daily.map((d) => SERIES.reduce((sum, [key]) => sum + Number(d[key]), 0)));
  return (
    <svg viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-labelledby="chart-title" class="chart">
      <title id="chart-title">Requests per day by kind, last {props.daily.length} days</title>
      {props.daily.map((d, i) => {
        let y = height;
        return (
          <g>
            {SERIES.map(([key, label, color]) => {
              const value = Number(d[key]);
              const h = (value / max) * (height - 10);
              y -= h;
              return value > 0 ? (
                <rect x={i * slot + slot * 0.15} y={y} width={slot * 0.7} height={h} fill={color}>
                  <title>{`${d.day}: ${value} ${label.toLowerCase()}`}</title>
                </rect>
              ) : null;
            })}
            <text x={i * slot + slot / 2} y={height + 16} text-anchor="middle" font-size="11">
              {d.day.slice(5)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function SummaryPage(props: { viewer: Viewer; csrf: string; summary: Summary }) {
  const { summary } = props;
  const recentHours = summary.hourly.filter((h) => SERIES.some(([key]) => Number(h[key]) > 0));
  return (
    <Layout title="Provisioning summary" viewer={props.viewer} csrf={props.csrf}>
      <h1>Provisioning summary</h1>
      <p>
        <a href="/organization/log">Provisioning log</a>
      </p>
      <section class="card" aria-labelledby="last-sync">
        <h2 id="last-sync">Last sync</h2>
        {summary.lastSync ? (
          <p>
            From <When at={summary.lastSync.start} ago={false} /> to <When at={summary.lastSync.end} />: {summary.lastSync.requests} requests,{" "}
            {summary.lastSync.failures} failed ({(summary.lastSync.errorRate * 100).toFixed(1)}% errors).
          </p>
        ) : (
          <p class="muted">Nothing was provisioned yet.</p>
        )}
      </section>
      <section class="card" aria-labelledby="per-day">
        <h2 id="per-day">Per day</h2>
        <DailyChart daily={summary.daily} />
        <ul class="legend">
          {SERIES.map(([, label, color]) => (
            <li>
              <svg width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" fill={color} />
              </svg>{" "}
              {label}
            </li>
          ))}
        </ul>
        <CountsTable label="Day (UTC)" rows={summary.daily.map((d) => [d.day, d])} />
      </section>
      <section class="card" aria-labelledby="per-hour">
        <h2 id="per-hour">Per hour (last 48 hours, active hours)</h2>
        {recentHours.length === 0 ? <p class="muted">No requests in the last 48 hours.</p> : null}
        <CountsTable label="Hour" rows={recentHours.map((h) => [<When at={h.hour} />, h])} />
      </section>
      <section class="card" aria-labelledby="top-failures">
        <h2 id="top-failures">Top failure reasons</h2>
        {summary.topFailures.length === 0 ? <p class="muted">No failures in this period.</p> : null}
        <ol>
          {summary.topFailures.map((f) => (
            <li>
              {f.count} × HTTP {f.status}: {f.reason}
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}

type UserPage = Awaited<ReturnType<typeof browseUsers>>;

export function UsersPage(props: { viewer: Viewer; csrf: string; q: string; active: string; page: UserPage }) {
  return (
    <Layout title="Users" viewer={props.viewer} csrf={props.csrf}>
      <h1>Users</h1>
      <form method="get" action="/organization/users" class="card">
        <div class="row">
          <div>
            <label for="q">Search (user name or display name prefix, exact external ID)</label>
            <input id="q" name="q" type="text" value={props.q} />
          </div>
          <Select
            id="active"
            label="State"
            name="active"
            value={props.active}
            options={[
              ["", "Any"],
              ["true", "Active"],
              ["false", "Inactive"],
            ]}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      <section class="card">
        {props.page.users.length === 0 ? <p class="muted">No users match.</p> : null}
        <table>
          <Columns names={["User name", "Display name", "External ID", "State", "Groups"]} action={false} />
          <tbody>
            {props.page.users.map((u) => (
              <tr data-user={u.id}>
                <td>{u.userName}</td>
                <td>{u.displayName ?? ""}</td>
                <td>{u.externalId ?? ""}</td>
                <td>{u.active ? "active" : "inactive"}</td>
                <td>
                  {u.groups.map((g, i) => (
                    <>
                      {i > 0 ? ", " : ""}
                      <a href={`/organization/groups/${g.id}`}>{g.displayName}</a>
                    </>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.page.next ? <a href={`/organization/users${queryOf({ q: props.q, active: props.active, after: props.page.next })}`}>Next page</a> : null}
      </section>
    </Layout>
  );
}

type GroupPage = Awaited<ReturnType<typeof browseGroups>>;

export function GroupsPage(props: { viewer: Viewer; csrf: string; page: GroupPage }) {
  return (
    <Layout title="Groups" viewer={props.viewer} csrf={props.csrf}>
      <h1>Groups</h1>
      <section class="card">
        {props.page.groups.length === 0 ? <p class="muted">No groups yet.</p> : null}
        <table>
          <Columns names={["Group", "External ID", "Members"]} action={false} />
          <tbody>
            {props.page.groups.map((g) => (
              <tr>
                <td>
                  <a href={`/organization/groups/${g.id}`}>{g.displayName}</a>
                </td>
                <td>{g.externalId ?? ""}</td>
                <td>{g.members}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.page.next ? <a href={`/organization/groups${queryOf({ after: props.page.next })}`}>Next page</a> : null}
      </section>
    </Layout>
  );
}

type MemberPage = NonNullable<Awaited<ReturnType<typeof browseMembers>>>;

export function GroupPage(props: { viewer: Viewer; csrf: string; page: MemberPage }) {
  const { group } = props.page;
  return (
    <Layout title={group.displayName} viewer={props.viewer} csrf={props.csrf}>
      <h1>{group.displayName}</h1>
      <p>
        <a href="/organization/groups">All groups</a>
      </p>
      <section class="card">
        {props.page.members.length === 0 ? <p class="muted">No members.</p> : null}
        <table>
          <Columns names={["Member", "Type"]} action={false} />
          <tbody>
            {props.page.members.map((m) => (
              <tr>
                <td>{m.type === "Group" ? <a href={`/organization/groups/${m.id}`}>{m.name ?? m.id}</a> : (m.name ?? m.id)}</td>
                <td>{m.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.page.next ? <a href={`/organization/groups/${group.id}${queryOf({ after: props.page.next })}`}>Next page</a> : null}
      </section>
    </Layout>
  );
}
