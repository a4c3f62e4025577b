// Runs the browser hook the tool generated (Clerk's or Better Auth's `useInsforge`),
// unmodified, in React 19 on jsdom with the real @insforge/sdk, and checks how it hands
// tokens to the client as sessions come and go.
//
//   node hooks.cjs <source root> <clerk | clerk-app | better-auth>
//
// `clerk-app` is Clerk's hook with `--clerk-token app`: Clerk's `useAuth()` for the session,
// the app's own /api/insforge-token for the token.
//
// Answered here, at their boundaries: Clerk's `useAuth()` (its `getToken`), Better Auth's
// `authClient.useSession()` and the browser's `fetch` of /api/insforge-token, and the
// page's timers (so that a refresh is a step, not a wait). Exits 1 with the failed check.
'use strict';
const assert = require('node:assert/strict');
const { need, installTypeScript, installStubs, spiedSdk } = require('./loader.cjs');

const [sourceRoot, provider] = process.argv.slice(2);

// A page: jsdom's window and document.
const { JSDOM } = need('jsdom');
const dom = new JSDOM('<!doctype html><div id="root"></div>', { url: 'http://localhost:3000/' });
for (const key of ['window', 'document', 'navigator', 'HTMLElement', 'Node']) {
  Object.defineProperty(globalThis, key, { value: dom.window[key], configurable: true, writable: true });
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

// Timers the test fires itself.
const intervals = new Map();
let nextTimer = 1;
globalThis.setInterval = (fn, ms) => {
  const id = nextTimer++;
  intervals.set(id, { fn, ms });
  return id;
};
globalThis.clearInterval = (id) => intervals.delete(id);

// The session the provider reports, and the tokens it hands out on request. A request
// waits until the test releases it, so what happens in between can be seen.
const auth = { loaded: false, user: null, session: null };
const requests = [];
let issued = 0;
function requestToken(options) {
  return new Promise((resolve) => requests.push({ user: auth.user, options, resolve }));
}
async function release(step) {
  const request = requests.shift();
  assert.ok(request, `${step}: no token was requested`);
  if (provider === 'clerk') {
    // Every request, not just the first, names the JWT template the next steps set up.
    assert.deepEqual(request.options, { template: 'insforge' }, `${step}: the JWT template`);
  }
  await act(async () => request.resolve(request.user ? `token-${request.user}-${++issued}` : null));
  return request;
}

const stubs = {
  '@clerk/nextjs': {
    useAuth: () => ({
      isLoaded: auth.loaded,
      isSignedIn: auth.loaded ? Boolean(auth.user) : undefined,
      userId: auth.user,
      sessionId: auth.session,
      getToken: getTokenFn,
    }),
  },
};
// Clerk's getToken keeps its identity across renders.
const getTokenFn = (options) => {
  // With the app's own route, Clerk's getToken (a JWT template) is never asked.
  assert.notEqual(provider, 'clerk-app', 'the hook asks its route, not a Clerk template');
  return requestToken(options);
};
const authClient = {
  useSession: () => ({
    isPending: !auth.loaded,
    data: auth.user ? { user: { id: auth.user }, session: { id: auth.session } } : null,
  }),
};
globalThis.fetch = async (url, init) => {
  assert.equal(String(url), '/api/insforge-token', 'the hook asks its own route');
  assert.equal(init?.cache, 'no-store', 'tokens are never cached');
  const token = await requestToken({ url });
  return token
    ? new Response(JSON.stringify({ token }), { status: 200, headers: { 'content-type': 'application/json' } })
    : new Response(JSON.stringify({ error: 'Not signed in' }), { status: 401 });
};

let act;
(async () => {
  const seen = { createClient: [], setAccessToken: [] };
  stubs['@insforge/sdk'] = await spiedSdk(seen);
  installTypeScript();
  installStubs(stubs, sourceRoot, { '@/lib/auth-client': { authClient } });
  process.env.NEXT_PUBLIC_INSFORGE_URL = process.env.NEXT_PUBLIC_INSFORGE_BASE_URL = 'https://proj.us-east.insforge.app';
  process.env.NEXT_PUBLIC_INSFORGE_ANON_KEY = 'anon_0123456789abcdef';

  const React = need('react');
  act = React.act;
  const { createRoot } = need('react-dom/client');
  const { useInsforge } = require(require('path').join(sourceRoot, 'lib/insforge.ts'));

  let state;
  function Probe() {
    state = useInsforge();
    return null;
  }
  const root = createRoot(document.getElementById('root'));
  const render = () => act(async () => root.render(React.createElement(Probe)));
  const tokens = () => seen.setAccessToken.map(([token]) => token);
  const last = () => seen.setAccessToken[seen.setAccessToken.length - 1];

  // Loading: not ready, nothing asked for.
  await render();
  assert.equal(state.isReady, false, 'not ready while the provider loads');
  assert.equal(requests.length, 0, 'no token asked for while loading');
  const client = state.client;

  // Signed in as A: ready only once A's token is on the client.
  Object.assign(auth, { loaded: true, user: 'user_A', session: 'sess_A1' });
  await render();
  assert.equal(state.isReady, false, "not ready before A's token arrives");
  await release('sign-in');
  assert.deepEqual(last(), ['token-user_A-1'], "A's first token, as a new identity");
  assert.equal(state.isReady, true, "ready with A's token");
  assert.equal(state.client, client, 'one client for the page');

  // Refresh: before the token expires, as the same user.
  const lifetime = provider === 'clerk' ? 60_000 : 3_600_000;
  const timers = [...intervals.values()];
  assert.equal(timers.length, 1, 'one refresh timer');
  assert.ok(timers[0].ms < lifetime, `refresh every ${timers[0].ms} ms, before the ${lifetime} ms lifetime`);
  timers[0].fn();
  await release('refresh');
  assert.equal(last()[0], 'token-user_A-2');
  assert.equal(last()[1], stubs['@insforge/sdk'].AuthChangeEvent.TOKEN_REFRESHED, 'a refresh keeps the identity');
  assert.equal(state.isReady, true);

  // A's next refresh is on its way when A switches to B: A's token leaves the client at once,
  // A's late answer is dropped, and B's token arrives as a new identity.
  [...intervals.values()][0].fn();
  assert.equal(requests.length, 1, "A's refresh is pending");
  Object.assign(auth, { user: 'user_B', session: 'sess_B1' });
  const before = seen.setAccessToken.length;
  await render();
  assert.deepEqual(seen.setAccessToken[before], [null], "A's token is cleared at once");
  assert.equal(state.isReady, false, "not ready before B's token arrives");
  await release('late answer for A');
  assert.deepEqual(last(), [null], "A's late token never reaches the client after the switch");
  assert.equal(state.isReady, false);
  await release('switch');
  assert.deepEqual(last(), ['token-user_B-4'], "B's token, as a new identity");
  assert.equal(state.isReady, true);
  assert.equal(intervals.size, 1, "A's refresh timer is gone");

  // Signed out: anonymous again, and ready (anonymous requests are allowed).
  Object.assign(auth, { user: null, session: null });
  await render();
  assert.deepEqual(last(), [null], 'signed out: no token');
  assert.equal(state.isReady, true, 'signed out is ready, as anonymous');
  assert.equal(intervals.size, 0, 'no refresh while signed out');
  assert.ok(!tokens().slice(-1).includes('token-user_B-4'));

  await act(async () => root.unmount());
  console.log(JSON.stringify({ ok: true, setAccessToken: seen.setAccessToken }));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
