// The direction of the house: a room may import the rooms below it, never one above.
// Entry (index, app) > objects > ui, operator > org > monitor > scim > oauth > account > verify > writer > db, shared.
const rooms = ["objects", "ui|operator", "org", "monitor", "sso", "scim", "oauth", "account", "verify", "writer", "db|shared"];
const room = (name) => `^src/(${name})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...rooms.flatMap((name, rank) =>
      rank === 0
        ? []
        : [
            {
              name: `${name.replace("|", "-")}-imports-no-higher-room`,
              comment: `${name} is below ${rooms.slice(0, rank).join(", ")}: it must not import them.`,
              severity: "error",
              from: { path: room(name) },
              to: { path: `${room(rooms.slice(0, rank).join("|"))}|^src/(index|app)\\.tsx?$` },
            },
          ],
    ),
    {
      name: "ui-and-operator-apart",
      comment: "Pages and the operator API are separate rooms of the same height.",
      severity: "error",
      from: { path: "^src/(ui|operator)/" },
      to: { path: "^src/(ui|operator)/", pathNot: "^src/$1/" },
    },
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    { name: "no-room-cycles", severity: "error", scope: "folder", from: { path: "^src/[^/]+$" }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
