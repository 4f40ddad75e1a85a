import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a JSON object whose one array member grows while it is written (the import's answer,
 * `{"rejected": [{…}, …], "lines": …}`): each element of that array is handed to `onItems` as soon
 * as it is complete, a chunk's worth at a time, and never kept; the rest of the object is returned
 * at the end, with the array left empty. Only the object's top-level array is streamed so; its
 * elements must be objects.
 */
export async function readStreamedItems(
  chunks: AsyncIterable<Buffer>,
  onItems: (items: unknown[]) => void | Promise<void>,
): Promise<Record<string, unknown>> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let item = '';
  let collecting = false;
  let inString = false;
  let escaped = false;
  /** The open objects and arrays, outermost first. */
  const open: string[] = [];
  const take = (text: string): unknown[] => {
    const found: unknown[] = [];
    for (const char of text) {
      if (!inString && !collecting && open.length === 2 && open[1] === '[') {
        // In the streamed array, between elements: an element begins, the array ends, or a comma or a space is dropped.
        if (char === ']') {
          open.pop();
          rest += char;
          continue;
        }
        if (char !== '{') continue;
        collecting = true;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') inString = false;
      } else if (char === '"') {
        inString = true;
      } else if (char === '{' || char === '[') {
        open.push(char);
      } else if (char === '}' || char === ']') {
        open.pop();
      }
      if (!collecting) {
        rest += char;
        continue;
      }
      item += char;
      if (!inString && open.length === 2) {
        found.push(JSON.parse(item));
        item = '';
        collecting = false;
      }
    }
    return found;
  };
  for await (const chunk of chunks) {
    const items = take(decoder.write(chunk));
    if (items.length > 0) await onItems(items);
  }
  take(decoder.end());
  return JSON.parse(rest) as Record<string, unknown>;
}
