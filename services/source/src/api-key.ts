import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An onRequest hook refusing requests without the configured key in `x-api-key`; compares digests in constant time. */
export function apiKeyCheck(apiKey: string) {
  const expected = digest(apiKey);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = request.headers['x-api-key'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      return reply.status(401).send({ error: 'unauthorized', message: 'A valid x-api-key header is required.' });
    }
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
