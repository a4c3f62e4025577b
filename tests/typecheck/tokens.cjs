// Runs a module the tool generated, unmodified, in Node against the real published packages
// (@insforge/sdk, jsonwebtoken, next/server), and reports what reached the InsForge client
// and how InsForge would judge the token.
//
//   node tokens.cjs <source root> <scenario JSON>
//
// Scenario: { module, call, user: { id, email } | null, secret, provider, app, url? }.
// `call` is the export to run: a server utility (`getInsforgeClient`) or a route handler
// (`GET`, called with a Request).
//
// Only what cannot run outside a Next.js request, or would reach the provider's servers, is
// replaced, at its boundary:
//   - the provider SDK's session call (WorkOS `withAuth`, Kinde `getKindeServerSession`,
//     Clerk's server `auth()`,
//     Stytch `sessions.authenticate` on the real `stytch` Client, Better Auth's
//     `auth.api.getSession` and Auth0's `auth0.getSession` on the app's own instance),
//     returning the scenario's user (for Auth0, the session the real Action and hook make);
//   - `next/headers` (cookies and headers of the request) and `server-only` (a build-time
//     guard with nothing to do at run time).
// TypeScript is compiled with the real `typescript` (transpile only) as Node loads it.
'use strict';
const path = require('path');
const { need, installTypeScript, installStubs, spiedSdk } = require('./loader.cjs');
const jwt = need('jsonwebtoken');

