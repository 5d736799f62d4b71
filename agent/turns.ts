/**
 * Work that must run one call at a time, in order of asking: each call
 * starts once the one before it ended, whatever became of it.
 *
 * @module
 */
export class Turns {
  /** The last call asked for; never rejects. */
  #last: Promise<void> = Promise.resolve();

  /** Runs `work` after every call asked for before it; its error is returned to this caller only. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#last.then(work);
    this.#last = turn.then(() => {}, () => {});
    return turn;
  }

  /** Resolves once every call asked for so far has ended. */
  idle(): Promise<void> {
    return this.#last;
  }
}
