// Drives examples/spa in Debian's Chromium (headless) with playwright-core, against the packaged
// service; started by io.authservice.it.BrowserIT, which passes everything by environment:
// PLAYWRIGHT_CORE (the package's directory), CHROMIUM, SERVICE (the API's base URL), SPA (the
// example page on a listed origin), SAME_SITE (the same page on an unlisted origin of the same
// site), CROSS_SITE (on an unlisted origin of another site), CLIENT_ID, USERNAME, PASSWORD.
// Prints one "step: ..." line per check; exits 1 on the first failure.
'use strict';

const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const assert = require('node:assert/strict');

const { SERVICE, SPA, SAME_SITE, CROSS_SITE, CLIENT_ID, USERNAME, PASSWORD } = process.env;
const query = `?issuer=${encodeURIComponent(SERVICE)}&client_id=${encodeURIComponent(CLIENT_ID)}`;
const COOKIE = `__Secure-refresh-${CLIENT_ID}`;
const step = (text) => console.log(`step: ${text}`);

async function refreshCookie(context) {
  return (await context.cookies(SERVICE + '/oauth2/token')).find((c) => c.name === COOKIE);
}

async function state(page, expected) {
  await page.waitForSelector(`body[data-state="${expected}"]`, { timeout: 20000 });
}

/** What a page's own script can see: document.cookie and both storages. */
async function visibleToScripts(page) {
  return page.evaluate(() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join(' '));
}

