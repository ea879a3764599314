// #/generations: per processor its active, previous, building and shadow generations, who built them, rollback.
import {clearError, getJson, postJson, showError} from '../api.js';
import {h, orDash, time, updateChildren} from '../dom.js';
import {confirmation} from '../dialog.js';
import {IDLE} from '../page.js';

export const title = 'Generations';

const ROLE_WORDS = {
  active: 'active (served now)', previous: 'previous (rollback target)', building: 'building', shadow: 'shadow (verification)',
};

function builtBy(generation) {
  const by = generation.builtBy;
  if (!by) return generation.name === 'g0' ? 'built live (first generation)' : '—';
  const name = by.executionArn ? h('a', {href: `#/replay/${encodeURIComponent(by.executionArn)}`}, by.replayId) : by.replayId;
  return [by.kind, ' ', name];
}

function section(entry) {
  const rows = entry.generations.map((generation) => {
    const by = generation.builtBy;
    return h('tr', {'data-role': generation.role, 'data-generation': generation.name},
      h('td', {'data-field': 'role'}, h('span', {class: ['role', `role-${generation.role}`]}, ROLE_WORDS[generation.role] ?? generation.role)),
      h('th', {scope: 'row', 'data-field': 'generation'}, h('code', {}, generation.name)),
      h('td', {'data-field': 'builtBy'}, builtBy(generation)),
      h('td', {'data-field': 'started'}, time(by?.startDate)),
      h('td', {'data-field': 'stopped'}, by ? (by.stopDate ? time(by.stopDate) : 'still running') : '—'));
  });
  const rollback = entry.canRollback && entry.previous
    ? h('button', {type: 'button', 'data-action': 'rollback', 'data-processor': entry.processor},
      `Roll back ${entry.processor} to ${entry.previous}`)
    : h('p', {class: 'note'}, 'No previous generation to roll back to.');
  return h('section', {'data-processor': entry.processor, class: 'processor', 'aria-labelledby': `processor-${entry.processor}`},
    h('h2', {id: `processor-${entry.processor}`}, entry.processor),
    h('p', {class: 'summary'}, 'Active ', h('code', {}, orDash(entry.active)),
      entry.previous ? [', previous ', h('code', {}, entry.previous)] : '',
      entry.building?.length ? [', building ', entry.building.map((b, i) => [i ? ', ' : '', h('code', {}, b)])] : ''),
    h('div', {class: 'table-box', tabindex: '0', role: 'region', 'aria-label': `Generations of ${entry.processor}`},
      h('table', {class: 'generations'},
        h('caption', {}, `Generations of ${entry.processor}`),
        h('thead', {}, h('tr', {}, ['Role', 'Generation', 'Built by', 'Started', 'Finished'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, rows))),
    rollback);
}

function describeResult(result) {
  const name = String(result.executionArn ?? '').split(':').pop() || 'rollback';
  const why = result.error || result.cause ? ` — ${[result.error, result.cause].filter(Boolean).join(': ')}` : '';
  return h('span', {class: ['status', result.status === 'SUCCEEDED' ? 'status-succeeded' : 'status-failed']},
    `Rollback ${name}: ${result.status}${why}`);
}

function describeOutput(result) {
  if (!result.output) return [];
  return [h('details', {}, h('summary', {}, 'Output of the rollback'),
    h('pre', {class: 'json'}, h('code', {}, JSON.stringify(result.output, null, 2))))];
}

export function render(page) {
  const list = h('div', {'data-testid': 'generations', class: 'generations-list'});
  const rollbackAll = h('button', {type: 'button', 'data-action': 'rollback-all', disabled: true}, 'Roll back all processors');
  const result = h('p', {'data-testid': 'rollback-result', class: 'rollback-result', role: 'status'});
  const output = h('div', {class: 'rollback-output'});
  // what is under way goes beside the result line, which only ever holds a result
  const progressLine = h('p', {class: 'rollback-progress', role: 'status', hidden: true});
  const question = h('p', {id: 'confirm-rollback-text'});
  const dialog = h('dialog', {'data-testid': 'confirm-rollback', 'aria-labelledby': 'confirm-rollback-title', 'aria-describedby': 'confirm-rollback-text'},
    h('h2', {id: 'confirm-rollback-title'}, 'Roll back?'),
    question,
    h('p', {class: 'note'}, 'The previous generation becomes active again; the current one stays stored as the previous.'),
    h('div', {class: 'buttons'},
      h('button', {type: 'button', 'data-action': 'cancel'}, 'Cancel'),
      h('button', {type: 'button', 'data-action': 'confirm', class: 'danger'}, 'Roll back')));
  const ask = confirmation(dialog);
  let latest = null;
  let busy = false;

  const show = (data) => {
    latest = data;
    updateChildren(list, data.processors.length
      ? data.processors.map(section)
      : h('p', {class: 'empty'}, 'No processor has a generation yet.'));
    rollbackAll.disabled = busy || !data.processors.some((p) => p.canRollback && p.previous);
    for (const button of list.querySelectorAll('button[data-action=rollback]')) button.disabled = busy;
  };
  const read = async () => show(await getJson('/api/generations'));

  const rollBack = async (processors, opener) => {
    const names = processors.length ? processors : (latest?.processors ?? []).map((p) => p.processor);
    question.textContent = processors.length === 1
      ? `Roll back ${processors[0]} to its previous generation ${latest?.processors.find((p) => p.processor === processors[0])?.previous ?? ''}?`
      : `Roll back all processors (${names.join(', ')}) to their previous generations?`;
    busy = true;
    const yes = await ask(opener);
    if (!yes) {
      busy = false;
      return;
    }
    result.replaceChildren();
    output.replaceChildren();
    progressLine.textContent = `Rolling back ${names.join(', ')}…`;
    progressLine.hidden = false;
    for (const button of page.root.querySelectorAll('button[data-action^=rollback]')) button.disabled = true;
    try {
      const answer = await postJson('/api/rollback', {processors, confirm: 'rollback'});
      clearError();
      result.replaceChildren(describeResult(answer));
      output.replaceChildren(...describeOutput(answer));
    } catch (error) {
      result.replaceChildren(h('span', {class: 'status status-failed'}, `Rollback not done: ${error.message}`));
      showError(error);
    } finally {
      busy = false;
      progressLine.hidden = true;
    }
    try {
      await read();
    } catch (error) {
      showError(error);
    }
  };

  list.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action=rollback]');
    if (!button || busy) return;
    const processor = button.getAttribute('data-processor');
    rollBack([processor], () => list.querySelector(`button[data-action=rollback][data-processor="${CSS.escape(processor)}"]`));
  });
  rollbackAll.addEventListener('click', () => {
    if (!busy) rollBack([], () => rollbackAll);
  });

  page.root.append(h('h1', {}, 'Generations'),
    h('p', {class: 'lead'}, 'Each processor serves its active generation; a rebuild builds a new one and switches to it, keeping the previous for a rollback.'),
    h('div', {class: 'actions'}, rollbackAll), progressLine, result, output, list, dialog);
  return page.poll(async () => {
    if (busy) return IDLE;
    return read();
  });
}
