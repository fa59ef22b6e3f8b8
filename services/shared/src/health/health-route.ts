import type { FastifyInstance } from 'fastify';
import { failingChecks, runHealthChecks, type HealthCheck } from './health-checks.ts';

/** GET /health: 200 with each dependency's state, or 503 naming the failing ones. */
export function registerHealthRoute(app: FastifyInstance, checks: HealthCheck[]): void {
  app.get('/health', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await runHealthChecks(checks);
    const failing = failingChecks(report);
    return reply.code(failing.length ? 503 : 200).send(failing.length ? { ...report, failing } : report);
  });
}
