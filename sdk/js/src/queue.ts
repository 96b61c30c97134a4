/**
 * The bounded queue behind `track()`: a ring of events and their callbacks. JavaScript runs one thread per realm, so
 * no atomics are needed: a push is two stores and three increments. Positions count every event ever added, which is
 * how `flush()` knows when everything tracked before it has left.
 */
export class EventQueue<T, C> {
  private readonly items: (T | undefined)[];
  private readonly callbacks: (C | undefined)[];
  private head = 0;
  /** Events in the queue now. */
  size = 0;
  /** Events ever added; the position the next one gets. */
  added = 0;
  /** The callback of the event the last `shift()` returned. */
  shiftedCallback: C | undefined;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.callbacks = new Array<C | undefined>(capacity).fill(undefined);
  }

  /** The position of the oldest queued event (every earlier one has left: sent, refused or dropped). */
  get firstPosition(): number {
    return this.added - this.size;
  }

  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** Adds at the tail; the caller makes room first when the queue is full. */
  push(item: T, callback: C | undefined): void {
    let at = this.head + this.size;
    if (at >= this.capacity) at -= this.capacity;
    this.items[at] = item;
    this.callbacks[at] = callback;
    this.size++;
    this.added++;
  }

  /** Takes the oldest event (its callback in `shiftedCallback`), or undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const at = this.head;
    const item = this.items[at];
    this.shiftedCallback = this.callbacks[at];
    this.items[at] = undefined; // let it be collected
    this.callbacks[at] = undefined;
    this.head = at + 1 === this.capacity ? 0 : at + 1;
    this.size--;
    return item;
  }
}