/** A fetch from the page, credentials included: its status, or the error the browser raised. */
async function fetchFrom(page, url, fields) {
  return page.evaluate(async ({ url, fields }) => {
    try {
      const r = await fetch(url, { method: 'POST', credentials: 'include',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
      return { status: r.status, body: await r.text() };
    } catch (e) {
      return { error: `${e.name}: ${e.message}` };
    }
  }, { url, fields });
}

(async () => {
  // Playwright starts Chromium with a new empty profile of its own (its --user-data-dir).
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  step(`chromium ${browser.version()} started`);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const seen = [];
    page.on('response', (r) => {
      if (r.url().startsWith(SERVICE)) seen.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
    });
    page.on('console', (m) => console.log(`console: ${m.text()}`));

    await page.goto(SPA + '/' + query);
    await state(page, 'logged-out');
    step(`the page opened logged out (its refresh on load found no cookie); service saw: ${seen.join(', ')}`);

    await page.fill('#username', USERNAME);
    await page.fill('#password', PASSWORD);
    await page.click('#login-button');
    await state(page, 'logged-in');
    assert.equal(await page.textContent('#profile-username'), USERNAME);
    step(`logged in; /users/me answered the profile of ${USERNAME}`);

    const first = await refreshCookie(context);
    assert.ok(first, 'Chromium kept the Secure __Secure- cookie from http://127.0.0.1');
    assert.equal(first.httpOnly, true);
    assert.equal(first.secure, true);
    assert.equal(first.sameSite, 'Strict');
    assert.equal(first.path, '/oauth2/');
    step(`the browser holds ${first.name} (HttpOnly, Secure, SameSite=${first.sameSite}, Path=${first.path}, `
      + `expires in ${Math.round(first.expires - Date.now() / 1000)} s) although the page is plain http on 127.0.0.1`);
    assert.ok(!(await visibleToScripts(page)).includes(first.value), 'the refresh token is invisible to the page');
    step('document.cookie, localStorage and sessionStorage of the page do not show the refresh token');

    await page.waitForFunction(() => Number(document.getElementById('refreshes').textContent) >= 1, null, { timeout: 20000 });
    const second = await refreshCookie(context);
    assert.notEqual(second.value, first.value, 'the silent refresh rotated the cookie');
    assert.ok(!(await visibleToScripts(page)).includes(second.value));
    step('the page refreshed silently before the access token expired; the cookie rotated, still invisible to scripts');

    await page.reload();
    await state(page, 'logged-in');
    assert.equal(await page.textContent('#profile-username'), USERNAME);
    const third = await refreshCookie(context);
    assert.notEqual(third.value, second.value);
    step('after a reload the page is logged in again (the access token was in memory only; the cookie refreshed it)');

    // The service's own origin, on a path the cookie is sent to: HttpOnly still hides it.
    const own = await context.newPage();
    await own.goto(SERVICE + '/oauth2/userinfo');
    assert.ok(!(await visibleToScripts(own)).includes(third.value));
    await own.close();
    step('document.cookie on the service\'s own origin under /oauth2/ does not show it either (HttpOnly)');

    // Another origin of the same site: the browser sends the SameSite=Strict cookie, so the service
    // must refuse by Origin; the browser blocks the page from reading the answer (no CORS headers).
    const sameSite = await context.newPage();
    await sameSite.goto(SAME_SITE + '/' + query);
    await state(sameSite, 'logged-out');
    const ridden = await fetchFrom(sameSite, SERVICE + '/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT_ID });
    assert.ok(ridden.error, `blocked by CORS: ${JSON.stringify(ridden)}`);
    const stolenLogin = await fetchFrom(sameSite, SERVICE + '/oauth2/token',
      { grant_type: 'password', client_id: CLIENT_ID, username: USERNAME, password: PASSWORD });
    assert.ok(stolenLogin.error, `blocked by CORS: ${JSON.stringify(stolenLogin)}`);
    // Playwright reports no response for a request the browser blocked by CORS, so what the service
    // answered these requests (403 invalid_origin: no login, no refresh) BrowserIT reads from its log.
    await sameSite.close();
    step(`a page on ${SAME_SITE} (unlisted, same site: the cookie is sent) got no tokens: its refresh and its login `
      + `fetch failed (${ridden.error}; ${stolenLogin.error})`);

    // Another site altogether: also blocked, and the cookie is not even sent.
    const crossContext = await browser.newContext();
    const cross = await crossContext.newPage();
    await cross.goto(CROSS_SITE + '/' + query);
    await state(cross, 'logged-out');
    const crossLogin = await fetchFrom(cross, SERVICE + '/oauth2/token',
      { grant_type: 'password', client_id: CLIENT_ID, username: USERNAME, password: PASSWORD });
    assert.ok(crossLogin.error, `blocked by CORS: ${JSON.stringify(crossLogin)}`);
    assert.equal(await refreshCookie(crossContext), undefined, 'no cookie from a blocked answer is usable there');
    await crossContext.close();
    step(`a page on ${CROSS_SITE} (unlisted, another site) got no tokens: its login fetch failed (${crossLogin.error})`);

    await page.click('#refresh-button');
    await page.waitForFunction(() => Number(document.getElementById('refreshes').textContent) >= 2, null, { timeout: 20000 });
    step('the listed page still refreshes');

    const beforeLogout = (await refreshCookie(context)).value;
    await page.click('#logout-button');
    await state(page, 'logged-out');
    assert.equal(await refreshCookie(context), undefined, 'the logout cleared the cookie');
    const after = await fetchFrom(page, SERVICE + '/oauth2/token', { grant_type: 'refresh_token', client_id: CLIENT_ID });
    assert.equal(after.status, 400, JSON.stringify(after));
    // The cleared cookie's token, presented as the browser would, is revoked too, not only forgotten.
    const replay = await fetch(SERVICE + '/oauth2/token', { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: SPA, Cookie: `${COOKIE}=${beforeLogout}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID }) });
    assert.equal(replay.status, 400);
    assert.equal((await replay.json()).error, 'invalid_grant');
    await page.reload();
    await state(page, 'logged-out');
    step(`logged out: the cookie is gone, a refresh from the page answers ${after.status} ${JSON.parse(after.body).error}, `
      + 'the last token replayed answers 400 invalid_grant, and a reload stays logged out');
    step(`the service saw from the listed page: ${seen.join(', ')}`);
    console.log('ok');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(`FAILED: ${e.stack || e}`);
  process.exit(1);
});
