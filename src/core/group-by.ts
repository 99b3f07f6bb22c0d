/**
 * Items grouped by a key, in the order met; items whose key is undefined are left out. Appends in place: a
 * `map.set(key, [...list, item])` per item copies each list again and is quadratic in its length.
 */
export const groupBy = <T, K, V = T>(
  items: Iterable<T>,
  keyOf: (item: T) => K | undefined,
  valueOf: (item: T) => V = (item) => item as unknown as V,
): Map<K, V[]> => {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [valueOf(item)]);
    else group.push(valueOf(item));
  }
  return groups;
};
