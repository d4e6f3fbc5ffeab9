import { IngestionsService, IngestionView } from '@pl/placements';

/** Polls an ingestion until the worker has processed every accepted entry. */
export async function waitForIngestion(
  ingestions: IngestionsService,
  id: string,
  onProgress: (v: IngestionView) => void = () => undefined,
  timeoutMs = 30 * 60_000,
): Promise<IngestionView> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const view = await ingestions.get(id).catch(() => null);
    if (view) {
      const line = `${view.inserted}/${view.duplicates}/${view.rejected}`;
      if (line !== last) onProgress(view);
      last = line;
      if (view.state === 'completed') return view;
    }
    if (Date.now() > deadline) throw new Error(`ingestion ${id} did not complete within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
