// #/event/<eventId>: finds the event's aggregate and shows the event there.
import {getJson, query} from '../api.js';
import {h} from '../dom.js';

export const title = 'Event';

export function render(page) {
  const eventId = page.arg;
  const status = h('p', {role: 'status'}, `Looking up event ${eventId}…`);
  page.root.append(h('h1', {}, `Event ${eventId}`), status);
  return page.once(async () => {
    let event;
    try {
      event = await getJson(query('/api/event', {id: eventId}));
    } catch (error) {
      status.textContent = `Event ${eventId} could not be looked up (see the error above).`;
      throw error;
    }
    if (page.closed) return;
    const target = `#/aggregate/${encodeURIComponent(event.aggregateId)}?event=${encodeURIComponent(event.eventId ?? eventId)}`;
    status.replaceChildren(`Event ${eventId} is version ${event.version} (${event.type}) of `,
      h('a', {href: target}, event.aggregateId), '.');
    location.replace(target);
  });
}
