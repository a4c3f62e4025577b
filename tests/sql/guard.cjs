// The rules InsForge's backend applies before `db migrations up` runs a file, restated from
// its migration service (the backend itself does not run here), with the parser it uses:
// libpg-query (pinned in tests/typecheck/node). Reads one file; prints "ok" and exits 0, or
// prints why it is refused and exits 1. A file that does not parse is refused too.
//
// Refused: `set_config` anywhere in the text (comments included); a TransactionStmt
// (BEGIN, COMMIT, ROLLBACK, SAVEPOINT…); SET/RESET of role, search_path or
// statement_timeout; RESET ALL; role management (CREATE/ALTER/DROP ROLE, GRANT/REVOKE of a
// role); ALTER DATABASE.
'use strict';
const fs = require('fs');
const path = require('path');

const modules = path.join(__dirname, '..', 'typecheck', 'node', 'node_modules');
let libpg;
try {
  libpg = require(path.join(modules, 'libpg-query'));
} catch (error) {
  // Not a refusal: the parser is not installed (exit 3, told apart from a refusal's 1).
  console.error(`guard.cjs cannot load libpg-query from ${modules}: ${error.message}`);
  process.exit(3);
}
const { loadModule, parseSync } = libpg;

const SETTINGS = new Set(['role', 'search_path', 'statement_timeout', 'session_authorization']);
const ROLES = new Set([
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'GrantRoleStmt',
]);
const DATABASE = new Set(['AlterDatabaseStmt', 'AlterDatabaseSetStmt', 'AlterDatabaseRefreshCollStmt']);

function refusal(sql) {
  if (/set_config/i.test(sql)) return 'it mentions set_config';
  let stmts;
  try {
    ({ stmts } = parseSync(sql));
  } catch (e) {
    return `it does not parse: ${e.message}`;
  }
  for (const { stmt } of stmts) {
    const [type, node] = Object.entries(stmt)[0];
    if (type === 'TransactionStmt') return `it manages its own transaction (${node.kind})`;
    if (type === 'VariableSetStmt') {
      if (node.kind === 'VAR_RESET_ALL') return 'it runs RESET ALL';
      if (SETTINGS.has(String(node.name).toLowerCase())) return `it sets ${node.name}`;
    }
    if (ROLES.has(type)) return `it manages roles (${type})`;
    if (DATABASE.has(type)) return `it alters the database (${type})`;
  }
  return null;
}

(async () => {
  await loadModule();
  const why = refusal(fs.readFileSync(process.argv[2], 'utf8'));
  if (why) {
    console.log(why);
    process.exit(1);
  }
  console.log('ok');
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
