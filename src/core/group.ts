/** Appends `item` to the list `map` holds under `key`, starting the list on first use (an index built in one pass). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key)
  if (list) list.push(item)
  else map.set(key, [item])
}
