// The dashboard in a real browser: Debian's Chromium driven by playwright-core against a running
// `clockwork-jobs dashboard` (run-dashboard-test.sh starts it). Every request beyond the dashboard's
// own origin is refused; a console error (a Content-Security-Policy violation is one), a page error
// or a dialog fails the test.
//
//   node dashboard.test.mjs --url URL --secured-url URL --host-url URL --token T --jobs CLOCKWORK_JOBS
//                           --store STORE --screenshots DIR
//
// URL serves read-only without a token; the secured URL needs the token and allows actions; the
// host URL is a worker's own dashboard (its services page shows the worker's host).
//
// Prints one line per check and "N passed, N failed".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const base = args.url;
const secured = args['secured-url'];
const hostUrl = args['host-url'];
const executablePath = process.env.CLOCKWORK_CHROMIUM || '/usr/bin/chromium';
const hostile = '<img src=x onerror=alert(1)>';

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok    ${name}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}${detail !== undefined ? ': ' + detail : ''}`);
  }
}
const jobs = (...a) => execFileSync(args.jobs, [...a, '--store', args.store], { encoding: 'utf8' });

const profile = mkdtempSync(join(tmpdir(), 'clockwork-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const trouble = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(base + '/') || url.startsWith(secured + '/') || url.startsWith(hostUrl + '/') ||
      url === 'about:blank') return route.continue();
  trouble.push('request to ' + url);
  return route.abort();
});
async function open(path) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('dialog', (d) => { problems.push(`dialog ${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  const response = await page.goto(path.startsWith('http') ? path : base + path, { waitUntil: 'load', timeout: 60000 });
  return { page, problems, response };
}
const count = (page, state) => page.$eval(`#states td[data-state="${state}"]`, (td) => Number(td.textContent));

