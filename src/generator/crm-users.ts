import { asciiSlug, firstNames, lastNames } from './french-data.js';
import { randomCompanyName } from './names.js';
import type { Random } from './random.js';

export interface CrmUser {
  readonly user_id: string;
  readonly name: string;
  readonly email: string;
  readonly active: boolean;
}

/** The CRM's users (sales people, account managers); a few have left and are inactive. */
export const buildUsers = (random: Random, count: number): CrmUser[] => {
  const domain = `${asciiSlug(randomCompanyName(random, 'wholesale'))}.fr`;
  return Array.from({ length: count }, (_, index) => {
    const first = random.pick(firstNames);
    const last = random.pick(lastNames);
    return {
      user_id: `U${String(index + 1).padStart(2, '0')}`,
      name: `${first} ${last}`,
      email: `${asciiSlug(first)}.${asciiSlug(last)}@${domain}`,
      active: index < 3 ? false : random.chance(0.95),
    };
  });
};
