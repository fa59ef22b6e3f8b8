// The reference data as it lives in Redis: written by source, read by stg. Every key starts with
// the configured prefix (REDIS_KEY_PREFIX, default `dwh:`):
//   <prefix>user:<id>        JSON ReferenceUser
//   <prefix>restaurant:<id>  JSON ReferenceRestaurant (with its menu)
//   <prefix>users, <prefix>restaurants   SETs of the ids

export const MENU_CATEGORIES = ['Starters', 'Soups', 'Main courses', 'Sides', 'Desserts', 'Drinks'] as const;
export type MenuCategory = (typeof MENU_CATEGORIES)[number];

export interface ReferenceUser {
  /** 24 lowercase hex chars */
  id: string;
  name: string;
  login: string;
  /** ISO-8601 */
  update_ts: string;
}

export interface MenuItem {
  id: string;
  name: string;
  /** integer, 100–1000 */
  price: number;
  category: MenuCategory;
}

export interface ReferenceRestaurant {
  id: string;
  name: string;
  update_ts: string;
  menu: MenuItem[];
}

export interface ReferenceData {
  users: ReferenceUser[];
  restaurants: ReferenceRestaurant[];
}

export const referenceKeys = {
  user: (prefix: string, id: string) => `${prefix}user:${id}`,
  restaurant: (prefix: string, id: string) => `${prefix}restaurant:${id}`,
  userIds: (prefix: string) => `${prefix}users`,
  restaurantIds: (prefix: string) => `${prefix}restaurants`,
};
