// A list read page by page with the API's keyset cursor: the first page, then "More" while the
// answer has a next_cursor. Live frames and re-syncs go through put() and reload().
import { h, clear, errorBox, loading } from './dom.js';

export class PagedList {
  // fetchPage(cursor) -> {items, next_cursor}; renderItem(item) -> element (gets data-id);
  // container: where the items go (an <ol>, <ul> or <tbody>).
  constructor({ fetchPage, renderItem, container, what, empty }) {
    Object.assign(this, { fetchPage, renderItem, container, what, empty });
    this.items = new Map();
    this.status = h('div', { class: 'list-status' });
    this.more = h('button', { type: 'button', class: 'secondary more', hidden: true, onclick: () => this.next() }, 'More');
    this.cursor = null;
    this.generation = 0;
  }

  footer() { return h('div', { class: 'list-footer' }, this.status, this.more); }

  async reload() {
    const gen = ++this.generation;
    clear(this.status, loading());
    this.more.hidden = true;
    let page;
    try {
      page = await this.fetchPage(null);
    } catch (e) {
      if (gen !== this.generation) return;
      this.items.clear();
      clear(this.container);
      clear(this.status, errorBox(`The ${this.what} could not be read`, e));
      return;
    }
    if (gen !== this.generation) return;
    this.items.clear();
    clear(this.container);
    this.add(page);
  }

  async next() {
    const gen = this.generation;
    this.more.disabled = true;
    try {
      const page = await this.fetchPage(this.cursor);
      if (gen === this.generation) this.add(page);
    } catch (e) {
      clear(this.status, errorBox(`More ${this.what} could not be read`, e));
    } finally {
      this.more.disabled = false;
    }
  }

  add(page) {
    for (const item of page.items || []) this.put(item, false);
    this.cursor = page.next_cursor || null;
    this.more.hidden = !this.cursor;
    this.showEmpty();
  }

  showEmpty() {
    clear(this.status, this.items.size ? null : h('p', { class: 'muted' }, this.empty || `No ${this.what}.`));
  }

  // Adds an item (at the top when `first`), or redraws it in place when it is listed.
  put(item, first = true) {
    const key = String(item.id);
    const el = this.renderItem(item);
    el.dataset.id = key;
    const old = this.items.get(key);
    if (old) old.el.replaceWith(el);
    else if (first) this.container.prepend(el);
    else this.container.append(el);
    this.items.set(key, { item, el });
    if (first) this.showEmpty();
    return el;
  }

  has(id) { return this.items.has(String(id)); }
  get(id) { return this.items.get(String(id)); }
}
