// The console's entry: a hash router that mounts one page at a time and stops the last page's polling.
import {clearError, getJson, showError} from './api.js';
import {h} from './dom.js';
import {Page} from './page.js';
import * as replays from './views/replays.js';
import * as replay from './views/replay.js';
import * as generations from './views/generations.js';
import * as verification from './views/verification.js';
import * as effects from './views/effects.js';
import * as event from './views/event.js';
import * as aggregate from './views/aggregate.js';
import * as health from './views/health.js';

const PAGES = {replays, replay, generations, verification, effects, event, aggregate, health};

/** "#/aggregate/acct-1?processor=balances" → {name: 'aggregate', arg: 'acct-1', params}. */
export function parseRoute(hash) {
  const route = hash.replace(/^#\/?/, '');
  const mark = route.indexOf('?');
  const path = mark < 0 ? route : route.slice(0, mark);
  const params = new URLSearchParams(mark < 0 ? '' : route.slice(mark + 1));
  const slash = path.indexOf('/');
  const name = (slash < 0 ? path : path.slice(0, slash)) || 'replays';
  let arg = slash < 0 ? '' : path.slice(slash + 1);
  try {
    arg = decodeURIComponent(arg);
  } catch {
    // a hand-typed address with a stray %: use it as it is
  }
  return {name, arg, params};
}

let current = null;

function markNav(name) {
  const section = name === 'replay' ? 'replays' : name === 'event' ? 'effects' : name;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${section}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function notFound(page) {
  page.root.append(h('h1', {}, 'No such page'),
    h('p', {}, `The console has no page "${page.name}". `, h('a', {href: '#/replays'}, 'See the replays.')));
}

function route() {
  const hash = location.hash;
  if (current && hash && !hash.startsWith('#/')) {
    // an in-page anchor (e.g. #event-<id>): keep the page, show the element
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target) target.scrollIntoView({block: 'center'});
    return;
  }
  const {name, arg, params} = parseRoute(hash.startsWith('#/') ? hash : '');
  current?.close();
  clearError();
  const page = new Page(name, arg, params);
  current = page;
  document.querySelector('[data-testid=updated]').textContent = '';
  const main = document.getElementById('main');
  main.replaceChildren(page.root);
  markNav(name);
  const view = PAGES[name];
  if (!view) {
    notFound(page);
    return;
  }
  document.title = `${view.title} · Playback console`;
  Promise.resolve(view.render(page)).catch((error) => {
    if (!page.closed) showError(error);
  });
}

async function describeStack() {
  try {
    const overview = await getJson('/api/overview');
    document.querySelector('[data-testid=where]').textContent = overview.where ?? '';
  } catch (error) {
    showError(error);
  }
}

document.querySelector('[data-action=skip]').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', route);
route();
describeStack();
