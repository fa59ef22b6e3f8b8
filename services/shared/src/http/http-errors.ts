import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DependencyUnavailableError, reasonOf } from './dependency-errors.ts';

/** Every error answer of the services' HTTP APIs has this shape. */
export interface ErrorBody {
  /** Stable machine-readable code. */
  error: string;
  /** One clear sentence for a human. */
  message: string;
  [extra: string]: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

/** Fastify's own request errors, named and worded for clients. */
const FRAMEWORK_ERRORS: Record<string, { error: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: 'unsupported_media_type',
    message: 'The body must be JSON, sent with Content-Type: application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { error: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    error: 'invalid_body',
    message: 'The body is empty; send a JSON object such as {"N": 10}.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    error: 'invalid_body',
    message: 'The body size does not match its Content-Length header.',
  },
};

export type DescribeValidation = (error: FastifyError, request: FastifyRequest) => string;

/**
 * The app's error handler: schema violations and malformed requests become 4xx answers with a clear
 * message (error "invalid_body", "invalid_params" or "invalid_querystring"), an unreachable
 * dependency 503 naming it; anything else is logged and answered 500 without internals.
 */
export function createErrorHandler(describeValidation: DescribeValidation) {
  return (error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) {
      if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return reply.status(error.statusCode).send(error.body());
    }
    if (error.validation) {
      return reply.status(400).send({ error: `invalid_${error.validationContext ?? 'request'}`, message: describeValidation(error, request) });
    }
    if (error instanceof DependencyUnavailableError) {
      request.log.warn({ err: error.cause }, error.message);
      const name = error.dependency === 'postgres' ? 'Postgres' : 'Redis';
      return reply.status(503).send({ error: `${error.dependency}_unavailable`, message: `${name} is not reachable: ${reasonOf(error.cause)}; retry later.` });
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    const status = error.statusCode ?? 500;
    if (known) return reply.status(status).send(known);
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: 'bad_request', message: sentence(error.message) });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ error: 'internal_error', message: 'The server failed to handle the request.' });
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ error: 'not_found', message: `There is no route ${request.method} ${request.url.split('?')[0]}.` });
}

/**
 * Answers every other method on `url` with 405 and the Allow header, before a body is read or
 * checked, instead of "no such route"; hidden from the OpenAPI document.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const allow = allowed.join(', ');
  app.route({
    method: app.supportedMethods.filter((method) => !allowed.includes(method)),
    url,
    schema: { hide: true },
    onRequest: async (request, reply) => {
      const path = request.url.split('?')[0];
      return reply
        .status(405)
        .header('allow', allow)
        .send({ error: 'method_not_allowed', message: `${path} accepts only ${allowed.join(' or ')}, not ${request.method}.` });
    },
    handler: async () => undefined,
  });
}

function sentence(text: string): string {
  const trimmed = text.trim() || 'The request is invalid';
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
