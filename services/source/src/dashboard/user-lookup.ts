// The dashboard's user search: the user's latest orders and recommendations, from cdm's read API.
import { BUSINESS_ID_PATTERN } from '@orders-dwh/shared/contracts';
import { HttpError } from '@orders-dwh/shared/http';
import { whyFetchFailed } from './pipeline-reading.ts';

const USER_ID = new RegExp(BUSINESS_ID_PATTERN);
const SHOWN = 10;

export interface UserLookup {
  orders: unknown;
  recommendations: unknown;
}

/**
 * Both answers of cdm, or cdm's own error answer (400, 404) as it gave it; 503 naming cdm when it
 * cannot be reached.
 */
export async function lookUpUser(cdmUrl: string, userId: string): Promise<{ status: number; body: UserLookup | unknown }> {
  if (!USER_ID.test(userId)) {
    throw new HttpError(400, 'invalid_params', `A user id is 24 hexadecimal characters; got ${JSON.stringify(userId.slice(0, 40))}.`);
  }
  const get = async (route: string) => {
    try {
      const response = await fetch(`${cdmUrl}/users/${userId}/${route}?limit=${SHOWN}`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: (await response.json()) as unknown };
    } catch (error) {
      throw new HttpError(503, 'cdm_unavailable', `The cdm service (read API) is not reachable at ${cdmUrl}: ${whyFetchFailed(error)}.`);
    }
  };
  const [orders, recommendations] = await Promise.all([get('orders'), get('recommendations')]);
  const failed = [orders, recommendations].find((answer) => answer.status !== 200);
  if (failed) return failed;
  return { status: 200, body: { orders: orders.body, recommendations: recommendations.body } };
}
