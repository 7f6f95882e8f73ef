/** A fixed-capacity buffer that keeps the most recent items; O(1) push. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;

  /** @param capacity items kept at most; 0 keeps nothing. */
  constructor(private readonly capacity: number) {}

  /** Adds `item`, overwriting the oldest one when full. */
  push(item: T): void {
    if (this.capacity === 0) return;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A copy of the kept items, oldest first. */
  toArray(): T[] {
    if (this.items.length < this.capacity) return this.items.slice();
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }

  /** The newest item matching `predicate`, searching from the newest back. */
  findLast(predicate: (item: T) => boolean): T | undefined {
    const n = this.items.length;
    for (let i = 1; i <= n; i++) {
      const item = this.items[(this.next - i + n) % n] as T;
      if (predicate(item)) return item;
    }
    return undefined;
  }

  /** Forgets every item. */
  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}
