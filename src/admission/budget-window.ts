import type { BudgetPeriod } from '../config/schema.js';

/** The calendar window a budget counts spend in: [start, end) in epoch ms, UTC. */
export interface BudgetWindow {
  start: number;
  end: number;
}

/** Which window of a budget `now` falls in: the UTC hour, day or month. Pure. */
export type WindowOf = (per: BudgetPeriod, now: number) => BudgetWindow;

export const calendarWindow: WindowOf = (per, now) => {
  const at = new Date(now);
  switch (per) {
    case 'hour': {
      const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours());
      return { start, end: start + 3_600_000 };
    }
    case 'day': {
      const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
      return { start, end: start + 86_400_000 };
    }
    case 'month':
      return {
        start: Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
        end: Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1),
      };
    default:
      throw new Error(`unknown budget period ${JSON.stringify(per satisfies never)}`);
  }
};

/** `this hour`, `today`, `this month`: how a reason names the window. */
export function windowName(per: BudgetPeriod): string {
  return per === 'day' ? 'today' : `this ${per}`;
}
