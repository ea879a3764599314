// #/event/<eventId>: finds the event's aggregate and shows the event there.
import {getJson, query} from '../api.js';
import {h} from '../dom.js';

export const title = 'Event';

export function render(page) {
  const eventId = page.arg;
  const status = h('p', {role: 'status'}, `Looking up event ${eventId}…`);
  page.root.append(h('h1', {}, `Event ${eventId}`), status);
  return page.once(async () => {
    const event = await getJson(query('/api/event', {id: eventId}));
    if (page.closed) return;
    const target = `#/aggregate/${encodeURIComponent(event.aggregateId)}?event=${encodeURIComponent(event.eventId ?? eventId)}`;
    status.replaceChildren(`Event ${eventId} is version ${event.version} (${event.type}) of `,
      h('a', {href: target}, event.aggregateId), '.');
    location.replace(target);
  });
}
