// #/aggregate[/<id>?processor=P&event=E]: an aggregate's events in version order, its state after each, the stored state.
import {ApiError, getJson, query} from '../api.js';
import {count, h, json, orDash, time} from '../dom.js';
import {changedPaths, fieldTable} from '../fields.js';

export const title = 'Aggregate';

function rowId(eventId) {
  return `event-${eventId}`;
}

function eventRows(events, focusEvent) {
  return events.map((event) => h('tr', {
    'data-testid': 'event-row', 'data-version': event.version, 'data-event-id': event.eventId, id: rowId(event.eventId),
    tabindex: '-1', 'aria-current': event.eventId === focusEvent ? 'true' : null,
    class: [event.reverses ? 'reversal' : null, event.reversedBy?.length ? 'reversed' : null],
  },
  h('th', {scope: 'row', class: 'number'}, count(event.version)),
  h('td', {}, h('code', {}, event.eventId)),
  h('td', {}, event.type),
  h('td', {}, time(event.occurredAt)),
  h('td', {}, time(event.recordedAt)),
  h('td', {class: 'payload'}, json(event.payload), event.metadata ? h('details', {}, h('summary', {}, 'Metadata'), json(event.metadata)) : null),
  h('td', {}, event.reverses
    ? ['reverses ', h('a', {'data-testid': 'reverses', href: `#${rowId(event.reverses)}`, 'data-target': event.reverses}, h('code', {}, event.reverses))]
    : null,
  event.reversedBy?.length
    ? [event.reverses ? h('br', {}) : null, 'reversed by ', event.reversedBy.map((id, i) => [i ? ', ' : '',
      h('a', {'data-testid': 'reversed-by', href: `#${rowId(id)}`, 'data-target': id}, h('code', {}, id))])]
    : null,
  !event.reverses && !event.reversedBy?.length ? '—' : null)));
}

/** The processor's state after the event at a step (1-based): the last fold result at or before its version. */
function stateAfter(states, version) {
  let found = null;
  for (const entry of states) if (entry.version <= version) found = entry;
  return found;
}

export function render(page) {
  const id = page.arg;
  const wantedProcessor = page.params.get('processor');
  const focusEvent = page.params.get('event');
  const idInput = h('input', {id: 'aggregate-id', name: 'id', type: 'text', value: id, required: true, autocomplete: 'off', spellcheck: 'false'});
  const processorSelect = h('select', {id: 'aggregate-processor', name: 'processor'});
  const form = h('form', {class: 'picker aggregate-form', role: 'search'},
    h('div', {class: 'control'}, h('label', {for: 'aggregate-id'}, 'Aggregate id'), idInput),
    h('div', {class: 'control'}, h('label', {for: 'aggregate-processor'}, 'Processor'), processorSelect),
    h('button', {type: 'submit'}, 'Show'));
  const body = h('div', {class: 'aggregate'});
  const fillProcessors = (names, selected) => {
    processorSelect.replaceChildren(...names.map((name) => h('option', {value: name}, name)));
    if (selected && names.includes(selected)) processorSelect.value = selected;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const wanted = idInput.value.trim();
    if (!wanted) {
      idInput.focus();
      return;
    }
    const processor = processorSelect.value;
    location.hash = `#/aggregate/${encodeURIComponent(wanted)}${processor ? `?processor=${encodeURIComponent(processor)}` : ''}`;
  });
  body.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-target]');
    if (!link) return;
    e.preventDefault();
    const row = document.getElementById(rowId(link.getAttribute('data-target')));
    if (!row) return;
    row.scrollIntoView({block: 'center'});
    row.focus();
  });
  page.root.append(h('h1', {}, id ? `Aggregate ${id}` : 'Aggregate'), form, body);
  if (!id) {
    body.append(h('p', {class: 'lead'}, 'Give an aggregate id to see its events in version order and the state after each.'));
    return page.once(async () => {
      const overview = await getJson('/api/overview');
      fillProcessors(overview.processors ?? [], wantedProcessor);
    });
  }
  return page.once(async () => {
    let data;
    try {
      data = await getJson(query('/api/aggregate', {id, processor: wantedProcessor}));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        body.replaceChildren(h('p', {class: 'empty'}, `No events for aggregate ${id}.`));
        getJson('/api/overview').then((o) => fillProcessors(o.processors ?? [], wantedProcessor), () => {});
      }
      throw error;
    }
    fillProcessors(data.processors ?? [data.processor], data.processor);
    show(body, data, focusEvent);
  });
}

