// #/verification: the latest verification that ended; per drifted aggregate the live and rebuilt state side by side.
import {getJson} from '../api.js';
import {count, h, orDash, status, table, time} from '../dom.js';
import {fieldTable, unionPaths} from '../fields.js';
import {replayLink} from './format.js';

export const title = 'Verification';

function drift(aggregate) {
  const differences = aggregate.differences ?? [];
  const paths = unionPaths([aggregate.live, aggregate.rebuilt], differences);
  const range = aggregate.events
    ? `events ${aggregate.events.from} to ${aggregate.events.to}`
    : 'its events';
  const heading = `${aggregate.aggregateId} · ${aggregate.processor}`;
  const id = `drift-${aggregate.processor}-${aggregate.aggregateId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const pane = (side, label, value) => h('div', {'data-side': side, class: 'pane'},
    h('h3', {}, label),
    fieldTable(value, {caption: `${label} state of ${aggregate.aggregateId}`, paths, differences}));
  return h('section', {
    'data-testid': 'drift', 'data-aggregate-id': aggregate.aggregateId, 'data-processor': aggregate.processor,
    class: 'drift', 'aria-labelledby': id,
  },
  h('h2', {id}, heading),
  h('p', {class: 'summary'},
    `${differences.length} differing field${differences.length === 1 ? '' : 's'}: `,
    differences.map((d, i) => [i ? ', ' : '', h('code', {}, d === '' ? '(whole state)' : d)]),
    ' · ',
    h('a', {'data-field': 'events', href: `#/aggregate/${encodeURIComponent(aggregate.aggregateId)}?processor=${encodeURIComponent(aggregate.processor)}`}, range)),
  h('div', {class: 'side-by-side'},
    pane('live', 'Live', aggregate.live),
    pane('rebuilt', 'Rebuilt', aggregate.rebuilt)));
}

function fact(label, value) {
  return h('div', {}, h('dt', {}, label), value);
}

function latest(data) {
  const last = data.latest;
  if (!last) return h('p', {class: 'empty'}, 'No verification has ended yet: run ', h('code', {}, 'playback verify'), ' or wait for the nightly one.');
  const report = last.report;
  const replay = last.replay;
  const facts = h('dl', {class: 'facts'},
    fact('Replay', h('dd', {}, replayLink(replay))),
    fact('Status', h('dd', {'data-field': 'status'}, status(replay.status))),
    fact('Ended', h('dd', {}, time(replay.stopDate))),
    fact('Generation', h('dd', {}, orDash(report?.generation ?? replay.generation))),
    fact('Compared', h('dd', {'data-field': 'compared'}, count(report?.compared))),
    fact('Drifted', h('dd', {'data-field': 'drifted', class: report?.drifted ? 'bad' : null}, count(report?.drifted))),
    fact('Missing in live', h('dd', {'data-field': 'missingInLive'}, count(report?.missingInLive))),
    fact('Missing in rebuilt', h('dd', {'data-field': 'missingInShadow'}, count(report?.missingInShadow))));
  const drifts = (report?.aggregates ?? []);
  return [
    facts,
    report ? null : h('p', {class: 'empty'}, 'This verification stored no report.'),
    drifts.length
      ? h('div', {class: 'drifts'}, drifts.map(drift))
      : (report ? h('p', {class: 'ok'}, h('span', {class: 'status status-succeeded'}, 'no drift'), ': the rebuilt state equals the live state everywhere.') : null),
  ];
}

function pastRuns(history) {
  if (!history?.length) return null;
  return h('section', {'aria-labelledby': 'verification-history'},
    h('h2', {id: 'verification-history'}, 'Earlier verifications'),
    table({class: 'verification-history', 'data-testid': 'verification-history'}, 'Verifications, newest first',
      ['Replay', 'Status', 'Started', 'Drifted'],
      history.map((v) => h('tr', {'data-replay-id': v.replayId},
        h('th', {scope: 'row'}, v.executionArn ? h('a', {href: `#/replay/${encodeURIComponent(v.executionArn)}`}, v.replayId) : v.replayId),
        h('td', {}, status(v.status)),
        h('td', {}, time(v.startDate)),
        h('td', {class: 'number'}, count(v.drifted))))));
}

export function render(page) {
  const body = h('div', {'data-testid': 'verification', class: 'verification'});
  page.root.append(h('h1', {}, 'Verification'),
    h('p', {class: 'lead'}, 'A verification rebuilds every aggregate into a shadow generation and compares it with the live state; drift means they differ.'),
    body);
  return page.once(async () => {
    const data = await getJson('/api/verification');
    body.replaceChildren(...latest(data).filter(Boolean), pastRuns(data.history) ?? '');
  });
}
