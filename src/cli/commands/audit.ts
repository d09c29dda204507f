import { verifyChain } from '../../core/journal/chain.ts';
import { progressBar } from '../progress.ts';
import { withRuntime } from '../with-runtime.ts';

/** Walks the chain; exit code 1 and the first broken link when it is broken. */
export async function verifyAuditCommand(): Promise<void> {
  await withRuntime(async (rt) => {
    let bar: ReturnType<typeof progressBar> | undefined;
    const verdict = await verifyChain(rt.db, rt.config.auditKey, (done, total) => {
      bar ??= progressBar('verifying', total);
      bar.update(done);
    });
    bar?.stop();
    if (verdict.ok) {
      console.log(`audit chain intact: ${verdict.checked} entries verified`);
      return;
    }
    const at = verdict.firstBreak!;
    const where = `${at.seq !== null ? `entry #${at.seq}` : 'chain'}${at.journalId !== null ? ` (journal id ${at.journalId})` : ''}`;
    console.error(`audit chain BROKEN after ${verdict.checked} good entries: ${where} ${at.reason}`);
    process.exitCode = 1;
  });
}
