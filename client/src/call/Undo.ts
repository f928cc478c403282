// Set-up that undoes itself: each step that built something registers how to take it down again.

/** Undoes set-up steps in reverse order: what `join` built before a later step failed. */
export class Undo {
  readonly #steps: (() => void)[] = [];
  add(step: () => void): void {
    this.#steps.push(step);
  }
  run(): void {
    for (const step of this.#steps.splice(0).reverse()) step();
  }
}
