import { z } from 'zod';

/** A whole number > 0, with what it counts in its error message. */
export const positiveInt = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int('must be a whole number')
    .positive('must be > 0');