function show(body, data, focusEvent) {
  const events = data.events ?? [];
  const states = data.states ?? [];
  const focusIndex = events.findIndex((e) => e.eventId === focusEvent);
  const slider = h('input', {
    type: 'range', id: 'state-step', min: 1, max: Math.max(1, events.length), step: 1,
    value: focusIndex >= 0 ? focusIndex + 1 : events.length, disabled: events.length === 0,
  });
  const sliderText = h('output', {for: 'state-step', id: 'state-step-text'});
  const stateAt = h('div', {'data-testid': 'state-at', class: 'state-at', 'aria-live': 'polite'});
  const rows = eventRows(events, focusEvent);
  const step = () => {
    const index = Number(slider.value) - 1;
    const event = events[index];
    if (!event) return;
    const entry = stateAfter(states, event.version);
    const before = index > 0 ? stateAfter(states, events[index - 1].version) : null;
    stateAt.setAttribute('data-version', event.version);
    sliderText.textContent = `after version ${event.version} of ${events[events.length - 1].version}: ${event.type}`;
    slider.setAttribute('aria-valuetext', `version ${event.version}, ${event.type}`);
    const changed = changedPaths(before?.state ?? null, entry?.state ?? null);
    stateAt.replaceChildren(
      h('p', {class: 'note'}, `State of ${data.processor} after event ${event.eventId} (version ${event.version}); fields this event changed are marked ≠.`),
      entry ? fieldTable(entry.state, {caption: `${data.processor} state after version ${event.version}`, differences: changed, markWord: 'changed by this event'})
        : h('p', {class: 'empty'}, `${data.processor} keeps no state for this aggregate yet.`));
    for (const row of rows) row.classList.toggle('stepped', row === rows[index]);
  };
  slider.addEventListener('input', step);
  const stored = data.stored;
  const last = states.length ? states[states.length - 1] : null;
  const agrees = stored && last && JSON.stringify(stored.state) === JSON.stringify(last.state);
  body.replaceChildren(
    data.truncated ? h('p', {class: 'note'}, 'Only the first 2,000 events are shown.') : '',
    h('section', {'aria-labelledby': 'events-heading'},
      h('h2', {id: 'events-heading'}, `Events (${events.length})`),
      h('div', {class: 'table-box', tabindex: '0', role: 'region', 'aria-label': 'Events'},
        h('table', {'data-testid': 'events', class: 'events'},
          h('caption', {}, `Events of ${data.aggregateId} in version order`),
          h('thead', {}, h('tr', {}, ['Version', 'Event id', 'Type', 'Occurred', 'Recorded', 'Payload', 'Reversal'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, rows)))),
    h('div', {class: 'states-grid'},
      h('section', {'aria-labelledby': 'state-heading', class: 'stepper'},
        h('h2', {id: 'state-heading'}, `State by ${data.processor}`),
        h('div', {class: 'slider'}, h('label', {for: 'state-step'}, 'State after event'), slider, sliderText),
        stateAt),
      h('section', {'data-testid': 'stored-state', 'aria-labelledby': 'stored-heading', class: 'stored'},
        h('h2', {id: 'stored-heading'}, 'Stored state'),
        stored
          ? [h('p', {class: 'note'}, `What the data store serves now: version ${count(stored.version)} in generation `, h('code', {}, orDash(stored.generation)),
            agrees ? ' (the same as the state after the last event)' : last ? ' (not the same as the state after the last event)' : ''),
          fieldTable(stored.state, {caption: `Stored state of ${data.aggregateId}`})]
          : h('p', {class: 'empty'}, 'The data store serves no state for this aggregate.'))));
  step();
  if (focusIndex >= 0) {
    rows[focusIndex].scrollIntoView({block: 'center'});
    rows[focusIndex].focus({preventScroll: true});
  }
}
