// The HTML timeline in a real browser: Debian's Chromium driven by playwright-core, pages opened
// from file:// with every other request refused. Run by run-timeline-test.sh (ctest browser.timeline),
// which generates the pages with clockwork-timeline first.
//
//   node timeline.test.mjs --dir DIR --screenshot FILE.png [--showcase-screenshot FILE.png]
//
// DIR holds m2.html (the catalogue's m2.delay_without_token.wrong), hostile.html
// (example.hostile_names), explore.html (example.same_instant_race over 8 seeds), showcase.html
// and busy.html (100,000 synthetic records). Prints one line per check and "N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const dir = resolve(args.dir || '.');
const screenshot = args.screenshot || join(dir, 'timeline-screenshot.png');
const executablePath = process.env.CLOCKWORK_CHROMIUM || '/usr/bin/chromium';

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

const YEAR_US = 365.25 * 86400e6;
const profile = mkdtempSync(join(tmpdir(), 'clockwork-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1440, height: 900 },
  deviceScaleFactor: 1,
  hasTouch: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});

// Everything a page does that it should not: errors, dialogs, requests beyond its own file.
const trouble = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('file:')) return route.continue();
  trouble.push('request to ' + url);
  return route.abort();
});

async function open(file) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('dialog', (d) => { problems.push(`dialog ${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  const began = Date.now();
  await page.goto(pathToFileURL(join(dir, file)).href, { waitUntil: 'load', timeout: 60000 });
  await page.waitForSelector('body[data-timeline-ready]', { timeout: 60000 });
  const wall = Date.now() - began;
  return { page, problems, wall };
}

const viewUs = (page, n = 0) => page.evaluate((k) => Number(document.querySelectorAll('.timeline')[k].dataset.viewUs), n);
const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));
async function nextFrame(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
async function tipText(page, locator) {
  await locator.hover({ force: true });
  await page.waitForSelector('.tl-tip:not([hidden])', { timeout: 5000 });
  return page.$eval('.tl-tip:not([hidden])', (e) => e.textContent);
}

try {
  // ---- a known scenario of the catalogue ----
  {
    const { page, problems } = await open('m2.html');
    check('m2: verdict on top', (await page.textContent('.badge')).includes('verdict as expected'));
    check('m2: findings headline', (await page.textContent('.headline')).includes('cancellation_ignored(deaf), abandoned(deaf)'));
    const lanes = await texts(page, '.lane-label');
    check('m2: a lane for the host and one for the service', JSON.stringify(lanes) === JSON.stringify(['host', 'deaf']), JSON.stringify(lanes));
    const findings = await page.$$eval('.marker.m-finding', (els) => els.map((e) => e.getAttribute('data-finding')));
    check('m2: one finding marker, cancellation_ignored', JSON.stringify(findings) === '["cancellation_ignored"]', JSON.stringify(findings));
    check('m2: one run marker in the service lane', (await page.$$('.lane[data-lane="deaf"] .marker.m-run')).length === 1);
    check('m2: the stop request across the lanes', (await page.$$('.global-stop')).length === 1);
    check('m2: the shutdown deadline across the lanes', (await page.$$('.global-deadline')).length === 1);
    check('m2: the service drawn running, stopping, then abandoned',
      JSON.stringify(await page.$$eval('.lane[data-lane="deaf"] .band', (els) => els.map((e) => e.dataset.band))) ===
        '["running","stopping","abandoned"]');
    check('m2: the error and warning logs', (await page.$$('.lane[data-lane="host"] .marker.m-error')).length === 1 &&
      (await page.$$('.lane[data-lane="host"] .marker.m-warning')).length >= 1);
    check('m2: the legend names the finding', (await texts(page, '.legend-finding')).includes('finding: cancellation_ignored'));
    // What went wrong is text under the verdict, whole, without hovering.
    const finding = page.locator('ol.findings li.finding .message').first();
    check('m2: the finding\'s message is visible without hovering', await finding.isVisible() &&
      (await finding.textContent()).includes('ignored cancellation: still running 00:00:30.000 after stop was requested'));
    // The runs table under the lanes: the service's one run.
    const runRows = await page.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    check('m2: the runs table has the service\'s run', runRows.length === 1 && runRows[0][0] === 'deaf' &&
      runRows[0][3] === '+00:00:00.000' && runRows[0][5] === 'ran', JSON.stringify(runRows));
    check('m2: the runs table is visible', await page.locator('table.runs').isVisible());
    // Nothing clipped: no cell, label or list entry narrower than its text.
    const clipped = await page.$$eval('table.runs td, table.runs th, ol.findings li, .verdict .label, p.replay code',
      (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    check('m2: no clipped text in the tables, the findings or the replay command', clipped.length === 0, JSON.stringify(clipped));
    const replay = await page.$eval('p.replay code', (e) => ({ lines: e.getClientRects().length, height: e.getBoundingClientRect().height,
      line: parseFloat(getComputedStyle(e).lineHeight) || 20 }));
    check('m2: the replay command is on one line', replay.lines === 1 && replay.height < 2 * replay.line, JSON.stringify(replay));
    await page.locator('main').screenshot({ path: screenshot });
    check('m2: screenshot saved', statSync(screenshot).size > 10000, screenshot);

    const tip = await tipText(page, page.locator('.marker.m-finding').first());
    for (const part of ['finding', 'cancellation_ignored', 'deaf', '+00:30:30.000', '2026-01-01T00:30:30.000Z', '#',
                        'ignored cancellation: still running 00:00:30.000']) {
      check(`m2: the finding's tooltip shows ${part}`, tip.includes(part), tip);
    }
    const deadlineTip = await tipText(page, page.locator('.global-deadline .global-hit'));
    check('m2: the deadline\'s tooltip', deadlineTip.includes('shutdown deadline') && deadlineTip.includes('+00:30:30.000'), deadlineTip);
    await page.mouse.move(5, 5);

    // Zoom: buttons, the wheel, the keyboard; the axis adapts.
    const fit = await viewUs(page);
    check('m2: fits the run (about an hour)', fit > 3.6e9 && fit < 4.2e9, fit);
    await page.click('button[data-action="width-1ms"]');
    await nextFrame(page);
    check('m2: zooms to a millisecond', (await viewUs(page)) === 1000, await viewUs(page));
    const msLabels = await texts(page, '.axis-offset');
    check('m2: sub-millisecond labels', msLabels.length > 2 && msLabels.every((l) => /^[+-](\d+d )?\d\d:\d\d:\d\d\.\d{4}$/.test(l)), JSON.stringify(msLabels));
    await page.click('button[data-action="zoom-out"]');
    await nextFrame(page);
    check('m2: zooms out from the button', (await viewUs(page)) === 2000, await viewUs(page));
    for (const [button, pattern, name] of [['width-1s', /^[+-]\d\d:\d\d:\d\d\.\d{3}$/, 'millisecond'],
                                           ['width-1min', /^[+-]\d\d:\d\d:\d\d$/, 'second'],
                                           ['width-1h', /^[+-]\d\d:\d\d$/, 'minute'],
                                           ['width-1day', /^[+-]\d\d:\d\d$/, 'hour']]) {
      await page.click(`button[data-action="${button}"]`);
      await nextFrame(page);
      const labels = await texts(page, '.axis-offset');
      check(`m2: ${name} labels at ${button.slice(6)}`, labels.length > 2 && labels.every((l) => pattern.test(l)), JSON.stringify(labels));
      const utc = await texts(page, '.axis-utc');
      check(`m2: UTC labels at ${button.slice(6)}`, utc.length === labels.length && /^(Jan|Dec) \d+ \d\d:\d\d/.test(utc[0]), JSON.stringify(utc));
    }
    await page.click('button[data-action="width-1year"]');
    await nextFrame(page);
    check('m2: zooms out to a year', Math.abs((await viewUs(page)) - YEAR_US) < 1, await viewUs(page));
    const dayLabels = await texts(page, '.axis-offset');
    check('m2: day labels at a year', dayLabels.length > 2 && dayLabels.every((l) => /^[+-]\d+d$/.test(l)), JSON.stringify(dayLabels));
    const utcDays = await texts(page, '.axis-utc');
    check('m2: UTC dates at a year', utcDays.some((l) => /^20\d\d-\d\d-\d\d$/.test(l)), JSON.stringify(utcDays));
    await page.click('button[data-action="fit"]');
    await nextFrame(page);
    check('m2: fit again', (await viewUs(page)) === fit);
    const box = await page.locator('svg.tl-svg').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 150);
    for (let k = 0; k < 5; k++) await page.mouse.wheel(0, -400);
    await nextFrame(page);
    const zoomed = await viewUs(page);
    check('m2: the wheel zooms in', zoomed < fit / 4, zoomed);
    const minuteLabels = await texts(page, '.axis-offset');
    check('m2: minute or second labels when zoomed in', minuteLabels.every((l) => /^[+-]\d\d:\d\d(:\d\d)?$/.test(l)), JSON.stringify(minuteLabels));
    for (let k = 0; k < 5; k++) await page.mouse.wheel(0, 400);
    await nextFrame(page);
    check('m2: the wheel zooms out', (await viewUs(page)) > zoomed * 4);
    const beforePinch = await viewUs(page);
    await page.keyboard.down('Control');   // a trackpad's pinch arrives as a wheel with ctrl
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await nextFrame(page);
    check('m2: a pinch zooms in', (await viewUs(page)) < beforePinch / 2, await viewUs(page));
    // Two fingers spreading apart, as a touch screen sends them.
    await page.click('button[data-action="fit"]');
    await nextFrame(page);
    const cdp = await context.newCDPSession(page);
    const fingers = (d) => [{ x: box.x + box.width * 0.6 - d, y: box.y + 120, id: 1 }, { x: box.x + box.width * 0.6 + d, y: box.y + 120, id: 2 }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(50) });
    for (let d = 75; d <= 200; d += 25) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await nextFrame(page);
    const pinched = await viewUs(page);
    check('m2: a two-finger pinch zooms in', Math.abs(pinched - fit / 4) < fit / 100, pinched);
    const beforeDrag = await page.evaluate(() => window.clockworkTimelines[0].t0);
    await page.mouse.move(box.x + box.width * 0.5, box.y + 120);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + 120, { steps: 4 });
    await page.mouse.up();
    await nextFrame(page);
    check('m2: dragging pans later', (await page.evaluate(() => window.clockworkTimelines[0].t0)) > beforeDrag);
    await page.focus('.tl-frame');
    await page.keyboard.press('0');
    await nextFrame(page);
    check('m2: 0 fits', (await viewUs(page)) === fit);
    await page.keyboard.press('+');
    await nextFrame(page);
    check('m2: + zooms in', Math.abs((await viewUs(page)) - fit / 2) < 1);
    check('m2: no console errors, page errors or dialogs', problems.length === 0, problems.join(' | '));
    await page.close();
  }

  // ---- hostile names are text ----
  {
    const { page, problems } = await open('hostile.html');
    const lanes = await page.$$eval('.lane-label', (els) => els.map((e) => [e.textContent, e.getAttribute('data-name')]));
    check('hostile: the service\'s name is shown as text',
      lanes.some(([text, name]) => name === '<script>alert(1)</script>' && text.startsWith('<script>alert(1)')), JSON.stringify(lanes));
    check('hostile: the page has its own two scripts only', (await page.$$('script')).length === 2);
    check('hostile: no element came out of a message', (await page.$$('img')).length === 0);
    check('hostile: the title is text', (await page.textContent('h1')) === 'example.hostile_names');
    check('hostile: the summary is text', (await page.textContent('.summary')).includes('<script>alert(1)</script>'));
    check('hostile: the headline names the service as text', (await page.textContent('.headline')).includes('silent_death(<script>alert(1)</script>)'));
    const tip = await tipText(page, page.locator('.lane[data-lane="<script>alert(1)</script>"] .marker.m-warning').first());
    check('hostile: the warning\'s message is text in its tooltip',
      tip.includes('</script><script>alert(2)</script><img src=x onerror=alert(3)>'), tip);
    check('hostile: no dialog, no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }

  // ---- an exploration: the table of seeds, each failing seed's timeline ----
  {
    const { page, problems } = await open('explore.html');
    const rows = await page.$$eval('table.seeds tbody tr', (trs) => trs.map((tr) => ({
      seed: tr.dataset.seed, fail: tr.classList.contains('fail'), link: tr.querySelector('a')?.getAttribute('href') ?? null,
      replay: tr.querySelector('td.replay code').textContent })));
    check('explore: a row per seed', rows.length === 8, rows.length);
    const failing = rows.filter((r) => r.fail);
    check('explore: some seeds fail, some pass', failing.length > 0 && failing.length < rows.length, JSON.stringify(rows));
    check('explore: each failing seed links to its timeline', failing.every((r) => r.link === '#seed-' + r.seed));
    check('explore: each row has its replay command', rows.every((r) => r.replay.includes('--seed ' + r.seed)));
    for (const r of failing) {
      const lanes = await page.$$eval(`section#seed-${r.seed} .lane-label`, (els) => els.map((e) => e.textContent));
      check(`explore: seed ${r.seed}'s timeline is drawn`, lanes.includes('reader') && lanes.includes('writer'), JSON.stringify(lanes));
    }
    // The case to start from, on top: the lowest failing seed (this exploration does not shrink).
    const top = await page.$eval('div.reproduction', (d) => ({ title: d.querySelector('h2').textContent,
      link: d.querySelector('a')?.getAttribute('href'), command: d.querySelector('code.command').textContent,
      above: d.compareDocumentPosition(document.querySelector('table.seeds')) === Node.DOCUMENT_POSITION_FOLLOWING }));
    const lowest = failing.map((r) => Number(r.seed)).sort((a, b) => a - b)[0];
    check('explore: the lowest failing seed is on top', top.title === 'Lowest failing seed' && top.link === '#seed-' + lowest &&
      top.command.includes('--seed ' + lowest) && top.above, JSON.stringify(top));
    const commands = await page.$$eval('div.reproduction code.command, table.seeds td.replay code', (els) => els.map((e) =>
      ({ text: e.textContent, rects: e.getClientRects().length, h: e.getBoundingClientRect().height })));
    check('explore: replay commands are not wrapped', commands.length === rows.length + 1 &&
      commands.every((c) => c.rects === 1 && c.h < 30), JSON.stringify(commands));
    const grouped = await page.$$eval('table.groups tbody td.count', (tds) => tds.map((td) => Number(td.textContent)));
    check('explore: the failing seeds are grouped by their failure', grouped.length > 0 &&
          grouped.reduce((a, b) => a + b, 0) === failing.length, JSON.stringify(grouped));
    await page.check('#failed-only');
    const shown = await page.$$eval('table.seeds tbody tr', (trs) => trs.filter((tr) => tr.offsetParent !== null).length);
    check('explore: "failed only" hides the seeds that passed', shown === failing.length, shown);
    await page.uncheck('#failed-only');
    const all = await page.$$eval('table.seeds tbody tr', (trs) => trs.filter((tr) => tr.offsetParent !== null).length);
    check('explore: and shows them again', all === rows.length, all);
    await page.click(`a[href="#seed-${failing[0].seed}"]`);
    check('explore: the link goes to the seed', (await page.evaluate(() => location.hash)) === '#seed-' + failing[0].seed);
    const faulted = page.locator(`section#seed-${failing[0].seed} .marker.m-failure`).first();
    const tip = await tipText(page, faulted);
    check('explore: a failing seed shows the fault', tip.includes('service_faulted') || tip.includes('task_faulted'), tip);
    check('explore: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }

  // ---- the docs' showcase: waits, ticks, a clock step ----
  {
    const { page, problems } = await open('showcase.html');
    const lanes = await texts(page, '.lane-label');
    check('showcase: lanes', JSON.stringify(lanes) === JSON.stringify(['host', 'clock', 'heartbeat', 'importer', 'deaf']), JSON.stringify(lanes));
    check('showcase: waits drawn', (await page.$$('.wait')).length > 5);
    check('showcase: the clock step across the lanes', (await page.$$('.global-clock')).length === 1);
    const tip = await tipText(page, page.locator('.lane[data-lane="importer"] .wait').first());
    check('showcase: a wait\'s tooltip', tip.includes('wait of 7 min') && tip.includes('delay_armed'), tip);
    // The docs' picture: the whole run with the finding hovered (its tooltip may reach below the page).
    await page.locator('.lane[data-lane="deaf"] .marker.m-finding').first().hover({ force: true });
    await page.waitForSelector('.tl-tip:not([hidden])', { timeout: 5000 });
    if (args['showcase-screenshot']) {
      const [main, tip] = [await page.locator('main').boundingBox(), await page.locator('.tl-tip').boundingBox()];
      const bottom = Math.max(main.y + main.height, tip.y + tip.height) + 8;
      await page.screenshot({ path: args['showcase-screenshot'], fullPage: true,
                              clip: { x: main.x - 8, y: main.y - 8, width: main.width + 16, height: bottom - main.y + 8 } });
    }
    await page.mouse.move(5, 5);
    check('showcase: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }

  // ---- a busy year: fast, density at coarse zoom, markers once zoomed in ----
  {
    const size = statSync(join(dir, 'busy.html')).size;
    const { page, problems, wall } = await open('busy.html');
    const ready = Number(await page.getAttribute('body', 'data-timeline-ready'));
    const script = Number(await page.getAttribute('body', 'data-timeline-script-ms'));
    console.log(`info  busy: ${size} bytes, first frame ${ready} ms after navigation (script ${script} ms), ${wall} ms to ready seen by the test`);
    check('busy: loads within 20 s', ready < 20000, ready);
    check('busy: density at coarse zoom', (await page.$$('.density')).length > 0);
    check('busy: few elements at coarse zoom', (await page.$$('svg.tl-svg *')).length < 5000, (await page.$$('svg.tl-svg *')).length);
    const t0 = Date.now();
    await page.click('button[data-action="width-1h"]');
    await nextFrame(page);
    const zoomMs = Date.now() - t0;
    console.log(`info  busy: zoom to an hour redrawn in ${zoomMs} ms`);
    check('busy: individual markers at an hour', (await page.$$('.marker.m-run')).length > 0);
    const densityTip = await (async () => {
      await page.click('button[data-action="fit"]');
      await nextFrame(page);
      return tipText(page, page.locator('.density').first());
    })();
    check('busy: a density\'s tooltip counts records', /records here/.test(densityTip), densityTip);
    check('busy: no errors', problems.length === 0, problems.join(' | '));
    await page.close();
  }
  check('no request left the files', trouble.length === 0, trouble.join(' | '));
} catch (e) {
  check('the browser test ran to its end', false, e && e.stack ? e.stack : String(e));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
