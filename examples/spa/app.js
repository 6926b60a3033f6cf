// An example single-page app for auth-service: password login with a public client in cookie mode
// (refresh_token_mode "cookie"), the profile from /users/me, a silent refresh before the access
// token expires, a session that survives a reload, and a logout. No build step, no dependencies.
//
// Where the service is and which client this is: ?issuer=...&client_id=... in the page's URL, or
// the defaults below. The client must be public (token_endpoint_auth_method "none"), have the
// password and refresh_token grants, refresh_token_mode "cookie", and list this page's origin in
// allowed_cors_origins (README, "Browser frontends").
'use strict';

const params = new URLSearchParams(location.search);
const ISSUER = (params.get('issuer') || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const CLIENT_ID = params.get('client_id') || 'spa';

// The access token lives in this variable only: never in localStorage, sessionStorage or a cookie
// a script can read. The refresh token is in an HttpOnly cookie that only the service sees.
let accessToken = null;
let refreshTimer = null;
let refreshes = 0;

const $ = (id) => document.getElementById(id);

function show(state, error) {
  document.body.dataset.state = state;
  $('login').hidden = state !== 'logged-out';
  $('session').hidden = state !== 'logged-in';
  $('error').textContent = error || '';
}

// Every call to the token and revocation endpoints sends and receives the cookie: credentials
// 'include'. A form body keeps them "simple" requests (no preflight); the service checks Origin.
async function post(path, fields) {
  const response = await fetch(ISSUER + path, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...fields }),
  });
  const body = response.headers.get('Content-Type')?.includes('json') ? await response.json() : {};
  return { ok: response.ok, status: response.status, body };
}

function signedIn(body) {
  accessToken = body.access_token;
  const expiresIn = body.expires_in;
  $('expires-at').textContent = new Date(Date.now() + expiresIn * 1000).toISOString();
  // Refresh a little before expiry: a fifth of the lifetime early, at most 30 s, at least 1 s.
  const early = Math.max(1, Math.min(30, expiresIn / 5));
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(silentRefresh, Math.max(0, expiresIn - early) * 1000);
}

async function login(username, password) {
  const answer = await post('/oauth2/token', { grant_type: 'password', username, password });
  if (!answer.ok) {
    show('logged-out', answer.body.error_description || answer.body.error || 'login failed');
    return;
  }
  signedIn(answer.body);
  await loadProfile();
}

// No refresh_token field: the service takes the one in the cookie and sets its successor.
async function refresh() {
  const answer = await post('/oauth2/token', { grant_type: 'refresh_token' });
  if (!answer.ok) {
    return false;
  }
  signedIn(answer.body);
  return true;
}

async function silentRefresh() {
  try {
    if (await refresh()) {
      refreshes += 1;
      $('refreshes').textContent = String(refreshes);
      return;
    }
    endSession('your session has ended; please log in again');
  } catch (e) {
    // The network failed: try again soon; the same cookie gets the same successor (retry window).
    refreshTimer = setTimeout(silentRefresh, 2000);
  }
}

async function loadProfile(retried = false) {
  const response = await fetch(ISSUER + '/users/me', { headers: { Authorization: 'Bearer ' + accessToken } });
  if (response.status === 401 && !retried && await refresh()) {
    return loadProfile(true);
  }
  if (!response.ok) {
    endSession('the profile could not be read (' + response.status + ')');
    return;
  }
  const me = await response.json();
  $('profile-username').textContent = me.username;
  $('profile-roles').textContent = (me.roles || []).join(', ');
  show('logged-in');
}

function endSession(error) {
  accessToken = null;
  clearTimeout(refreshTimer);
  show('logged-out', error);
}

// Without a token field the service revokes the cookie's session and clears the cookie.
async function logout() {
  try {
    await post('/oauth2/revoke', {});
  } finally {
    endSession();
  }
}

$('issuer').textContent = ISSUER;
$('client-id').textContent = CLIENT_ID;
$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  login($('username').value, $('password').value).catch((e) => show('logged-out', String(e)));
});
$('refresh-button').addEventListener('click', () => silentRefresh());
$('logout-button').addEventListener('click', () => logout());

// A reload loses the access token (it was in memory) but not the session: the cookie refreshes it.
refresh()
  .then((ok) => (ok ? loadProfile() : show('logged-out')))
  .catch((e) => show('logged-out', 'the service could not be reached: ' + e));
