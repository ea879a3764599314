// How the pages word a replay's fields (shared by the list and the detail).
import {h} from '../dom.js';

export function startedBy(replay) {
  const by = replay.startedBy;
  if (!by) return '—';
  return by.detail ? `${by.channel} · ${by.detail}` : String(by.channel);
}

export function scope(replay) {
  const sc = replay.scope;
  if (!sc) return replay.kind === 'rollback' ? '—' : 'all events';
  const parts = [];
  if (sc.aggregates?.length) parts.push(`aggregates ${sc.aggregates.join(', ')}`);
  if (sc.types?.length) parts.push(`types ${sc.types.join(', ')}`);
  if (sc.since || sc.until) parts.push(`${sc.timeField ?? 'time'} ${sc.since ?? '…'} → ${sc.until ?? '…'}`);
  if (sc.processors?.length) parts.push(`processors ${sc.processors.join(', ')}`);
  return parts.length ? parts.join('; ') : 'all events';
}

export function replayLink(replay) {
  return h('a', {href: `#/replay/${encodeURIComponent(replay.executionArn)}`}, replay.name);
}

/** A progress bar of applied out of total, with the numbers in words beside it. */
export function progress(replay) {
  if (!Number.isFinite(replay.total) || replay.total <= 0) return '—';
  const applied = Math.min(replay.applied ?? 0, replay.total);
  const percent = Math.floor((100 * applied) / replay.total);
  return h('span', {class: 'progress'},
    h('progress', {max: replay.total, value: applied, 'aria-label': `${replay.name}: applied ${applied} of ${replay.total}`}),
    ` ${percent} %`);
}
