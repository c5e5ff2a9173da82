/**
 * A binary heap of small integers (task or event indices) ordered by a caller's comparison, so taking the
 * next one costs O(log n). The scheduler keeps ready tasks in one; the simulator keeps pending completions.
 */
export class IndexHeap {
  readonly #heap: number[] = [];
  readonly #before: (a: number, b: number) => boolean;

  /** @param before - `true` when `a` must come out before `b`. */
  constructor(before: (a: number, b: number) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#heap.length;
  }

  /** The first index, without removing it. */
  peek(): number | undefined {
    return this.#heap[0];
  }

  push(index: number): void {
    const heap = this.#heap;
    heap.push(index);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#before(heap[child]!, heap[parent]!)) break;
      [heap[child], heap[parent]] = [heap[parent]!, heap[child]!];
      child = parent;
    }
  }

  pop(): number | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Removes and returns every index, in no particular order. */
  drain(): number[] {
    return this.#heap.splice(0);
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const child = right < heap.length && this.#before(heap[right]!, heap[left]!) ? right : left;
      if (!this.#before(heap[child]!, heap[parent]!)) return;
      [heap[child], heap[parent]] = [heap[parent]!, heap[child]!];
      parent = child;
    }
  }
}
