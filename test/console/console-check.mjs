// Browser checks of the replay console: one named check per run, against a console URL, in Debian's Chromium
// (headless, driven by playwright-core). Prints what it saw as one JSON line on stdout; exits 1 with the reason on
// stderr (and in the JSON line) when the check fails, 2 on bad usage. The hooks it uses are the console's contract
// (the data-testid, data-field and data-* attributes of each page).
//
//   node console-check.mjs CHECK --url URL --screenshots DIR [options]   (the checks and their options: USAGE below)
//
// Every check fails on an uncaught page error, a console error message or a Content-Security-Policy violation.

import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const CHROMIUM = process.env.PLAYBACK_CHROMIUM || '/usr/bin/chromium';
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 390, height: 800 };
const NAV = ['#/replays', '#/generations', '#/verification', '#/effects', '#/aggregate', '#/health'];
const POLL = 100;
const LOAD_MS = 20_000;

class CheckFailed extends Error {}

function fail(message) {
  throw new CheckFailed(message);
}

/** A CSS attribute value in double quotes. */
function q(value) {
  return `"${String(value).replace(/["\\]/g, '\\$&')}"`;
}

function number(text) {
  const digits = String(text ?? '').replace(/[^0-9]/g, '');
  return digits === '' ? NaN : Number(digits);
}

// ---------------------------------------------------------------------------------------------------------------
// The browser session: a fresh profile, the page's errors, console errors and CSP violations collected as they come.

async function openBrowser(url) {
  const profile = mkdtempSync(join(tmpdir(), 'console-check-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: WIDE,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const origin = new URL(url).origin;
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber}`);
    });
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}${m.location()?.url ? ` (${m.location().url})` : ''}`);
  });
  page.on('response', (r) => {
    if (r.url().startsWith(origin) && r.status() >= 500) problems.push(`${r.request().method()} ${r.url()} answered ${r.status()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('about:')) {
      problems.push(`request to another origin: ${r.url()}`);
    }
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, problems, close };
}

/** Opens a route (a hash) of the console and waits for the page's own element. */
async function open(page, base, route, ready) {
  const target = new URL(base);
  target.hash = route;
  await page.goto(target.toString(), { waitUntil: 'load' });
  await waitVisible(page, ready, `${route}: ${ready}`);
  await waitVisible(page, 'main#main h1', `${route}: main#main h1`);
}

async function waitVisible(page, selector, what = selector, timeout = LOAD_MS) {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    fail(`${what} not shown within ${timeout / 1000} s on ${page.url()}; the page shows: ${await shown(page)}`);
  }
}

/** Waits (polling the DOM, with a deadline) until fn(arg) is truthy in the page; returns its value. */
async function until(page, what, fn, arg, timeout = LOAD_MS) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout, polling: POLL });
    return await handle.jsonValue();
  } catch (e) {
    if (/context was destroyed|navigat/i.test(e.message)) fail(`${what}: the page navigated away (a reload?) while waiting: ${e.message.split('\n')[0]}`);
    if (!/Timeout/i.test(e.message)) throw e;
    fail(`${what}: not seen within ${timeout / 1000} s on ${page.url()}; the page shows: ${await shown(page)}`);
  }
}

/** The start of the page's main text, for a failure's message. */
async function shown(page) {
  const text = await page.evaluate(() => (document.querySelector('main') ?? document.body)?.innerText ?? '').catch((e) => `(unreadable: ${e.message})`);
  return JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 400));
}

