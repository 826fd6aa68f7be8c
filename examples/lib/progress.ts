// Training progress on a terminal: a cli-progress bar with the batch loss and examples/s when
// the output is a TTY, and plain lines (one per epoch) when it is a pipe or a CI log.
import cliProgress from "cli-progress";
import { epochLine, fixed4, perSecond } from "./format.js";
import type { EpochRecord } from "./mlp.js";

export interface Progress {
  step(step: number, total: number, loss: number): void;
  epoch(record: EpochRecord, epochs: number): void;
  stop(): void;
}

/** A progress display for `examplesPerStep` examples a step: a bar on stdout when it is a
 * terminal (and `plain` is not set), otherwise one line per epoch through `print`. */
export function makeProgress(examplesPerStep: number, opts: { readonly print?: (line: string) => void; readonly plain?: boolean } = {}): Progress {
  const t0 = performance.now();
  const rate = (step: number) => perSecond(step * examplesPerStep, (performance.now() - t0) / 1000);
  if (opts.plain || !process.stdout.isTTY) {
    const print = opts.print ?? console.log;
    let lastStep = 0;
    return {
      step: (step) => {
        lastStep = step;
      },
      epoch: (r, epochs) => print(`${epochLine(r, epochs)}  ${rate(lastStep)} examples/s`),
      stop: () => {},
    };
  }
  // A SingleBar: it redraws inside update() (a MultiBar only redraws from a timer, which never
  // fires while a synchronous training loop holds the event loop).
  const bar = new cliProgress.SingleBar(
    { stream: process.stdout, format: "{bar} {percentage}% | step {value}/{total} | loss {loss} | {rate} examples/s", barsize: 20, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    step: (step, total, loss) => {
      if (!started) bar.start(total, 0, { loss: fixed4(loss), rate: "0" });
      started = true;
      bar.update(step, { loss: fixed4(loss), rate: rate(step) });
    },
    epoch: (r, epochs) => {
      // The epoch's line goes above the bar: clear the bar's line, write, draw the bar again.
      process.stdout.write(`\r\x1b[K${epochLine(r, epochs)}\n`);
      bar.render();
    },
    stop: () => bar.stop(),
  };
}
