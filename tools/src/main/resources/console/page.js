// A mounted page: its root element, its route, and polling that ends when the page is left.
import {ApiError, clearError, showError} from './api.js';
import {clock, h} from './dom.js';

const POLL_MILLIS = 2000;
export const IDLE = 'idle';

/** What a page gets: its root element, its route, polling that ends when the page is left, and the updated line. */
export class Page {
  constructor(name, arg, params) {
    this.name = name;
    this.arg = arg;
    this.params = params;
    this.root = h('div', {class: 'page', 'data-page': name});
    this.closed = false;
    this.timers = new Set();
  }

  /**
   * Runs read() now and every 2 s after the last one ended, until it returns false or the page is left;
   * read() returns IDLE when it skipped reading (the updated line then stays as it was).
   */
  poll(read) {
    const loop = async () => {
      if (this.closed) return;
      let again = true;
      try {
        const outcome = await read();
        if (this.closed) return;
        again = outcome !== false;
        if (outcome !== IDLE) {
          clearError();
          this.updated();
        }
      } catch (error) {
        if (this.closed) return;
        showError(error);
        // a request the server refuses as wrong or unknown will not get better by asking again
        if (error instanceof ApiError && (error.status === 400 || error.status === 404)) again = false;
      }
      if (again && !this.closed) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          loop();
        }, POLL_MILLIS);
        this.timers.add(timer);
      }
    };
    return loop();
  }

  /** Reads once; errors go to the alert region. */
  async once(read) {
    return this.poll(async () => {
      await read();
      return false;
    });
  }

  updated() {
    document.querySelector('[data-testid=updated]').textContent = `updated ${clock(new Date())}`;
  }

  close() {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