async function shot(page, dir, name, shots) {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

/** The text of the live region that says when the data was last read. */
async function updated(page) {
  return page.locator('[data-testid=updated]').first().textContent();
}

// ---------------------------------------------------------------------------------------------------------------
// The checks. Each returns what it saw.

const checks = {
  async 'rebuild-progress'({ page, base, dir, shots, opts }) {
    await open(page, base, '#/replays', 'table[data-testid=replays]');
    const wanted = opts.arn
      ? `tr[data-testid=replay-row][data-execution-arn=${q(opts.arn)}]`
      : 'tr[data-testid=replay-row][data-kind=rebuild][data-status=RUNNING]';
    const arn = await until(page, `a running rebuild row (${wanted})`, (sel) => {
      const row = document.querySelector(sel);
      return row && row.dataset.status === 'RUNNING' && row.dataset.kind === 'rebuild' ? row.dataset.executionArn : null;
    }, wanted);
    const row = `tr[data-testid=replay-row][data-execution-arn=${q(arn)}]`;
    const read = (sel) => {
      const r = document.querySelector(sel);
      if (!r) return null;
      const cell = (f) => r.querySelector(`td[data-field=${f}]`)?.textContent ?? '';
      return { published: cell('published'), applied: cell('applied'), rate: cell('rate'), eta: cell('eta'), status: r.dataset.status };
    };
    const first = await page.evaluate(read, row);
    const before = { published: number(first.published), applied: number(first.applied) };
    // a mark in the page's window: a reload or a new document would drop it
    await page.evaluate(() => { window.__consoleCheckMark = 'not reloaded'; });
    const navigations = [];
    const onNav = (f) => { if (f === page.mainFrame()) navigations.push(f.url()); };
    page.on('framenavigated', onNav);
    const later = await until(page, `published or applied of ${arn} to advance from ${first.published}/${first.applied} without a reload`,
      ({ sel, before }) => {
        const r = document.querySelector(sel);
        if (!r) return null;
        const n = (t) => { const d = String(t ?? '').replace(/[^0-9]/g, ''); return d === '' ? NaN : Number(d); };
        const cell = (f) => r.querySelector(`td[data-field=${f}]`)?.textContent ?? '';
        const p = n(cell('published')), a = n(cell('applied'));
        const moved = (p > before.published || (Number.isNaN(before.published) && p > 0))
          || (a > before.applied || (Number.isNaN(before.applied) && a > 0));
        return moved ? { published: cell('published'), applied: cell('applied'), rate: cell('rate'), eta: cell('eta'), status: r.dataset.status } : null;
      }, { sel: row, before }, 60_000);
    page.off('framenavigated', onNav);
    if (await page.evaluate(() => window.__consoleCheckMark) !== 'not reloaded' || navigations.length > 0) {
      fail(`#/replays was reloaded while waiting for progress (navigations: ${navigations.join(', ') || 'the page mark is gone'})`);
    }
    await shot(page, dir, 'replays-running', shots);

    await page.locator(`${row} a[href^="#/replay/"]`).first().click();
    await waitVisible(page, '[data-testid=replay-detail]', 'the replay detail');
    const hash = await page.evaluate(() => location.hash);
    if (hash !== `#/replay/${encodeURIComponent(arn)}`) fail(`the row's link led to ${hash}, not #/replay/${encodeURIComponent(arn)}`);
    await waitVisible(page, 'svg[data-testid=state-graph]', 'the state graph');
    const graph = await until(page, 'a state marked current in the state graph', () => {
      const states = [...document.querySelectorAll('svg[data-testid=state-graph] g[data-state]')];
      const current = states.filter((g) => g.classList.contains('current')).map((g) => g.dataset.state);
      return current.length ? { states: states.map((g) => g.dataset.state), current } : null;
    });
    const list = await page.locator('ul[data-testid=state-list] li').allTextContents();
    if (list.length < graph.states.length) fail(`the state list has ${list.length} items for ${graph.states.length} states in the graph`);
    for (const c of graph.current) {
      if (!list.some((t) => t.includes(c))) fail(`the state list does not name the current state ${c}: ${JSON.stringify(list)}`);
    }
    const detail = await page.evaluate(() => {
      const f = (n) => document.querySelector(`[data-testid=replay-detail] [data-field=${n}]`)?.textContent?.trim() ?? null;
      return { status: f('status'), published: f('published'), applied: f('applied'), rate: f('rate'), eta: f('eta') };
    });
    if (!(number(detail.published) > 0)) fail(`the detail shows published ${JSON.stringify(detail.published)}, not a count above 0`);
    await shot(page, dir, 'replay-detail-running', shots);
    return { executionArn: arn, first, later, detail, states: graph.states, current: graph.current };
  },

  async drift({ page, base, dir, shots, opts }) {
    await open(page, base, '#/verification', '[data-testid=verification]');
    const sel = `[data-testid=drift][data-aggregate-id=${q(opts.aggregate)}]`;
    await waitVisible(page, sel, `the drift of ${opts.aggregate}`);
    const saw = await page.evaluate(({ sel }) => {
      const d = document.querySelector(sel);
      const rows = (side) => [...d.querySelectorAll(`[data-side=${side}] [data-differs="true"]`)].map((r) => r.textContent.replace(/\s+/g, ' ').trim());
      const all = [...document.querySelectorAll('[data-testid=drift]')].map((x) => x.dataset.aggregateId);
      const events = d.querySelector('[data-field=events]');
      const link = events?.matches('a') ? events : events?.querySelector('a');
      return {
        compared: document.querySelector('[data-testid=verification] [data-field=compared]')?.textContent?.trim() ?? null,
        drifted: document.querySelector('[data-testid=verification] [data-field=drifted]')?.textContent?.trim() ?? null,
        aggregates: all, processor: d.dataset.processor, live: rows('live'), rebuilt: rows('rebuilt'),
        events: events?.textContent?.trim() ?? null, eventsLink: link?.getAttribute('href') ?? null,
      };
    }, { sel });
    if (!(number(saw.drifted) >= 1)) fail(`the summary says drifted ${JSON.stringify(saw.drifted)}`);
    if (saw.live.length === 0) fail(`no row of the live pane of ${opts.aggregate} carries data-differs="true"`);
    if (saw.rebuilt.length === 0) fail(`no row of the rebuilt pane of ${opts.aggregate} carries data-differs="true"`);
    if (!saw.live.some((t) => t.includes(opts.field))) fail(`no differing live row names the field ${opts.field}: ${JSON.stringify(saw.live)}`);
    if (saw.eventsLink !== `#/aggregate/${encodeURIComponent(opts.aggregate)}` && !saw.eventsLink?.startsWith(`#/aggregate/${encodeURIComponent(opts.aggregate)}?`)) {
      fail(`the event range links to ${saw.eventsLink}, not #/aggregate/${opts.aggregate}`);
    }
    // the difference is marked by more than colour: a word or symbol in the row (text, a pseudo-element's content, or a
    // labelled element)
    const mark = await page.evaluate(({ sel }) => {
      const r = document.querySelector(`${sel} [data-side=live] [data-differs="true"]`);
      const parts = [r.innerText];
      for (const e of [r, ...r.querySelectorAll('*')]) {
        for (const pseudo of ['::before', '::after']) {
          const c = getComputedStyle(e, pseudo).content;
          if (c && c !== 'none' && c !== 'normal' && c !== '""') parts.push(c);
        }
        for (const a of ['aria-label', 'title']) if (e.getAttribute(a)) parts.push(e.getAttribute(a));
      }
      return parts.join(' ');
    }, { sel });
    if (!/≠|differ|chang|drift|\*|✱|✗|✘|!|⚠|▲|◆|•/i.test(mark)) {
      fail(`the differing row of ${opts.aggregate} has no visible mark beside its colour (a word or symbol such as ≠ or "differs"): ${JSON.stringify(mark)}`);
    }
    await page.locator(sel).first().scrollIntoViewIfNeeded();
    await shot(page, dir, 'verification-drift', shots);
    if (opts['failed-state']) {
      // the verification failed on its drift: its replay page marks the state it failed in
      await page.locator('[data-testid=verification] dd a[href^="#/replay/"]').first().click();
      await waitVisible(page, 'svg[data-testid=state-graph]', 'the verification\'s state graph');
      saw.graph = await until(page, `the state ${opts['failed-state']} marked failed in the state graph`, (want) => {
        const states = [...document.querySelectorAll('svg[data-testid=state-graph] g[data-state]')];
        const failed = states.filter((g) => g.classList.contains('failed')).map((g) => g.dataset.state);
        const status = document.querySelector('[data-testid=replay-detail] [data-field=status]')?.textContent?.trim() ?? null;
        return failed.includes(want) ? { failed, status } : null;
      }, opts['failed-state']);
      const item = await page.locator('ul[data-testid=state-list] li').filter({ hasText: opts['failed-state'] }).first().textContent();
      if (!/fail/i.test(item)) fail(`the state list says of ${opts['failed-state']} ${JSON.stringify(item)}, not that it failed`);
      saw.graph.listed = item.replace(/\s+/g, ' ').trim();
      await shot(page, dir, 'replay-failed', shots);
    }
    return saw;
  },

  async corrections({ page, base, dir, shots, opts }) {
    const want = Number(opts.count);
    await open(page, base, `#/effects/${encodeURIComponent(opts.replay)}`, 'table[data-testid=corrections]');
    const saw = await until(page, `${want} correction rows and a corrections count of ${want}`, (want) => {
      const rows = [...document.querySelectorAll('tr[data-testid=correction]')];
      const count = document.querySelector('[data-field=corrections]')?.textContent ?? '';
      if (rows.length !== want || count.replace(/[^0-9]/g, '') !== String(want)) return null;
      return {
        rows: rows.length, count: count.trim(),
        changes: rows.map((r) => r.querySelector('[data-field=change]')?.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
        events: rows.map((r) => r.dataset.eventId),
        selected: document.querySelector('select#effects-replay')?.value ?? null,
        sent: document.querySelector('[data-field=sent]')?.textContent?.trim() ?? null,
        suppressed: document.querySelector('[data-field=suppressed]')?.textContent?.trim() ?? null,
      };
    }, want);
    if (saw.selected !== opts.replay) fail(`select#effects-replay shows ${JSON.stringify(saw.selected)}, not ${opts.replay}`);
    const arrows = saw.changes.filter((c) => /\S+ .*→ *\S/.test(c));
    if (arrows.length === 0) fail(`no correction's change reads "field before → after": ${JSON.stringify(saw.changes.slice(0, 5))}`);
    const withoutEvent = saw.events.filter((e) => !e);
    if (withoutEvent.length) fail(`${withoutEvent.length} correction rows have no data-event-id`);
    const first = 'tr[data-testid=correction] a[data-testid=event-link]';
    const links = await page.locator(first).count();
    if (links < want) fail(`${links} event links in ${want} correction rows`);
    await page.locator('tr[data-testid=correction]').first().scrollIntoViewIfNeeded();
    await shot(page, dir, 'effects-corrections', shots);

    const eventId = await page.locator('tr[data-testid=correction]').first().getAttribute('data-event-id');
    const href = await page.locator(first).first().getAttribute('href');
    if (href !== `#/event/${encodeURIComponent(eventId)}`) fail(`the first correction's event link is ${href}, not #/event/${eventId}`);
    await page.locator(first).first().click();
    const landed = await until(page, `the event link of ${eventId} to resolve to its aggregate`, (eventId) => {
      const m = location.hash.match(/^#\/aggregate\/([^?]+)\?(.*)$/);
      if (!m) return null;
      const q = new URLSearchParams(m[2]);
      const row = document.querySelector(`tr[data-testid=event-row][data-event-id="${CSS.escape(eventId)}"]`);
      return q.get('event') === eventId && row ? { hash: location.hash, aggregateId: decodeURIComponent(m[1]), current: row.getAttribute('aria-current') } : null;
    }, eventId);
    if (landed.current !== 'true') fail(`the row of event ${eventId} on ${landed.hash} is not marked aria-current="true"`);
    await shot(page, dir, 'aggregate-from-correction', shots);
    return { ...saw, changes: saw.changes.slice(0, 5), events: saw.events.length, arrows: arrows.length, followed: { eventId, ...landed } };
  },

  async personal({ page, base, dir, shots, opts }) {
    const id = opts.aggregate;
    const aggregate = `#/aggregate/${encodeURIComponent(id)}`;
    await open(page, base, aggregate, '[data-testid=stored-state] table.fields');
    const owner = await until(page, `the stored state of ${id} to show its owner`, () => {
      const cell = document.querySelector('[data-testid=stored-state] tr[data-path=owner] td.value');
      return cell ? { text: cell.textContent.trim(), marked: cell.querySelector('[data-testid=redacted]') !== null } : null;
    });
    if (opts.redacted && (owner.text !== '[redacted]' || !owner.marked)) {
      fail(`the owner of ${id} reads ${JSON.stringify(owner.text)}${owner.marked ? '' : ' without the redacted marker'}, not a marked [redacted]`);
    }
    if (!opts.redacted && owner.text !== opts.owner) fail(`the owner of ${id} reads ${JSON.stringify(owner.text)}, not ${JSON.stringify(opts.owner)}`);
    await shot(page, dir, opts.redacted ? 'personal-redacted' : 'personal-revealed', shots);
    // every page that shows events, states, commands or reports: no personal-data token in its text or attributes
    const pages = [[aggregate, 'table[data-testid=events] tr[data-testid=event-row]'],
      [`#/effects/${encodeURIComponent(opts.replay)}`, 'table[data-testid=corrections]'],
      ['#/verification', '[data-testid=verification]'], ['#/replays', 'table[data-testid=replays]']];
    const read = {};
    for (const [route, ready] of pages) {
      await open(page, base, route, ready);
      const found = await page.evaluate(() => {
        const attributes = [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value));
        const all = [document.body.textContent, ...attributes].join('\n');
        const at = all.indexOf('pii:v1:');
        return { chars: all.length, token: at < 0 ? null : all.slice(at, at + 40), redacted: (all.match(/\[redacted\]/g) ?? []).length };
      });
      if (found.token) fail(`${route} shows a raw personal-data token: ${found.token}…`);
      read[route] = { chars: found.chars, redacted: found.redacted };
    }
    return { owner, pages: read };
  },

  async rollback({ page, base, dir, shots, opts }) {
    await open(page, base, '#/generations', '[data-testid=generations]');
    const section = `section[data-processor=${q(opts.processor)}]`;
    await waitVisible(page, section, `the generations of ${opts.processor}`);
    const roles = ({ section }) => {
      const gen = (role) => document.querySelector(`${section} tr[data-role=${role}] [data-field=generation]`)?.textContent?.trim() ?? null;
      return { active: gen('active'), previous: gen('previous') };
    };
    const before = await until(page, `an active and a previous generation of ${opts.processor}`,
      (a) => { const g = (role) => document.querySelector(`${a.section} tr[data-role=${role}] [data-field=generation]`)?.textContent?.trim();
        return g('active') && g('previous') ? { active: g('active'), previous: g('previous') } : null; }, { section });
    await shot(page, dir, 'generations-before-rollback', shots);
    const button = page.locator(`${section} button[data-action=rollback]`);
    const dialog = page.locator('dialog[data-testid=confirm-rollback]');

    // open, cancel: nothing changes, even after the next refresh
    await button.click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 }).catch(() => fail('the rollback button did not open dialog[data-testid=confirm-rollback]'));
    const focusInside = await page.evaluate(() => !!document.activeElement?.closest('dialog[data-testid=confirm-rollback]'));
    if (!focusInside) fail('the focus is not inside the confirmation dialog when it opens');
    await shot(page, dir, 'generations-confirm-rollback', shots);
    await dialog.locator('button[data-action=cancel]').click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => fail('cancel did not close the confirmation dialog'));
    const stamp = await updated(page);
    await until(page, 'the generations to be read again after the cancel', (s) => document.querySelector('[data-testid=updated]')?.textContent !== s, stamp, 15_000);
    const afterCancel = await page.evaluate(roles, { section });
    if (afterCancel.active !== before.active || afterCancel.previous !== before.previous) {
      fail(`cancel changed the generations of ${opts.processor}: ${JSON.stringify(before)} → ${JSON.stringify(afterCancel)}`);
    }
    // Escape cancels too
    await button.click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => fail('Escape did not close the confirmation dialog'));

    // open, confirm: active and previous swap
    await button.click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    await dialog.locator('button[data-action=confirm]').click();
    // the line may say that the rollback runs first; its end names the execution's status
    const result = await until(page, 'the rollback result line to name the rollback\'s end (SUCCEEDED, FAILED, …)', () => {
      const t = document.querySelector('[data-testid=rollback-result]')?.textContent?.replace(/\s+/g, ' ').trim();
      return t && /SUCCEEDED|FAILED|TIMED_OUT|ABORTED|error|refused|not/i.test(t) ? t : null;
    }, undefined, 90_000);
    if (!/SUCCEEDED/i.test(result)) fail(`the rollback result line reads ${JSON.stringify(result)}, not SUCCEEDED`);
    const after = await until(page, `active and previous of ${opts.processor} to swap (${before.active} ⇄ ${before.previous})`,
      ({ section, before }) => {
        const g = (role) => document.querySelector(`${section} tr[data-role=${role}] [data-field=generation]`)?.textContent?.trim();
        return g('active') === before.previous && g('previous') === before.active ? { active: g('active'), previous: g('previous') } : null;
      }, { section, before }, 30_000);
    await shot(page, dir, 'generations-after-rollback', shots);
    return { processor: opts.processor, before, afterCancel, result, after };
  },

  async aggregate({ page, base, dir, shots, opts }) {
    const id = opts.aggregate;
    await open(page, base, `#/aggregate/${encodeURIComponent(id)}`, 'table[data-testid=events] tr[data-testid=event-row]');
    const rows = await page.evaluate(() => [...document.querySelectorAll('tr[data-testid=event-row]')].map((r) => ({ version: r.dataset.version, eventId: r.dataset.eventId })));
    const versions = rows.map((r) => Number(r.version));
    versions.forEach((v, i) => { if (v !== i + 1) fail(`the events of ${id} are not in version order 1..${rows.length}: ${versions.join(',')}`); });
    // what the console's API says the states are: the page must show these, step by step
    const api = await page.evaluate(async (id) => {
      const r = await fetch(`/api/aggregate?id=${encodeURIComponent(id)}`);
      return r.ok ? r.json() : { error: `${r.status}` };
    }, id);
    if (!Array.isArray(api.states) || api.states.length !== rows.length) fail(`/api/aggregate gave ${api.states?.length ?? api.error} states for ${rows.length} event rows`);
    const slider = page.locator('input[type=range]#state-step');
    await slider.waitFor({ state: 'visible' }).catch(() => fail('no input[type=range]#state-step'));
    const range = await slider.evaluate((s) => ({ min: s.min, max: s.max, label: s.labels?.[0]?.textContent?.trim() ?? s.getAttribute('aria-label') }));
    if (Number(range.min) !== 1 || Number(range.max) !== rows.length) fail(`the slider spans ${range.min}..${range.max}, not 1..${rows.length}`);
    await slider.focus();
    const stateAt = async (version) => until(page, `[data-testid=state-at] to show the state after event ${version}`, (v) => {
      const s = document.querySelector('[data-testid=state-at]');
      const slider = document.querySelector('#state-step');
      return s && s.dataset.version === String(v) && slider.value === String(v) ? s.textContent.replace(/\s+/g, ' ').trim() : null;
    }, version);
    const steps = [];
    const expectShown = (version, text) => {
      const leaves = leafTexts(api.states[version - 1].state);
      const missing = leaves.filter((l) => !text.includes(l));
      if (missing.length) fail(`the state after event ${version} shows ${JSON.stringify(text.slice(0, 300))}, without ${JSON.stringify(missing.slice(0, 5))} of the API's state`);
      steps.push({ key: steps.length, version, leaves: leaves.length });
    };
    await page.keyboard.press('Home');
    const atFirst = await stateAt(1);
    expectShown(1, atFirst);
    let previous = atFirst;
    const forward = Math.min(3, rows.length - 1);
    for (let v = 2; v <= 1 + forward; v++) {
      await page.keyboard.press('ArrowRight');
      const text = await stateAt(v);
      expectShown(v, text);
      if (JSON.stringify(api.states[v - 1].state) !== JSON.stringify(api.states[v - 2].state) && text === previous) {
        fail(`the shown state did not change from event ${v - 1} to event ${v} although the API's states differ`);
      }
      previous = text;
    }
    await page.keyboard.press('End');
    expectShown(rows.length, await stateAt(rows.length));
    const stored = await page.locator('[data-testid=stored-state]').first().textContent().catch(() => null);
    if (stored === null) fail('no [data-testid=stored-state]');
    await shot(page, dir, 'aggregate-states', shots);

    const reversals = await page.evaluate(() => [...document.querySelectorAll('a[data-testid=reverses]')].map((a) => ({ href: a.getAttribute('href'), row: a.closest('tr')?.dataset.eventId })));
    let reversal = null;
    if (opts.reversal && reversals.length === 0) fail(`the aggregate ${id} has a reversal but no a[data-testid=reverses] link`);
    if (reversals.length) {
      const reversedId = reversals[0].href.replace(/^.*#event-/, '');
      const target = api.events?.find((e) => e.eventId === reversals[0].row)?.reverses;
      if (target && reversedId !== target) fail(`the reversal link of ${reversals[0].row} points to ${reversals[0].href}, not #event-${target}`);
      await page.locator('a[data-testid=reverses]').first().click();
      reversal = await until(page, `the reversed event's row #event-${reversedId} to be shown`, (rid) => {
        const row = document.getElementById(`event-${rid}`);
        if (!row || !document.querySelector('table[data-testid=events]')) return null;
        const box = row.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight + 1 ? { reversed: rid, hash: location.hash } : null;
      }, reversedId);
      await shot(page, dir, 'aggregate-reversal', shots);
    }
    return { aggregateId: id, events: rows.length, slider: range, steps, reversals: reversals.length, reversal };
  },

  async health({ page, base, dir, shots, opts }) {
    await open(page, base, '#/health', '[data-testid=health]');
    const wanted = [opts.processor ?? []].flat();
    const applied = opts.applied === undefined ? null : Number(opts.applied);
    const what = `the lag and ${applied === null ? 'an applied count above 0' : `applied count ${applied}`} of ${wanted.length ? wanted.join(', ') : 'at least one processor'}`;
    const saw = await until(page, what, ({ wanted, applied }) => {
      const rows = [...document.querySelectorAll('[data-testid=health] tr[data-processor]')].map((r) => ({
        processor: r.dataset.processor,
        lag: r.querySelector('[data-field=lag]')?.textContent?.trim() ?? '',
        applied: r.querySelector('[data-field=applied]')?.textContent?.trim() ?? '',
      }));
      const shown = rows.filter((r) => r.lag !== '' && /[0-9]/.test(r.applied));
      const count = (r) => Number(r.applied.replace(/[^0-9]/g, ''));
      const good = (r) => (applied === null ? count(r) > 0 : count(r) === applied);
      const ok = wanted.length ? wanted.every((p) => shown.some((r) => r.processor === p && good(r))) : shown.some(good);
      return ok ? { rows, setAside: !!document.querySelector('[data-testid=set-aside]'), throttles: document.querySelector('[data-testid=throttles]')?.textContent?.replace(/\s+/g, ' ').trim() ?? null } : null;
    }, { wanted, applied });
    if (!saw.setAside) fail('no [data-testid=set-aside]');
    if (saw.throttles === null) fail('no [data-testid=throttles] (the throttles or the note that says why there are none)');
    await shot(page, dir, 'health', shots);
    return saw;
  },

  async accessibility({ page, context, base, dir, shots, opts }) {
    const pages = [
      ['replays', '#/replays', 'table[data-testid=replays]'],
      ['replay', null, '[data-testid=replay-detail]'],
      ['generations', '#/generations', '[data-testid=generations]'],
      ['verification', '#/verification', '[data-testid=verification]'],
      ['effects', '#/effects', 'select#effects-replay'],
      ['aggregate', `#/aggregate/${encodeURIComponent(opts.aggregate)}`, '[data-testid=state-at]'],
      ['health', '#/health', '[data-testid=health]'],
    ];
    const cdp = await context.newCDPSession(page);
    const report = [];
    for (const [name, route, ready] of pages) {
      await page.setViewportSize(WIDE);
      let hash = route;
      if (hash === null) {
        await open(page, base, '#/replays', 'tr[data-testid=replay-row] a[href^="#/replay/"]');
        hash = await page.locator('tr[data-testid=replay-row] a[href^="#/replay/"]').first().getAttribute('href');
      }
      // a fresh document: tabbing then starts at its top, as for a person who opens the page
      await page.goto('about:blank');
      await open(page, base, hash, ready);
      const problems = [];
      problems.push(...await unnamedControls(page, cdp));
      problems.push(...await page.evaluate(graphicsWithoutName));
      const h1 = await page.locator('h1').count();
      if (h1 !== 1) problems.push(`${h1} h1 elements, not exactly one`);
      problems.push(...await tabToNav(page));
      const contrast = await page.evaluate(lowContrast);
      problems.push(...contrast.failures);
      await shot(page, dir, `a11y-${name}-1280`, shots);
      await page.setViewportSize(NARROW);
      const overflow = await until(page, 'the layout at 390 px', () => {
        const d = document.documentElement;
        return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
      });
      if (overflow.scrollWidth > overflow.clientWidth) {
        const wide = await page.evaluate(widestElements);
        problems.push(`at 390×800 the page scrolls horizontally (scrollWidth ${overflow.scrollWidth} > clientWidth ${overflow.clientWidth}); widest: ${wide.join('; ')}`);
      }
      problems.push(...(await page.evaluate(lowContrast)).failures.map((f) => `at 390 px: ${f}`));
      await shot(page, dir, `a11y-${name}-390`, shots);
      report.push({ page: name, hash, textsChecked: contrast.checked, problems });
    }
    const bad = report.filter((r) => r.problems.length);
    if (bad.length) fail(bad.map((r) => `${r.hash}: ${[...new Set(r.problems)].slice(0, 8).join(' | ')}`).join('\n'));
    return { pages: report.map((r) => ({ page: r.page, texts: r.textsChecked })) };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Accessibility helpers.

/** Visible input/select/button/textarea elements whose accessible name (as Chromium computes it) is empty. */
async function unnamedControls(page, cdp) {
  const count = await page.evaluate(() => {
    let n = 0;
    for (const el of document.querySelectorAll('input, select, button, textarea')) {
      el.removeAttribute('data-a11y-control');
      if (el.type === 'hidden' || !el.checkVisibility()) continue;
      el.setAttribute('data-a11y-control', String(n++));
    }
    return n;
  });
  const problems = [];
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  for (let i = 0; i < count; i++) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `[data-a11y-control="${i}"]` });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const name = nodes[0]?.name?.value ?? '';
    if (!String(name).trim()) {
      problems.push(`a ${await page.evaluate((i) => { const e = document.querySelector(`[data-a11y-control="${i}"]`); return `<${e.localName}${e.id ? ` id=${e.id}` : ''}${e.type ? ` type=${e.type}` : ''}>`; }, i)} without an accessible name`);
    }
  }
  await page.evaluate(() => document.querySelectorAll('[data-a11y-control]').forEach((e) => e.removeAttribute('data-a11y-control')));
  return problems;
}

