import { once } from 'node:events';

/**
 * Writes to a stream and waits while its buffer is full, so a command streaming a large result
 * (a CSV export piped into a slow reader) keeps its memory flat instead of queueing everything.
 */
export async function writeChunk(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text.length === 0) return;
  if (!stream.write(text)) await once(stream, 'drain');
}
