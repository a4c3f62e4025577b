// Loads each case folder with the real @next/env, as `next dev` does, and prints what it
// loaded as JSON: { "<case>": { "env": { KEY: value }, "failed": bool } }.
// Usage: node load.cjs <root> <case>...
const { loadEnvConfig } = require('@next/env');

const root = process.argv[2];
const out = {};
for (const name of process.argv.slice(3)) {
  let failed = false;
  const log = { info() {}, error() { failed = true; } };
  const { parsedEnv } = loadEnvConfig(`${root}/${name}`, true, log, true);
  out[name] = { env: { ...(parsedEnv || {}) }, failed };
}
process.stdout.write(JSON.stringify(out));