const [sourceRoot, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
const user = scenario.user;

const seen = { createClient: [], setAccessToken: [] };

// The request the module runs in: the Stytch session cookie, the Better Auth cookie.
const cookieJar = new Map(user ? [['stytch_session', 'session-token-of-' + user.id]] : []);
const requestHeaders = new Headers(user ? { cookie: 'better-auth.session_token=of-' + user.id } : {});

const stubs = {
  'server-only': {},
  'next/headers': {
    cookies: async () => ({ get: (name) => (cookieJar.has(name) ? { name, value: cookieJar.get(name) } : undefined) }),
    headers: async () => requestHeaders,
  },
  '@workos-inc/authkit-nextjs': {
    withAuth: async () => (user ? { user: { id: user.id, email: user.email, object: 'user' } } : { user: null }),
  },
  // Clerk's server `auth()` (the `--clerk-token app` route): the signed-in user's id.
  '@clerk/nextjs/server': {
    auth: async () => ({ userId: user ? user.id : null }),
  },
  '@kinde-oss/kinde-auth-nextjs/server': {
    getKindeServerSession: () => ({
      getUser: async () => (user ? { id: user.id, email: user.email } : null),
      isAuthenticated: async () => Boolean(user),
    }),
  },
};

// Stytch: the real package, with only the session check answered here.
{
  const stytch = need('stytch');
  class Client extends stytch.Client {
    constructor(config) {
      super(config);
      this.sessions.authenticate = async ({ session_token }) => {
        if (user && session_token === 'session-token-of-' + user.id) {
          return { session: { user_id: user.id }, status_code: 200 };
        }
        throw new stytch.StytchError({
          status_code: 404,
          request_id: 'request-id-test',
          error_type: 'session_not_found',
          error_message: 'Session could not be found.',
          error_url: 'https://stytch.com/docs/api/errors/404',
        });
      };
    }
  }
  stubs.stytch = { ...stytch, Client };
}

// Auth0, signed in `scenario.loginAge` seconds ago (the sign-in runs with the clock moved
// back that far). With `--auth0-token action`: the real Post Login Action
// (auth0/insforge-post-login-action.js) signs the token onto an ID token and the real
// copyInsforgeToken hook (lib/insforge-auth0.ts) keeps it in the session. By default the
// session holds only the user (the utility signs per request). The app's Auth0Client answers
// getSession() with that session.
async function auth0Session() {
  if (!user) return null;
  const realNow = Date.now;
  const loginAt = realNow() - (scenario.loginAge ?? 0) * 1000;
  Date.now = () => loginAt;
  try {
    const actionFile = path.join(scenario.app, 'auth0', 'insforge-post-login-action.js');
    const base = { user: { sub: user.id, email: user.email }, internal: { sid: 'sid-test', createdAt: Math.floor(loginAt / 1000) } };
    if (!require('fs').existsSync(actionFile)) return base;
    const action = require(actionFile);
    const claims = {};
    await action.onExecutePostLogin(
      { user: { user_id: user.id, email: user.email }, secrets: { INSFORGE_JWT_SECRET: scenario.secret } },
      { idToken: { setCustomClaim: (name, value) => { claims[name] = value; } } },
    );
    const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: user.id, ...claims })}.signature`;
    const { copyInsforgeToken } = require(path.join(sourceRoot, 'lib', 'insforge-auth0.ts'));
    return copyInsforgeToken(base, idToken);
  } finally {
    Date.now = realNow;
  }
}

// The app's Better Auth instance: only its session call is answered here.
const betterAuth = {
  auth: {
    api: {
      getSession: async ({ headers }) => {
        const cookie = headers.get('cookie') ?? '';
        return user && cookie.includes('of-' + user.id)
          ? { user: { id: user.id, email: user.email }, session: { userId: user.id } }
          : null;
      },
    },
  },
};

// InsForge's check of a third-party token (backend token manager and auth middleware,
// restated): HS256 with the project secret, `exp` when present, `sub` a non-empty string
// (401 otherwise), `role` absent (then `authenticated`) or `authenticated`/`project_admin`
// (403 otherwise). `aud` and `iss` are not checked. What it forwards: sub, email, role.
function insforge(token) {
  let claims;
  try {
    claims = jwt.verify(token, scenario.secret, { algorithms: ['HS256'] });
  } catch (e) {
    return { status: 401, why: e.message };
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') return { status: 401, why: 'no sub' };
  const role = claims.role ?? 'authenticated';
  if (role !== 'authenticated' && role !== 'project_admin') return { status: 403, why: `role ${role}` };
  return {
    status: 200,
    claims,
    forwarded: { sub: claims.sub, role, ...(claims.email ? { email: claims.email } : {}) },
  };
}

(async () => {
  stubs['@insforge/sdk'] = await spiedSdk(seen);
  installTypeScript();
  const app = { 'better-auth': { '@/lib/auth': betterAuth } }[scenario.provider] ?? {};
  if (scenario.provider === 'auth0') {
    installTypeScript();
    installStubs(stubs, sourceRoot);
    const session = await auth0Session();
    app['@/lib/auth0'] = { auth0: { getSession: async () => session } };
  }
  installStubs(stubs, sourceRoot, app);
  process.env.INSFORGE_JWT_SECRET = scenario.secret;
  // The two names apps use for the URL, with different values: the report shows which one
  // the module read.
  process.env.NEXT_PUBLIC_INSFORGE_URL = 'https://url.us-east.insforge.app';
  process.env.NEXT_PUBLIC_INSFORGE_BASE_URL = 'https://base-url.us-east.insforge.app';
  process.env.NEXT_PUBLIC_INSFORGE_ANON_KEY = 'anon_0123456789abcdef';
  process.env.STYTCH_PROJECT_ID = 'project-test-00000000-0000-0000-0000-000000000000';
  process.env.STYTCH_SECRET = 'secret-test-0000000000000000000000000000';
  const mod = require(path.join(sourceRoot, scenario.module));
  const fn = mod[scenario.call];
  if (typeof fn !== 'function') throw new Error(`${scenario.module} exports no ${scenario.call}`);
  const report = { ...seen };
  if (scenario.call === 'GET') {
    const response = await fn(new Request(scenario.url ?? 'http://localhost:3000/api/insforge-token', { headers: requestHeaders }));
    report.response = {
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      body: await response.json(),
    };
  } else {
    const result = await fn();
    report.result =
      result === null ? null : typeof result?.database?.from === 'function' ? 'client' : 'something else';
  }
  // After the call: a token signed during it cannot look older than it is.
  report.now = Math.floor(Date.now() / 1000);
  const tokens = [
    ...seen.createClient.map((o) => o.accessToken ?? o.edgeFunctionToken).filter(Boolean),
    ...seen.setAccessToken.map(([token]) => token).filter(Boolean),
    ...(report.response?.body?.token ? [report.response.body.token] : []),
  ];
  report.tokens = tokens.map((token) => ({ token, insforge: insforge(token), header: JSON.parse(Buffer.from(token.split('.')[0], 'base64url')) }));
  delete report.createClient;
  report.clients = seen.createClient.map((o) => ({ baseUrl: o.baseUrl, anonKey: o.anonKey, token: Boolean(o.accessToken ?? o.edgeFunctionToken) }));
  console.log(JSON.stringify(report));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
