// Progress bars for long CLI work; silent when stderr is not a terminal (CI logs stay readable) except for a
// final line.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total?: number, label?: string): void;
  stop(): void;
}

export function progressBar(title: string): Progress {
  if (!process.stderr.isTTY) {
    let lastLabel = '';
    return {
      update(_done, _total, label) {
        if (label && label !== lastLabel) {
          lastLabel = label;
          process.stderr.write(`${title}: ${label}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total ?? 100, done, { label });
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