/** img without alt/title/aria-label, svg without a <title> or aria-label (aria-hidden decorations excepted). */
function graphicsWithoutName() {
  const problems = [];
  for (const el of document.querySelectorAll('img, svg')) {
    if (el.closest('[aria-hidden="true"]')) continue;
    if (el.localName === 'svg' && el.parentElement?.closest('svg')) continue;
    const named = (el.getAttribute('aria-label') || '').trim() || (el.getAttribute('aria-labelledby') || '').trim()
      || (el.getAttribute('title') || '').trim()
      || (el.localName === 'svg' && el.querySelector(':scope > title')?.textContent?.trim())
      || (el.localName === 'img' && el.hasAttribute('alt'));
    if (!named) problems.push(`<${el.localName}${el.id ? ` id=${el.id}` : ''}${el.dataset.testid ? ` data-testid=${el.dataset.testid}` : ''}> without a title or aria-label`);
  }
  return problems;
}

/** Tabs from the top of the page: the first stop is a skip link, and every nav link is reached, with a visible focus mark. */
async function tabToNav(page) {
  const problems = [];
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const reached = new Set();
  const unmarked = [];
  let first = null;
  for (let i = 0; i < 80 && reached.size < NAV.length; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      const outlined = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
      return { tag: e.localName, href: e.getAttribute('href'), text: (e.textContent || '').trim().slice(0, 40), nav: !!e.closest('nav'), outlined };
    });
    if (!f) continue;
    if (!first) first = f;
    if (f.nav && f.href && NAV.includes(f.href)) {
      reached.add(f.href);
      if (!f.outlined) unmarked.push(f.href);
    }
  }
  if (!first || first.tag !== 'a' || !/skip/i.test(first.text)) problems.push(`the first Tab stop is ${JSON.stringify(first)}, not a skip link`);
  const missing = NAV.filter((h) => !reached.has(h));
  if (missing.length) problems.push(`tabbing never reached the nav links ${missing.join(', ')}`);
  if (unmarked.length) problems.push(`no visible focus outline on ${unmarked.join(', ')}`);
  return problems;
}

