/** Chat list sections by last update, in local time: Today, Yesterday, Earlier. */

export type DayGroupLabel = 'Today' | 'Yesterday' | 'Earlier';

export interface DayGroup<T> {
  label: DayGroupLabel;
  items: T[];
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Keeps the input order inside each group (the list comes most recent first); empty groups are left out. */
export function groupByDay<T extends { updatedAt: string }>(items: readonly T[], now: Date): DayGroup<T>[] {
  const today = startOfDay(now);
  const yesterday = startOfDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const groups: Record<DayGroupLabel, T[]> = { Today: [], Yesterday: [], Earlier: [] };
  for (const item of items) {
    const time = Date.parse(item.updatedAt);
    if (time >= today) groups.Today.push(item);
    else if (time >= yesterday) groups.Yesterday.push(item);
    else groups.Earlier.push(item);
  }
  return (['Today', 'Yesterday', 'Earlier'] as const).filter((label) => groups[label].length > 0).map((label) => ({ label, items: groups[label] }));
}
