// #/effects[/<replayId>]: what a replay's gateways did to the outside world: sends, corrections, suppressed, live queries.
import {ApiError, getJson, query} from '../api.js';
import {count, h, json, orDash, table} from '../dom.js';

export const title = 'Effects';

export function eventLink(eventId) {
  if (!eventId) return '—';
  return h('a', {'data-testid': 'event-link', href: `#/event/${encodeURIComponent(eventId)}`}, h('code', {}, eventId));
}

function shown(value) {
  return value === null || value === undefined ? '(none)' : String(value);
}

/** "amount 10.00 → 9.92; currency EUR → USD". */
export function changeText(changes) {
  if (!changes?.length) return 'no change';
  return changes.map((c) => `${c.field} ${shown(c.before)} → ${shown(c.after)}`).join('; ');
}

function sends(list) {
  return table({'data-testid': 'sends', class: 'sends'}, `Sends (${list.length})`,
    ['Event', 'Processor', 'Call site', 'Disposition', 'Idempotency key', 'Command'],
    list.map((send) => h('tr', {'data-testid': 'send', 'data-event-id': send.eventId},
      h('th', {scope: 'row'}, eventLink(send.eventId)),
      h('td', {}, orDash(send.processor)),
      h('td', {}, h('code', {}, orDash(send.callSite))),
      h('td', {}, orDash(send.disposition)),
      h('td', {}, h('code', {}, orDash(send.idempotencyKey))),
      h('td', {}, json(send.command)))));
}

function corrections(list) {
  return table({'data-testid': 'corrections', class: 'corrections'}, `Corrections (${list.length})`,
    ['Event', 'Processor', 'Call site', 'Key', 'Change', 'Already sent', 'Wanted now'],
    list.map((c) => h('tr', {'data-testid': 'correction', 'data-event-id': c.eventId, 'data-key': c.key},
      h('th', {scope: 'row'}, eventLink(c.eventId)),
      h('td', {}, orDash(c.processor)),
      h('td', {}, h('code', {}, orDash(c.callSite))),
      h('td', {}, h('code', {}, `${orDash(c.key)}${c.ordinal !== undefined && c.ordinal !== null ? ` #${c.ordinal}` : ''}`)),
      h('td', {'data-field': 'change', class: 'change'}, changeText(c.changes)),
      h('td', {}, c.alreadySent ? 'yes' : 'no'),
      h('td', {}, c.wanted === null ? 'nothing (the effect should no longer exist)' : json(c.wanted)))));
}

function suppressed(list, counted) {
  const listed = list.length < counted ? `${list.length} of ${counted} listed` : `${list.length}`;
  return table({'data-testid': 'suppressed', class: 'suppressed'}, `Suppressed commands (${listed})`,
    ['Event', 'Processor', 'Call site', 'Idempotency key', 'Command'],
    list.map((c) => h('tr', {'data-testid': 'suppressed-command', 'data-event-id': c.eventId ?? ''},
      h('th', {scope: 'row'}, eventLink(c.eventId)),
      h('td', {}, orDash(c.processor)),
      h('td', {}, h('code', {}, orDash(c.callSite))),
      h('td', {}, h('code', {}, orDash(c.idempotencyKey))),
      h('td', {}, c.command ? json(c.command) : '—'))));
}

function liveQueries(list) {
  return table({'data-testid': 'live-queries', class: 'live-queries'}, `Live queries (${list.length})`,
    ['Event', 'Processor', 'Call site', 'Request hash'],
    list.map((q) => h('tr', {'data-event-id': q.eventId},
      h('th', {scope: 'row'}, eventLink(q.eventId)),
      h('td', {}, orDash(q.processor)),
      h('td', {}, h('code', {}, orDash(q.callSite))),
      h('td', {}, h('code', {}, orDash(q.requestHash))))));
}

function counts(c) {
  const item = (name, label) => h('div', {}, h('dt', {}, label), h('dd', {'data-field': name}, count(c?.[name])));
  return h('dl', {class: 'counts'},
    item('sent', 'Sent'), item('corrections', 'Corrections'), item('suppressed', 'Suppressed'), item('liveQueries', 'Live queries'));
}

export function render(page) {
  const wanted = page.arg || null;
  const select = h('select', {id: 'effects-replay', name: 'replay'});
  const picker = h('form', {class: 'picker', role: 'search'},
    h('label', {for: 'effects-replay'}, 'Replay'), select);
  const body = h('div', {'data-testid': 'effects', class: 'effects'});
  select.addEventListener('change', () => {
    location.hash = `#/effects/${encodeURIComponent(select.value)}`;
  });
  picker.addEventListener('submit', (e) => e.preventDefault());
  const heading = h('h1', {}, wanted ? `Effects of ${wanted}` : 'Effects');
  page.root.append(heading,
    h('p', {class: 'lead'}, 'What a replay\'s gateways did instead of calling the external services again: sends, corrections of earlier sends, suppressed commands and live queries.'),
    picker, body);
  return page.once(async () => {
    let data;
    try {
      data = await getJson(query('/api/effects', {replay: wanted}));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404 || wanted) throw error;
      data = null;
    }
    if (!data || !data.replayId) {
      picker.hidden = true;
      body.replaceChildren(h('p', {class: 'empty'}, 'No replay has a gateway report yet: reports are stored by replays whose processors call external services.'));
      return;
    }
    const ids = data.replays?.includes(data.replayId) ? data.replays : [data.replayId, ...(data.replays ?? [])];
    select.replaceChildren(...ids.map((id) => h('option', {value: id, selected: id === data.replayId}, id)));
    select.value = data.replayId;
    body.setAttribute('data-replay-id', data.replayId);
    heading.textContent = `Effects of ${data.replayId}`;
    body.replaceChildren(
      counts(data.counts),
      h('section', {'aria-labelledby': 'corrections-heading'}, h('h2', {id: 'corrections-heading'}, 'Corrections'), corrections(data.corrections ?? [])),
      h('section', {'aria-labelledby': 'sends-heading'}, h('h2', {id: 'sends-heading'}, 'Sends'), sends(data.sends ?? [])),
      h('section', {'aria-labelledby': 'suppressed-heading'}, h('h2', {id: 'suppressed-heading'}, 'Suppressed'), suppressed(data.suppressed ?? [], data.counts?.suppressed ?? 0)),
      h('section', {'aria-labelledby': 'live-heading'}, h('h2', {id: 'live-heading'}, 'Live queries'), liveQueries(data.liveQueries ?? [])));
  });
}
