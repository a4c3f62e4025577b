// What tokens.cjs and hooks.cjs share: loading the tool's generated TypeScript, unmodified,
// in Node, with the real packages of tests/typecheck/node, and answering only what cannot
// run outside a Next.js app (see each script for what that is).
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { pathToFileURL } = require('url');

const here = path.join(__dirname, 'node', 'node_modules');
const need = (id) => require(require.resolve(id, { paths: [here] }));

// TypeScript compiled with the real `typescript` (transpile only) as Node loads it.
function installTypeScript() {
  const ts = need('typescript');
  require.extensions['.ts'] = require.extensions['.tsx'] = (m, filename) => {
    const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        jsx: ts.JsxEmit.ReactJSX,
      },
    });
    m._compile(out.outputText, filename);
  };
}

// `stubs` answer these module ids; `app` answers the app's own modules (`@/lib/auth`) by
// their alias path. Everything else resolves as Node does, `@/…` as the app's tsconfig says
// (`@/*` -> the source root), relative imports to .ts/.tsx files.
function installStubs(stubs, sourceRoot, app = {}) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request in stubs) return 'stub:' + request;
    if (request in app) return 'stub:app:' + request;
    const candidates = request.startsWith('@/')
      ? [path.join(sourceRoot, request.slice(2))]
      : request.startsWith('.') && parent && parent.filename
        ? [path.resolve(path.dirname(parent.filename), request)]
        : [];
    for (const base of candidates) {
      for (const ext of ['.ts', '.tsx', '/index.ts']) {
        if (fs.existsSync(base + ext)) return base + ext;
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
  const put = (id, exports) => {
    const m = new Module(id);
    m.exports = exports;
    m.loaded = true;
    Module._cache[id] = m;
  };
  for (const [id, exports] of Object.entries(stubs)) put('stub:' + id, exports);
  for (const [id, exports] of Object.entries(app)) put('stub:app:' + id, exports);
}

// The real @insforge/sdk, as the ES module apps bundle (its CommonJS build requires an
// ES-only dependency), with createClient and setAccessToken recording what they get.
async function spiedSdk(seen) {
  const entry = path.join(here, '@insforge', 'sdk', 'dist', 'index.mjs');
  const sdk = await import(pathToFileURL(entry).href);
  return {
    ...sdk,
    createClient(options) {
      seen.createClient.push(options);
      const client = sdk.createClient(options);
      const set = client.setAccessToken.bind(client);
      client.setAccessToken = (token, ...rest) => {
        seen.setAccessToken.push(rest.length ? [token, ...rest] : [token]);
        return set(token, ...rest);
      };
      return client;
    },
  };
}

module.exports = { here, need, installTypeScript, installStubs, spiedSdk };
