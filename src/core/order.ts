/**
 * Text order by UTF-16 code units: the same on every machine. `localeCompare` orders by the user's locale (so a
 * report or a baseline could differ between two machines) and its first call loads ICU's collator, about 15–25 ms
 * of a run.
 */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
