import { Faker, en } from '@faker-js/faker';
import { MENU_CATEGORIES, type MenuItem, type ReferenceData, type ReferenceRestaurant, type ReferenceUser } from '@orders-dwh/shared/reference';

export interface ReferenceSizes {
  users: number;
  restaurants: number;
  seed: number;
}

export const MENU_SIZE = { min: 5, max: 15 } as const;
export const PRICE = { min: 100, max: 1000 } as const;

// Faker's dates are relative to "now" unless pinned; pinning keeps one seed → one data set.
const REFERENCE_DATE = '2025-01-01T00:00:00.000Z';

/** Users and restaurants with menus, made by a seeded faker: the same sizes and seed give the same data. */
export function generateReferenceData({ users, restaurants, seed }: ReferenceSizes): ReferenceData {
  const faker = new Faker({ locale: [en], seed });
  faker.setDefaultRefDate(REFERENCE_DATE);
  const ids = uniqueIds(faker);
  return {
    users: Array.from({ length: users }, () => makeUser(faker, ids)),
    restaurants: Array.from({ length: restaurants }, () => makeRestaurant(faker, ids)),
  };
}

/** 24-hex ids, never repeated within one data set (a collision is unlikely, but would merge two entities). */
function uniqueIds(faker: Faker): () => string {
  const seen = new Set<string>();
  return () => {
    let id = faker.database.mongodbObjectId();
    while (seen.has(id)) id = faker.database.mongodbObjectId();
    seen.add(id);
    return id;
  };
}

function makeUser(faker: Faker, nextId: () => string): ReferenceUser {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return {
    id: nextId(),
    name: `${firstName} ${lastName}`,
    login: faker.internet.username({ firstName, lastName }),
    update_ts: faker.date.past({ years: 2 }).toISOString(),
  };
}

function makeRestaurant(faker: Faker, nextId: () => string): ReferenceRestaurant {
  const size = faker.number.int(MENU_SIZE);
  const names = new Set<string>();
  const menu: MenuItem[] = [];
  while (menu.length < size) {
    let name = faker.food.dish();
    // Dish names repeat quickly; a menu lists each dish once.
    for (let variant = 2; names.has(name); variant++) name = `${faker.food.dish()} ${variant}`;
    names.add(name);
    menu.push({
      id: nextId(),
      name,
      price: faker.number.int(PRICE),
      category: faker.helpers.arrayElement(MENU_CATEGORIES),
    });
  }
  return {
    id: nextId(),
    name: faker.company.name(),
    update_ts: faker.date.past({ years: 2 }).toISOString(),
    menu,
  };
}
