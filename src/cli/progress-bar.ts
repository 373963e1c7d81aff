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
    this.#output.write(`\r[${'█'.repeat(filled)}${'░'.repeat(this.#width - filled)}] ${count}`);
    if (done >= this.#total) this.#output.write('\n');
  }

  /** A message on its own line, not glued to the end of the bar. */
  message(text: string): void {
    this.#output.write(this.#output.isTTY ? `\r\x1b[K${text}` : text);
  }
}
