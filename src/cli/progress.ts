import cliProgress from 'cli-progress';

/** A progress bar on a terminal; plain periodic lines when output goes to a file or CI log. */
export function progressBar(label: string, total: number) {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done: number) {
        if (done - last >= total / 10 || done === total) {
          last = done;
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() };
}
