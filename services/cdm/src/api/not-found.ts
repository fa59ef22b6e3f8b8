import { HttpError } from '@orders-dwh/shared/http';

export const notFound = (message: string) => new HttpError(404, 'not_found', message);

/** The schema of every error answer, for the OpenAPI document. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const errorResponses = { 400: errorSchema, 404: errorSchema, 503: errorSchema } as const;
