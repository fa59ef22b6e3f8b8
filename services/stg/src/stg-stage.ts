import { type EnrichedOrder, type OrderEvent, orderEventContract } from '@orders-dwh/shared/contracts';
import { ConcurrentWriteError, type Rejection, type StageDefinition } from '@orders-dwh/shared/stage';
import { costProblem, enrichOrder, menuMismatches, repeatedItemPrices, statusHistoryProblems } from './enrich-order.ts';
import { latestEventPerOrder } from './latest-events.ts';
import { storedOrderIdentities, upsertOrderEvents } from './order-events-store.ts';
import { checkOrderIdentities } from './order-identity.ts';
import { createReferenceLookup, type ReferenceRedis } from './reference-lookup.ts';

/** An order event that passed enrichment: the raw event is stored, the enriched order forwarded. */
export interface StgReady {
  event: OrderEvent;
  enriched: EnrichedOrder;
}

export interface StgStageOptions {
  redis: ReferenceRedis;
  keyPrefix: string;
  /** Most users + restaurants kept in memory. */
  cacheSize: number;
  /** How long a cached record is trusted (default 60 s), so reference updates arrive. */
  cacheTtlMs?: number;
  /**
   * Reject events whose items are not on the restaurant's menu as it is there, with the same name
   * and category (default true). Such an event would link a product to a restaurant that does not
   * sell it, or give it a second category or name, in the vault for good; it goes to the dead
   * letters instead. The price an order paid is its own (see menuMismatches).
   */
  strictMenu?: boolean;
  now?: () => number;
}

/**
 * stg: enrich each order event from Redis, refuse one that changes what its order is (user,
 * restaurant, date, items), keep the latest event per order, forward one message per event.
 */
export function createStgStage(options: StgStageOptions): StageDefinition<OrderEvent, StgReady> {
  const lookup = createReferenceLookup(options);
  const strictMenu = options.strictMenu ?? true;

  return {
    name: 'stg',
    contract: orderEventContract,

    async prepare(events) {
      const { users, restaurants } = await lookup(
        events.map((e) => e.payload.user.id),
        events.map((e) => e.payload.restaurant.id),
      );
      return events.map((event): StgReady | Rejection => {
        const user = users.get(event.payload.user.id)!;
        const restaurant = restaurants.get(event.payload.restaurant.id)!;
        if (!user.ok) return { rejected: user.reason };
        if (!restaurant.ok) return { rejected: restaurant.reason };
        const history = statusHistoryProblems(event);
        if (history.length > 0) return { rejected: `order status history is inconsistent: ${history.join('; ')}` };
        const cost = costProblem(event);
        if (cost) return { rejected: `order cost does not add up: ${cost}` };
        const repeated = repeatedItemPrices(event);
        if (repeated.length > 0) return { rejected: `order lists an item twice at different prices: ${repeated.join('; ')}` };
        if (strictMenu) {
          const mismatches = menuMismatches(event, restaurant.value.menu);
          if (mismatches.length > 0) {
            return { rejected: `order does not match the menu of restaurant ${restaurant.value.restaurant.id}: ${mismatches.join('; ')}` };
          }
        }
        return { event, enriched: enrichOrder(event, user.value, restaurant.value.restaurant) };
      });
    },

    async write(db, items, { loadDt, reject }) {
      const stored = await storedOrderIdentities(
        db,
        items.map((item) => item.event.object_id),
      );
      const { kept, changed } = checkOrderIdentities(items, stored);
      for (const { item, reason } of changed) reject(item, reason);
      const latest = latestEventPerOrder(kept).map((item) => item.event);
      const newOrders = latest.filter((event) => !stored.has(event.object_id)).map((event) => event.object_id);
      const { storedMeanwhile } = await upsertOrderEvents(db, latest, loadDt, newOrders);
      if (storedMeanwhile.length > 0) {
        throw new ConcurrentWriteError(
          `order${storedMeanwhile.length === 1 ? '' : 's'} ${storedMeanwhile.slice(0, 5).join(', ')} stored by another batch while this one was written (events of one order in more than one partition): written again`,
        );
      }
      return kept.map(({ enriched }) => ({ key: String(enriched.object_id), value: enriched }));
    },
  };
}