/** Text whose colour against its (composited) background is below 4.5:1. Runs in the page. */
function lowContrast() {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat(a);
  };
  const background = (el) => {
    const layers = [];
    let imaged = false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') imaged = true;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return { bg, imaged };
  };
  const luminance = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const failures = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    if (el.closest('svg') && !el.closest('svg text, svg tspan')) continue;
    if (el.closest('[disabled], option')) continue;
    seen.add(el);
    const range = document.createRange();
    range.selectNodeContents(n);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const s = getComputedStyle(el);
    const svg = el.closest('svg');
    let { bg, imaged } = background(svg ?? el);
    if (imaged) continue;
    if (svg) {
      // SVG text lies on the shape drawn before it in its group (a state's box), if any
      for (let g = el.parentElement; g && g !== svg.parentElement; g = g.parentElement) {
        const shape = [...g.children].find((c) => ['rect', 'ellipse', 'circle', 'path', 'polygon'].includes(c.localName) && !c.contains(el));
        if (!shape) continue;
        const ss = getComputedStyle(shape);
        if (ss.fill && ss.fill !== 'none') {
          const f = rgba(ss.fill);
          f[3] *= Number(ss.fillOpacity || 1);
          bg = over(f, bg);
        }
        break;
      }
    }
    const fg = over(rgba(svg ? s.fill : s.color), bg);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    checked++;
    if (ratio < 4.5) {
      failures.push(`contrast ${ratio.toFixed(2)}:1 for "${n.textContent.trim().slice(0, 30)}" (<${el.localName}${el.className && typeof el.className === 'string' ? ` class=${el.className}` : ''}>, ${s.color} on rgb(${bg.slice(0, 3).map(Math.round).join(', ')}))`);
    }
  }
  return { checked, failures };
}

