// A state as a table of its leaf fields (dotted paths, array indexes as [3]), with the differing rows marked.
import {h} from './dom.js';

const ABSENT = Symbol('absent');

/** The leaves of a JSON value as [path, value] pairs; empty objects and arrays are leaves too. */
export function flatten(value, prefix = '', out = []) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((item, i) => [`${prefix}[${i}]`, item])
      : Object.keys(value).map((key) => [prefix ? `${prefix}.${key}` : key, value[key]]);
    if (entries.length === 0) out.push([prefix, value]);
    for (const [path, item] of entries) flatten(item, path, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

/** Whether a leaf lies at or under one of the differing paths ("" is the root: everything differs). */
export function differsAt(path, differences) {
  return differences.some((d) => d === '' || d === path || path.startsWith(`${d}.`) || path.startsWith(`${d}[`));
}

/** The paths of both sides in one order (the first side's, then what only the others have), plus differing paths none has. */
export function unionPaths(values, differences = []) {
  const paths = [];
  const seen = new Set();
  for (const value of values) {
    if (value === null || value === undefined) continue;
    for (const [path] of flatten(value)) {
      if (!seen.has(path)) {
        seen.add(path);
        paths.push(path);
      }
    }
  }
  for (const d of differences) {
    if (d !== '' && !paths.some((path) => differsAt(path, [d]))) {
      seen.add(d);
      paths.push(d);
    }
  }
  return paths;
}

/** The paths whose leaves differ between two values (for a step of the aggregate's states). */
export function changedPaths(before, after) {
  const left = new Map(flatten(before ?? {}));
  const right = new Map(flatten(after ?? {}));
  const changed = [];
  for (const path of new Set([...left.keys(), ...right.keys()])) {
    if (JSON.stringify(left.get(path)) !== JSON.stringify(right.get(path))) changed.push(path);
  }
  return changed;
}

/** What a personal field of a forgotten subject reads as (the server reveals every other one). */
export const REDACTED = '[redacted]';

function display(value) {
  if (value === ABSENT) return h('span', {class: 'absent'}, '(absent)');
  if (value === null) return h('span', {class: 'null'}, 'null');
  if (value === REDACTED) {
    return h('span', {class: 'redacted', 'data-testid': 'redacted', title: 'personal data of a forgotten subject: its key was deleted'}, REDACTED);
  }
  if (typeof value === 'string') return value === '' ? h('span', {class: 'null'}, '""') : value;
  return JSON.stringify(value);
}

/**
 * A field table of one value. paths: the rows to show (default: the value's own leaves, so both panes of a
 * comparison can share rows); differences: paths whose rows get data-differs="true" and a visible ≠.
 */
export function fieldTable(value, {caption, paths, differences = [], markWord = 'differs'} = {}) {
  if (value === null || value === undefined) {
    return h('p', {class: 'no-state', 'data-differs': differences.length ? 'true' : null},
      differences.length ? h('span', {class: 'differs-mark', 'aria-hidden': 'true'}, '≠ ') : null,
      'no state (missing)');
  }
  const leaves = new Map(flatten(value));
  const rows = (paths ?? [...leaves.keys()]).map((path) => {
    const differs = differsAt(path, differences);
    return h('tr', {'data-path': path, 'data-differs': differs ? 'true' : null, class: differs ? 'differs' : null},
      h('td', {class: 'mark'}, differs ? h('span', {title: markWord}, '≠', h('span', {class: 'visually-hidden'}, ` ${markWord}`)) : ''),
      h('th', {scope: 'row'}, h('code', {}, path === '' ? '(whole state)' : path)),
      h('td', {class: 'value'}, display(leaves.has(path) ? leaves.get(path) : ABSENT)));
  });
  return h('div', {class: 'table-box'},
    h('table', {class: 'fields'},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {},
        h('th', {scope: 'col', class: 'mark'}, h('span', {class: 'visually-hidden'}, 'Mark')),
        h('th', {scope: 'col'}, 'Field'),
        h('th', {scope: 'col'}, 'Value'))),
      h('tbody', {}, rows)));
}
