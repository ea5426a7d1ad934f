/**
 * The value at a dotted path ("http.request.id") in parsed JSON: a key spelled with the dots wins,
 * then the nested walk. Only own properties are read, so "__proto__" and friends lead nowhere.
 */
export function valueAtDottedPath(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Object.hasOwn(value, path)) return (value as Record<string, unknown>)[path];
  if (!path.includes('.')) return undefined;
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
