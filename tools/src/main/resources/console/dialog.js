// A modal confirmation: focus stays inside while it is open, Escape or Cancel says no, Confirm says yes.

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Wires a <dialog> holding button[data-action=confirm] and button[data-action=cancel]; returns ask(). */
export function confirmation(dialog) {
  let answer = null;
  const finish = (yes) => {
    if (!dialog.open) return;
    dialog.close(yes ? 'confirm' : 'cancel');
    const resolve = answer;
    answer = null;
    resolve?.(yes);
  };
  dialog.querySelector('[data-action=confirm]').addEventListener('click', () => finish(true));
  dialog.querySelector('[data-action=cancel]').addEventListener('click', () => finish(false));
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    finish(false);
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      finish(false);
      return;
    }
    if (e.key !== 'Tab') return;
    const inside = [...dialog.querySelectorAll(FOCUSABLE)];
    if (!inside.length) return;
    const first = inside[0];
    const last = inside[inside.length - 1];
    if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      e.preventDefault();
      first.focus();
    }
  });
  /** Opens the dialog; resolves true on confirm, false on cancel or Escape; focus returns to returnTo(). */
  return function ask(returnTo) {
    finish(false);
    dialog.showModal();
    dialog.querySelector('[data-action=cancel]').focus();
    return new Promise((resolve) => {
      answer = (yes) => {
        returnTo()?.focus();
        resolve(yes);
      };
    });
  };
}