try {
  // ---- the overview, live ----
  {
    const { page, problems, response } = await open('/');
    check('overview: served', response.status() === 200, response.status());
    check('overview: the CSP header', (response.headers()['content-security-policy'] || '').includes("script-src 'self'"));
    check('overview: counts by state', (await count(page, 'available')) === 4, await count(page, 'available'));
    jobs('enqueue', 'example.sleep', '--payload', '{"ms": 5}', '--count', '2');
    await page.waitForFunction(() => document.querySelector('#states td[data-state="available"]').textContent === '6',
                               null, { timeout: 30000 }).catch(() => {});
    check('overview: jobs enqueued from the command line appear without a reload', (await count(page, 'available')) === 6,
          await count(page, 'available'));
    jobs('work', '--until-empty');
    await page.waitForFunction(() => document.querySelector('#states td[data-state="succeeded"]').textContent === '5',
                               null, { timeout: 30000 }).catch(() => {});
    check('overview: and turn succeeded once worked, without a reload', (await count(page, 'succeeded')) === 5,
          await count(page, 'succeeded'));
    check('overview: the hostile kind is named as text', (await page.textContent('#unserved code') || '').includes(hostile));
    const alive = Number(await page.textContent('#alive'));
    check('overview: the instances alive (the worker serving its own dashboard at least)', alive >= 1, alive);
    check('overview: the totals follow too', (await page.textContent('#totals span[data-total="succeeded"]')) === '5');
    const pending = await page.$eval('#queues', (t) => t.rows[1].cells[1].textContent);
    check('overview: and the queues', pending === '1', pending);
    const bars = await page.$$eval('#per-minute-hour g', (gs) => gs.length);
    check('overview: the last hour, a bar per minute', bars === 60, bars);
    const dayBars = await page.$$eval('#per-minute-day g', (gs) => gs.length);
    check('overview: the last day, a bar per 15 minutes', dayBars === 96, dayBars);
    await page.waitForFunction(() => [...document.querySelectorAll('#per-minute-hour g')]
                                 .reduce((a, g) => a + Number(g.dataset.succeeded), 0) === 5, null, { timeout: 30000 })
      .catch(() => {});
    const charted = await page.$$eval('#per-minute-hour g', (gs) => gs.reduce((a, g) => a + Number(g.dataset.succeeded), 0));
    check('overview: the five jobs worked are in the chart', charted === 5, charted);
    await page.screenshot({ path: join(args.screenshots, 'dashboard-overview.png'), fullPage: true });
    check('overview: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  // ---- a state's jobs ----
  {
    const { page, problems } = await open('/jobs?state=available');
    const kinds = await page.$$eval('table.jobs td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
    check('jobs: the one still available, its kind shown as text', kinds.length === 1 && kinds[0] === hostile, JSON.stringify(kinds));
    check('jobs: no element came from a job\'s name', (await page.$$('table.jobs img')).length === 0);
    await page.screenshot({ path: join(args.screenshots, 'dashboard-jobs.png'), fullPage: true });
    check('jobs: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  // ---- a job and its history ----
  {
    const { page, problems } = await open('/jobs?state=succeeded');
    const href = await page.$eval('table.jobs a', (a) => a.getAttribute('href'));
    await page.click('table.jobs a');
    await page.waitForSelector('table.history');
    check('job: the link goes to the job', page.url().endsWith(href), page.url());
    const events = await page.$$eval('table.history tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
    check('job: its history, enqueued → claimed → succeeded', JSON.stringify(events) === JSON.stringify(['enqueued', 'claimed', 'succeeded']),
          JSON.stringify(events));
    await page.screenshot({ path: join(args.screenshots, 'dashboard-job.png'), fullPage: true });
    check('job: no errors', problems.length === 0, problems.join(' | '));
    // Its history as a timeline: the timeline renderer, its script and style linked (the CSP
    // forbids inline code: a violation would be a console error).
    await Promise.all([page.waitForNavigation(), page.click('a[href$="/timeline"]')]);
    await page.waitForSelector('body[data-timeline-ready]', { timeout: 30000 }).catch(() => {});
    check('job timeline: drawn', (await page.$('body[data-timeline-ready]')) !== null);
    const lanes = await page.$$eval('.lane-label', (ls) => ls.map((l) => l.textContent));
    check('job timeline: a lane per instance that touched it', lanes.some((l) => l.startsWith('worker')) &&
          lanes.includes('clockwork-jobs'), JSON.stringify(lanes));
    const attempts = await page.$$eval('table.runs tbody tr', (rows) => rows.length);
    check('job timeline: its attempt in the table of runs', attempts === 1, attempts);
    await page.screenshot({ path: join(args.screenshots, 'dashboard-job-timeline.png'), fullPage: true });
    check('job timeline: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  {
    const { page, problems } = await open('/jobs?state=available');
    await page.click('table.jobs a');
    await page.waitForSelector('dl.job');
    const payload = await page.$eval('dl.job dd:last-of-type', (dd) => dd.textContent);
    check('job: a hostile payload shown as text', payload.includes('</script><script>alert(2)</script>'), payload);
    check('job: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  // ---- signing in, acting, and a foreign site that tries to ----
  {
    const { page, problems } = await open(secured + '/');
    check('secured: a page without the token goes to the sign-in form', page.url() === secured + '/signin', page.url());
    await page.fill('input[name=token]', 'not-the-token');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check('secured: a wrong token is refused', (await page.textContent('body')).includes('not this dashboard'));
    // (The refusal is a 401, which the browser logs as a failed load: expected, not a problem.)
    const expected401 = problems.findIndex((p) => p.includes('401'));
    if (expected401 >= 0) problems.splice(expected401, 1);
    await page.fill('input[name=token]', args.token);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check('secured: the right one signs in', page.url() === secured + '/' && (await page.$('#states')) !== null, page.url());
    const cookies = await context.cookies(secured);
    const cookie = cookies.find((c) => c.name === 'cw_dashboard_token');
    check('secured: the cookie is HttpOnly and SameSite=Strict', cookie && cookie.httpOnly && cookie.sameSite === 'Strict',
          JSON.stringify(cookie));
    await page.click('button[data-queue-action=pause]');
    await page.waitForFunction(() => document.querySelector('#queues').rows[1].cells[3].textContent === 'paused', null,
                               { timeout: 30000 }).catch(() => {});
    check('secured: "pause" pauses the queue', (await page.$eval('#queues', (t) => t.rows[1].cells[3].textContent)) === 'paused');
    await page.click('button[data-queue-action=resume]');
    await page.waitForFunction(() => document.querySelector('#queues').rows[1].cells[3].textContent === '', null,
                               { timeout: 30000 }).catch(() => {});
    check('secured: "resume" resumes it', (await page.$eval('#queues', (t) => t.rows[1].cells[3].textContent)) === '');
    await page.goto(secured + '/jobs?state=available');
    await Promise.all([page.waitForNavigation(), page.click('table.jobs a')]);
    const jobUrl = page.url();
    const jobId = jobUrl.split('/').pop();
    await Promise.all([page.waitForNavigation(), page.click('button[data-action=cancel]')]);
    check('secured: "cancel" cancels', (await page.textContent('h1 .state')) === 'cancelled', await page.textContent('h1 .state'));
    await Promise.all([page.waitForNavigation(), page.click('button[data-action=retry]')]);
    check('secured: "retry" makes it available again', (await page.textContent('h1 .state')) === 'available',
          await page.textContent('h1 .state'));
    check('secured: no errors', problems.length === 0, problems.join(' | '));

    // Another site (here a blank page: Origin null) posts a cancel: refused, nothing changes.
    const foreign = await context.newPage();
    await foreign.goto('about:blank');
    await foreign.evaluate(async (u) => {
      await fetch(u, { method: 'POST', mode: 'no-cors', credentials: 'include' }).catch(() => {});
    }, `${secured}/api/jobs/${jobId}/cancel`);
    await foreign.close();
    await page.reload();
    check('secured: a cross-site POST changes nothing', (await page.textContent('h1 .state')) === 'available',
          await page.textContent('h1 .state'));
    await page.close();
  }
  // ---- recurring jobs: "trigger now", with the token and without ----
  {
    const { page, problems } = await open(secured + '/recurring');  // signed in above: the cookie
    const name = await page.$eval('table.recurring td', (td) => td.textContent);
    check('recurring: the hostile name shown as text', name === 'digest<script>', name);
    const words = await page.$eval('table.recurring td:nth-child(2)', (td) => td.textContent);
    check('recurring: the schedule in words', words.startsWith('at 00:00'), words);
    const before = Number(JSON.parse(jobs('stats', '--json')).states.available);
    await page.click('button[data-trigger]');
    await page.waitForFunction(() => document.getElementById('action-result').textContent !== '', null,
                               { timeout: 30000 }).catch(() => {});
    const said = await page.textContent('#action-result');
    check('recurring: "trigger now" enqueues a job', /enqueued$/.test(said), said);
    const after = Number(JSON.parse(jobs('stats', '--json')).states.available);
    check('recurring: and the store has it', after === before + 1, `${before} → ${after}`);
    const anonymous = await fetch(`${secured}/api/recurring/${encodeURIComponent('digest<script>')}/trigger`,
                                  { method: 'POST' });
    check('recurring: "trigger now" without the token is refused', anonymous.status === 401, anonymous.status);
    const readOnly = await fetch(`${base}/api/recurring/${encodeURIComponent('digest<script>')}/trigger`,
                                 { method: 'POST' });
    check('recurring: and on a read-only dashboard', readOnly.status === 403, readOnly.status);
    check('recurring: still one more, not three',
          Number(JSON.parse(jobs('stats', '--json')).states.available) === before + 1);
    await page.screenshot({ path: join(args.screenshots, 'dashboard-recurring.png'), fullPage: true });
    check('recurring: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  // ---- instances ----
  {
    const { page, problems } = await open(hostUrl + '/instances');
    const names = await page.$$eval('table.instances tr td:first-child', (tds) => tds.map((td) => td.textContent));
    check('instances: the worker is listed', names.some((n) => n.startsWith('host-view')), JSON.stringify(names));
    await page.screenshot({ path: join(args.screenshots, 'dashboard-instances.png'), fullPage: true });
    check('instances: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  // ---- the services of the host the dashboard runs in ----
  {
    const { page, problems } = await open(hostUrl + '/services');
    check('services: the host is running', (await page.textContent('#host-phase')) === 'running');
    const rows = await page.$$eval('#services tr[data-service]', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
    check('services: the worker, its recurring scheduler and the dashboard, running',
          JSON.stringify(rows) === JSON.stringify([['jobs.host-view', 'running'], ['recurring.host-view', 'running'], ['dashboard', 'running']]),
          JSON.stringify(rows));
    const kinds = await page.$$eval('#recent tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
    check('services: the recent events show the host starting', kinds.includes('service_started'), JSON.stringify(kinds));
    // One refresh from /api/services (the script counts them), which must draw the same rows.
    await page.waitForFunction(() => Number(document.getElementById('services').dataset.refreshes || 0) >= 1, null,
                               { timeout: 30000 }).catch(() => {});
    const again = await page.$$eval('#services tr[data-service]', (trs) => trs.map((tr) => tr.cells[0].textContent));
    check('services: the live refresh draws them again', again.length === 3, JSON.stringify(again));
    await page.screenshot({ path: join(args.screenshots, 'dashboard-services.png'), fullPage: true });
    check('services: no errors', problems.length === 0, problems.join(' | '));
    await Promise.all([page.waitForNavigation(), page.click('a[href="/services/timeline"]')]);
    await page.waitForSelector('body[data-timeline-ready]', { timeout: 30000 }).catch(() => {});
    const serviceLanes = await page.$$eval('.lane-label', (ls) => ls.map((l) => l.textContent));
    check('services timeline: a lane per service', ['jobs.host-view', 'recurring.host-view', 'dashboard']
      .every((n) => serviceLanes.includes(n)), JSON.stringify(serviceLanes));
    check('services timeline: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
    const standalone = await open('/services');
    check('services: a standalone dashboard says it runs in no host', (await standalone.page.$('#no-host')) !== null);
    check('services (standalone): no errors', standalone.problems.length === 0, standalone.problems.join(' | '));
    await standalone.page.close();
  }
  for (const shot of ['dashboard-overview.png', 'dashboard-jobs.png', 'dashboard-job.png', 'dashboard-recurring.png',
                      'dashboard-instances.png', 'dashboard-services.png']) {
    check(`screenshot ${shot} saved`, statSync(join(args.screenshots, shot)).size > 1000);
  }
  check('no request left the dashboard', trouble.length === 0, trouble.join(' | '));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
