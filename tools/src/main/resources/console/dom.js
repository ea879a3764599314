// Small DOM helpers shared by the pages: element builders and the formats of numbers, times and statuses.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** An HTML element: h('a', {href: '#/x', 'data-field': 'y'}, 'text', otherNode, [more]). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same arguments as h. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

const DASH = '—';

export function orDash(value) {
  return value === null || value === undefined || value === '' ? DASH : String(value);
}

/** A count as digits only (the tests and people both read them), or a dash. */
export function count(value) {
  return Number.isFinite(value) ? String(value) : DASH;
}

export function rate(eventsPerSecond) {
  return Number.isFinite(eventsPerSecond) ? `${eventsPerSecond.toFixed(1)} ev/s` : DASH;
}

export function duration(seconds) {
  if (!Number.isFinite(seconds)) return DASH;
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

export function clock(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** An ISO instant as a <time> element in local time (the ISO text in its title), or a dash. */
export function time(iso) {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const text = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock(date)}`;
  return h('time', {datetime: iso, title: iso}, text);
}

const STATUS_CLASSES = {
  RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'failed',
  ABORTED: 'aborted', PENDING_REDRIVE: 'pending',
};

/** A status word with a symbol drawn by the style sheet beside it (never colour alone). */
export function status(value) {
  return h('span', {class: ['status', `status-${STATUS_CLASSES[value] ?? 'other'}`]}, orDash(value));
}

/** Compact JSON for a cell: short values inline, long ones in a scrolling block. */
export function json(value) {
  const text = JSON.stringify(value, null, value && JSON.stringify(value).length > 60 ? 2 : 0);
  return h('pre', {class: 'json'}, h('code', {}, text ?? 'null'));
}

/** A table in its own scrolling box, so a wide table never widens the page. */
export function table(attrs, caption, headings, rows) {
  return h('div', {class: 'table-box', tabindex: '0', role: 'region', 'aria-label': caption},
    h('table', attrs,
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headings.map((heading) => h('th', {scope: 'col'}, heading)))),
      h('tbody', {}, rows)));
}

/**
 * Makes el's children look like the given ones, touching only what changed, so that polling keeps focus,
 * selection and scroll. Listeners are not copied: pages that poll handle events by delegation.
 */
export function updateChildren(el, ...children) {
  morphChildren(el, h('div', {}, ...children));
}

function morphChildren(old, fresh) {
  const wanted = [...fresh.childNodes];
  wanted.forEach((node, i) => {
    const present = old.childNodes[i];
    if (!present) old.append(node);
    else morph(present, node);
  });
  while (old.childNodes.length > wanted.length) old.lastChild.remove();
}

function morph(old, fresh) {
  if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) {
    old.replaceWith(fresh);
  } else if (old.nodeType !== Node.ELEMENT_NODE) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
  } else if (old.outerHTML !== fresh.outerHTML) {
    for (const {name} of [...old.attributes]) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
    for (const {name, value} of [...fresh.attributes]) if (old.getAttribute(name) !== value) old.setAttribute(name, value);
    if (old instanceof HTMLProgressElement) old.value = fresh.value;
    morphChildren(old, fresh);
  }
}