function widestElements() {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 0.5)
    .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 0.5)
    .slice(0, 5).map((e) => `<${e.localName}${e.id ? ` id=${e.id}` : ''}${e.dataset.testid ? ` data-testid=${e.dataset.testid}` : ''}> ${Math.round(e.getBoundingClientRect().right)} px`);
}

/** The leaves of a state object as the page would show them as text: strings and numbers (booleans as true/false). */
function leafTexts(value) {
  const out = [];
  const walk = (v) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v).forEach(walk);
    else if (String(v).trim() !== '') out.push(String(v));
  };
  walk(value);
  return [...new Set(out)];
}

/** The options each check cannot run without. */
const NEEDS = { drift: ['aggregate', 'field'], corrections: ['replay', 'count'], personal: ['aggregate', 'replay'], rollback: ['processor'], aggregate: ['aggregate'], accessibility: ['aggregate'] };

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' }, screenshots: { type: 'string' }, arn: { type: 'string' }, aggregate: { type: 'string' },
        field: { type: 'string' }, replay: { type: 'string' }, count: { type: 'string' }, applied: { type: 'string' }, processor: { type: 'string', multiple: true },
        reversal: { type: 'boolean' }, 'failed-state': { type: 'string' }, owner: { type: 'string' }, redacted: { type: 'boolean' },
      },
    });
  } catch (e) {
    return usage(e.message);
  }
  const [name, ...extra] = parsed.positionals;
  const opts = { ...parsed.values };
  if (!name) return usage(`name a check: ${Object.keys(checks).join(', ')}`);
  if (!checks[name]) return usage(`the check ${JSON.stringify(name)} is not one of ${Object.keys(checks).join(', ')}`);
  const missing = (NEEDS[name] ?? []).filter((n) => opts[n] === undefined);
  if (missing.length) return usage(`the check ${name} needs ${missing.map((n) => `--${n}`).join(' and ')}`);
  if (extra.length) return usage(`unexpected arguments ${extra.join(' ')}`);
  if (!opts.url) return usage('--url URL (the console) is required');
  if (!opts.screenshots) return usage('--screenshots DIR is required');
  if (name === 'rollback' || name === 'drift' || name === 'aggregate') opts.processor = opts.processor?.[0];
  if (name === 'personal' && (opts.owner === undefined) === (opts.redacted === undefined)) return usage('the check personal needs --owner NAME or --redacted');
  for (const n of ['count', 'applied']) {
    if (opts[n] !== undefined && !/^[0-9]+$/.test(opts[n])) return usage(`--${n} ${opts[n]} is not a whole number`);
  }
  mkdirSync(opts.screenshots, { recursive: true });

  let session;
  const shots = [];
  try {
    session = await openBrowser(opts.url);
    const saw = await checks[name]({ ...session, base: opts.url, dir: opts.screenshots, shots, opts });
    if (session.problems.length) {
      const problems = session.problems.splice(0);
      fail(problems.join('\n'));
    }
    console.log(JSON.stringify({ check: name, ok: true, ms: Date.now() - started, saw, screenshots: shots }));
    return 0;
  } catch (e) {
    const page = session?.page;
    if (page && !page.isClosed()) {
      try { await shot(page, opts.screenshots, `${name}-failed`, shots); } catch { /* the failure is reported below */ }
    }
    const problems = session?.problems ?? [];
    const message = [`${name}: ${e instanceof CheckFailed ? e.message : e.stack}`, ...problems.map((p) => `  also: ${p}`)].join('\n');
    console.log(JSON.stringify({ check: name, ok: false, ms: Date.now() - started, error: message, url: page?.url() ?? null, screenshots: shots }));
    console.error(message);
    return 1;
  } finally {
    if (session) await session.close();
  }
}

