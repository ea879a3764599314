// #/health: processor lag, records set aside, throttles and the other metrics, updated every 2 s.
import {getJson} from '../api.js';
import {count, h, orDash, table, time, updateChildren} from '../dom.js';

export const title = 'Health';

function millis(value) {
  return Number.isFinite(value) ? `${Math.round(value)} ms` : '—';
}

function number(value) {
  if (!Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function content(data) {
  const processors = table({class: 'lag', 'data-testid': 'processors'}, 'Processors: lag and events applied',
    ['Processor', 'Lag (max / mean)', 'Applied'],
    (data.processors ?? []).map((p) => h('tr', {'data-processor': p.processor},
      h('th', {scope: 'row'}, p.processor),
      h('td', {'data-field': 'lag', class: 'number'}, `${millis(p.lagMillisMax)} / ${millis(p.lagMillisMean)}`),
      h('td', {'data-field': 'applied', class: 'number'}, count(p.applied)))));
  const setAside = table({class: 'set-aside', 'data-testid': 'set-aside'}, 'Records set aside (after their retries)',
    ['Service', 'Records'],
    (data.setAside ?? []).map((entry) => h('tr', {'data-service': entry.service, class: entry.records ? 'bad' : null},
      h('th', {scope: 'row'}, entry.service),
      h('td', {'data-field': 'records', class: 'number'}, count(entry.records)))));
  const throttles = data.throttles
    ? table({class: 'throttles', 'data-testid': 'throttles'}, 'Throttles', ['What', 'Count'],
      data.throttles.map((t) => h('tr', {class: t.count ? 'bad' : null},
        h('th', {scope: 'row'}, t.what),
        h('td', {'data-field': 'count', class: 'number'}, count(t.count)))))
    : h('p', {'data-testid': 'throttles', class: 'note'}, orDash(data.throttlesNote ?? 'No throttle figures.'));
  const metrics = data.metrics?.length
    ? table({class: 'metrics', 'data-testid': 'metrics'}, 'All metrics', ['Metric', 'Dimension', 'Unit', 'Sum', 'Max', 'Values'],
      data.metrics.map((m) => h('tr', {},
        h('th', {scope: 'row'}, m.metric),
        h('td', {}, orDash(m.dimension)),
        h('td', {}, orDash(m.unit)),
        h('td', {class: 'number'}, number(m.sum)),
        h('td', {class: 'number'}, number(m.max)),
        h('td', {class: 'number'}, count(m.values)))))
    : h('p', {class: 'empty'}, 'No metrics recorded yet.');
  return [
    h('p', {class: 'source', 'data-field': 'source'}, 'From ', h('code', {}, orDash(data.source)),
      data.from || data.to ? [', ', time(data.from), ' to ', time(data.to)] : ''),
    h('section', {'aria-labelledby': 'lag-heading'}, h('h2', {id: 'lag-heading'}, 'Processors'), processors),
    h('div', {class: 'two-up'},
      h('section', {'aria-labelledby': 'set-aside-heading'}, h('h2', {id: 'set-aside-heading'}, 'Set aside'), setAside),
      h('section', {'aria-labelledby': 'throttles-heading'}, h('h2', {id: 'throttles-heading'}, 'Throttles'), throttles)),
    h('section', {'aria-labelledby': 'metrics-heading'}, h('h2', {id: 'metrics-heading'}, 'Metrics'), metrics),
  ];
}

export function render(page) {
  const body = h('div', {'data-testid': 'health', class: 'health'});
  page.root.append(h('h1', {}, 'Health'), body);
  return page.poll(async () => {
    updateChildren(body, content(await getJson('/api/health')));
  });
}
