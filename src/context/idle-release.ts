/**
 * A large value made on first use and let go once unused for a while, so that a long-lived thread holds it
 * only while it works: oxc's transfer memory keeps every page a parse has written.
 *
 * @module
 */

/** A value made on demand and dropped after `idleMs` without use. */
export class IdleRelease<T> {
  #value: T | undefined;
  readonly #timer: NodeJS.Timeout;

  /**
   * @param make - Makes the value; called on first use and on the first use after each release.
   * @param idleMs - How long the value is kept unused.
   */
  constructor(
    private readonly make: () => T,
    idleMs: number,
  ) {
    this.#timer = setTimeout(() => {
      this.#value = undefined;
    }, idleMs);
    // Holding a value is no reason to keep the process alive.
    this.#timer.unref();
  }

  /** The value, made now if it was not held; its idle time starts again. */
  get(): T {
    this.#value ??= this.make();
    this.#timer.refresh();
    return this.#value;
  }

  /** Whether the value is held now. */
  get held(): boolean {
    return this.#value !== undefined;
  }
}
