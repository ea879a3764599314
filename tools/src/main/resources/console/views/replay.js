// #/replay/<arn>: one execution: its progress, per processor, its state machine as a graph, checkpoints, history.
import {getJson, query} from '../api.js';
import {count, duration, h, orDash, rate, status, table, time, updateChildren} from '../dom.js';
import {stateGraph, stateList} from '../graph.js';
import {progress, scope, startedBy} from './format.js';

export const title = 'Replay';

function field(label, name, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {'data-field': name}, value));
}

/** The replay's own figures: the only [data-field] elements inside [data-testid=replay-detail]. */
function summary(replay) {
  return h('dl', {class: 'facts', 'data-testid': 'replay-detail', 'data-execution-arn': replay.executionArn, 'data-status': replay.status},
    field('Status', 'status', status(replay.status)),
    field('Kind', 'kind', orDash(replay.kind)),
    field('State machine', 'machine', orDash(replay.machine)),
    field('Started by', 'startedBy', startedBy(replay)),
    field('Scope', 'scope', scope(replay)),
    field('Gateway mode', 'gatewayMode', orDash(replay.gatewayMode)),
    field('Generation', 'generation', orDash(replay.generation)),
    field('Replay id', 'replayId', orDash(replay.replayId)),
    field('Started', 'started', time(replay.startDate)),
    field('Stopped', 'stopped', time(replay.stopDate)),
    field('Published', 'published', count(replay.published)),
    field('Applied', 'applied', count(replay.applied)),
    field('Total events', 'total', count(replay.total)),
    field('Progress', 'progress', progress(replay)),
    field('Rate', 'rate', rate(replay.eventsPerSecond)),
    field('ETA', 'eta', duration(replay.etaSeconds)));
}

function processors(replay) {
  const applied = Object.entries(replay.appliedByProcessor ?? {});
  if (!applied.length) return h('p', {class: 'empty'}, 'No processor has applied events of this replay yet.');
  return table({class: 'processors'}, 'Events applied per processor', ['Processor', 'Applied'],
    applied.map(([processor, n]) => h('tr', {'data-processor': processor},
      h('th', {scope: 'row'}, processor),
      h('td', {'data-field': 'applied', class: 'number'}, count(n)))));
}

function failure(replay) {
  if (!replay.error && !replay.cause) return null;
  return h('div', {class: 'failure', 'data-testid': 'failure'},
    h('h2', {}, 'Why it failed'),
    h('p', {}, h('strong', {}, orDash(replay.error))),
    replay.cause ? h('pre', {class: 'json'}, h('code', {}, replay.cause)) : null);
}

function reports(detail) {
  const replay = detail.replay;
  const links = [];
  if (detail.gatewayReport && replay.replayId) {
    links.push(h('li', {}, h('a', {href: `#/effects/${encodeURIComponent(replay.replayId)}`, 'data-testid': 'gateway-report'},
      'External effects of this replay (gateway report)')));
  }
  if (detail.verifyReport) {
    links.push(h('li', {}, h('a', {href: '#/verification', 'data-testid': 'verify-report'}, 'Verification report')));
  }
  return links.length ? h('ul', {class: 'links'}, links) : h('p', {class: 'empty'}, 'No report stored for this replay.');
}

function checkpoints(detail) {
  const rows = (detail.checkpoints ?? []).map((c) => h('tr', {'data-segment': c.segment},
    h('th', {scope: 'row', class: 'number'}, count(c.segment)),
    h('td', {class: 'number'}, count(c.published)),
    h('td', {class: 'number'}, count(c.batches)),
    h('td', {}, h('span', {class: ['status', c.done ? 'status-succeeded' : 'status-running']}, c.done ? 'done' : 'publishing'))));
  if (!rows.length) return h('p', {class: 'empty'}, 'No checkpoints (this replay does not publish segments).');
  return table({class: 'checkpoints'}, 'Checkpoints per segment', ['Segment', 'Published', 'Batches', 'Done'], rows);
}

