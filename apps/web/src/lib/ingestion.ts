import { ingestions } from '../api/endpoints';
import type { IngestionView } from '../api/views';

/**
 * Waits until the worker has written an ingestion (every write goes through
 * the queue), calling `progress` with each view. Gives up after `timeoutMs`
 * with the last view, so the page can say it is still queued.
 */
export async function waitForIngestion(
  id: string,
  progress: (v: IngestionView) => void = () => undefined,
  timeoutMs = 60_000,
): Promise<IngestionView> {
  const deadline = Date.now() + timeoutMs;
  let delay = 150;
  for (;;) {
    const view = await ingestions.get(id).catch((err: { status?: number }) => {
      // Just queued: the receipt may not be readable for a moment.
      if (err.status === 404) return null;
      throw err;
    });
    if (view) {
      progress(view);
      if (view.state === 'completed' || Date.now() > deadline) return view;
    } else if (Date.now() > deadline) {
      throw new Error('ingestion not found');
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(1000, delay * 1.5);
  }
}

/** A placement write that the worker refused (a duplicate after an edit, a status that no longer fits). */
export function refusal(view: IngestionView): string | null {
  if (view.state !== 'completed' || view.rejected === 0) return null;
  return view.refusal?.messageZh ?? '写入被拒绝（数据已被他人修改或与已有稿件重复），请刷新后重试';
}
