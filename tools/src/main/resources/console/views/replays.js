// #/replays: every rebuild, verification, partial replay and rollback, newest first, updated every 2 s.
import {getJson} from '../api.js';
import {count, duration, h, orDash, rate, updateChildren, status, table, time} from '../dom.js';
import {progress, replayLink, scope, startedBy} from './format.js';

export const title = 'Replays';

function row(replay) {
  return h('tr', {
    'data-testid': 'replay-row', 'data-execution-arn': replay.executionArn, 'data-status': replay.status,
    'data-kind': replay.kind,
  },
  h('th', {scope: 'row', 'data-field': 'name'}, replayLink(replay)),
  h('td', {'data-field': 'kind'}, orDash(replay.kind)),
  h('td', {'data-field': 'status'}, status(replay.status)),
  h('td', {'data-field': 'startedBy'}, startedBy(replay)),
  h('td', {'data-field': 'scope'}, scope(replay)),
  h('td', {'data-field': 'gatewayMode'}, orDash(replay.gatewayMode)),
  h('td', {'data-field': 'published', class: 'number'}, count(replay.published)),
  h('td', {'data-field': 'applied', class: 'number'}, count(replay.applied)),
  h('td', {'data-field': 'progress'}, progress(replay)),
  h('td', {'data-field': 'rate', class: 'number'}, rate(replay.eventsPerSecond)),
  h('td', {'data-field': 'eta', class: 'number'}, duration(replay.etaSeconds)),
  h('td', {'data-field': 'started'}, time(replay.startDate)));
}

export function render(page) {
  const body = h('tbody', {});
  const empty = h('p', {class: 'empty', hidden: true}, 'No replay has run yet: start one with ',
    h('code', {}, 'playback rebuild'), ', ', h('code', {}, 'playback verify'), ' or ', h('code', {}, 'playback replay'), '.');
  const box = table({'data-testid': 'replays', class: 'replays'}, 'Replays, newest first',
    ['Name', 'Kind', 'Status', 'Started by', 'Scope', 'Gateway mode', 'Published', 'Applied', 'Progress', 'Rate', 'ETA', 'Started'], []);
  box.querySelector('table').replaceChild(body, box.querySelector('tbody'));
  page.root.append(h('h1', {}, 'Replays'),
    h('p', {class: 'lead'}, 'Rebuilds, verifications, partial replays and rollbacks of this stack; running ones update every 2 seconds.'),
    box, empty);
  return page.poll(async () => {
    const data = await getJson('/api/replays?limit=50');
    updateChildren(body, data.replays.map(row));
    empty.hidden = data.replays.length > 0;
  });
}