const USAGE = `usage: node console-check.mjs CHECK --url URL --screenshots DIR [options]
  rebuild-progress [--arn ARN]              a RUNNING rebuild advances on #/replays without a reload; its graph has a current state
  drift --aggregate ID --field F [--failed-state S]
                                            #/verification shows ID drifted, with a differing row naming F; its
                                            replay's graph marks S failed
  corrections --replay ID --count N         #/effects/ID lists N corrections "before → after"; an event link leads to its aggregate
  personal --aggregate ID --replay ID (--owner NAME | --redacted)
                                            #/aggregate/ID shows its owner revealed, or a marked [redacted]; no page
                                            (aggregate, effects of the replay, verification, replays) shows a pii:v1: token
  rollback --processor P                    #/generations: a rollback cancelled (nothing changes), then confirmed (active and previous swap)
  aggregate --aggregate ID [--reversal]     #/aggregate/ID: the keyboard steps the slider through the states; reversal links
  health [--processor P]... [--applied N]   #/health shows the processors' lag and applied counts
  accessibility --aggregate ID              every page: names, one h1, tabbing to the nav, no horizontal scroll at 390 px, contrast
Chromium: /usr/bin/chromium, or $PLAYBACK_CHROMIUM.`;

function usage(message) {
  console.error(`console-check: ${message}\n${USAGE}`);
  return 2;
}

process.exitCode = await main();