function history(detail) {
  const events = [...(detail.history ?? [])].reverse();
  return table({class: 'history', 'data-testid': 'history'}, 'Execution history (newest first, the last 100)',
    ['Id', 'Time', 'Type', 'State', 'Detail'],
    events.map((e) => h('tr', {},
      h('th', {scope: 'row', class: 'number'}, count(e.id)),
      h('td', {}, time(e.timestamp)),
      h('td', {}, e.type),
      h('td', {}, orDash(e.state)),
      h('td', {class: 'detail'}, e.detail ? h('code', {}, e.detail) : '—'))));
}

/** On a narrow screen the graph scrolls in its box: show the running or failed state first. */
function bringIntoView(box) {
  const marked = box.querySelector('g.current, g.failed');
  if (!marked || box.scrollWidth <= box.clientWidth) return;
  const node = marked.getBoundingClientRect();
  const frame = box.getBoundingClientRect();
  box.scrollLeft += node.left + node.width / 2 - (frame.left + frame.width / 2);
}

export function render(page) {
  const arn = page.arg;
  const heading = h('h1', {}, 'Replay');
  const body = h('div', {class: 'replay-detail'});
  page.root.append(h('p', {class: 'crumbs'}, h('a', {href: '#/replays'}, '← All replays')), heading, body);
  if (!arn) {
    body.append(h('p', {}, 'Which replay? Pick one from ', h('a', {href: '#/replays'}, 'the list'), '.'));
    return undefined;
  }
  let graphKey = null;
  let shownKey = null;
  const graphBox = h('div', {class: 'graph-box'});
  const listBox = h('div', {class: 'state-list-box'});
  return page.poll(async () => {
    const detail = await getJson(query('/api/replay', {arn}));
    const replay = detail.replay;
    heading.textContent = `Replay ${replay.name}`;
    document.title = `${replay.name} · Playback console`;
    const key = JSON.stringify([detail.definition, detail.states, detail.current, detail.failed]);
    if (key !== graphKey) {
      graphKey = key;
      const execution = {states: detail.states, current: detail.current, failed: detail.failed};
      graphBox.replaceChildren(stateGraph(detail.definition, execution, `State machine ${replay.machine}`));
      listBox.replaceChildren(h('h3', {id: 'state-list-heading'}, 'States'), stateList(detail.definition, execution));
    }
    updateChildren(body,
      h('section', {class: 'overview', 'aria-labelledby': 'progress-heading'},
        h('h2', {id: 'progress-heading'}, 'Progress'),
        summary(replay), processors(replay), failure(replay)),
      h('section', {class: 'machine', 'aria-labelledby': 'machine-heading'},
        h('h2', {id: 'machine-heading'}, `State machine ${orDash(replay.machine)}`),
        h('div', {class: 'machine-views'}, h('div', {class: 'graph-slot'}), h('div', {class: 'list-slot'}))),
      h('section', {'aria-labelledby': 'reports-heading'}, h('h2', {id: 'reports-heading'}, 'Reports'), reports(detail)),
      h('section', {'aria-labelledby': 'checkpoints-heading'}, h('h2', {id: 'checkpoints-heading'}, 'Checkpoints'), checkpoints(detail)),
      h('section', {'aria-labelledby': 'history-heading'}, h('h2', {id: 'history-heading'}, 'History'), history(detail)));
    const graphSlot = body.querySelector('.graph-slot');
    const listSlot = body.querySelector('.list-slot');
    if (graphSlot.firstChild !== graphBox) graphSlot.replaceChildren(graphBox);
    if (listSlot.firstChild !== listBox) listSlot.replaceChildren(listBox);
    if (key !== shownKey) {
      shownKey = key;
      bringIntoView(graphBox);
    }
    return replay.status === 'RUNNING';
  });
}
