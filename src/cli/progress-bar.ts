export interface ProgressOutput {
  write(text: string): unknown;
  /** Redraws in place when true; otherwise prints a line per update. */
  isTTY?: boolean;
}

/** `[██████░░░░░░]  600/1000 enqueued` on a terminal; plain lines elsewhere (logs, CI). */
export class ProgressBar {
  readonly #output: ProgressOutput;
  readonly #total: number;
  readonly #label: string;
  readonly #width = 30;
  #printedStep = -1;
  /** The bar as last drawn, while it is on the terminal's last line. */
  #shown: string | undefined;

  constructor(output: ProgressOutput, total: number, label: string) {
    this.#output = output;
    this.#total = total;
    this.#label = label;
  }

  update(done: number): void {
    const count = `${String(done).padStart(String(this.#total).length)}/${this.#total} ${this.#label}`;
    if (!this.#output.isTTY) {
      // In logs, one line per tenth of the way is enough.
      const step = this.#total === 0 ? 10 : Math.floor((done / this.#total) * 10);
      if (step > this.#printedStep) this.#output.write(`${count}\n`);
      this.#printedStep = Math.max(step, this.#printedStep);
      return;
    }
    const filled = this.#total === 0 ? this.#width : Math.round((done / this.#total) * this.#width);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(this.#width - filled)}] ${count}`;
    if (done >= this.#total) {
      this.#output.write(`\r${bar}\n`);
      this.#shown = undefined;
    } else {
      this.#output.write(`\r${bar}`);
      this.#shown = bar;
    }
  }

  /** A message on its own line, not glued to the end of the bar. */
  message(text: string): void {
    this.above(() => this.#output.write(text));
  }

  /**
   * Writes whole lines (to this output or another on the same terminal, such as stdout) above the
   * bar: the bar is cleared first and drawn again after, so no line is glued to it.
   */
  above(write: () => void): void {
    const shown = this.#shown;
    if (!this.#output.isTTY || shown === undefined) {
      write();
      return;
    }
    this.#output.write('\r\x1b[K');
    write();
    this.#output.write(shown);
  }
}
