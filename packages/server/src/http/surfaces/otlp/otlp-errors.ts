import { z } from 'zod'
import type { AppError } from '../../../app-error.js'
import { mediaType } from '../../body.js'
import type { ErrorRenderer } from '../../surface.js'
import { OTLP_TYPES, encodeProtobuf } from './otlp-proto.js'

/** The media types OTLP/HTTP speaks; an answer is in the request's own. */
export const OTLP_PROTOBUF = 'application/x-protobuf'
export const OTLP_JSON = 'application/json'
export const OTLP_MEDIA_TYPES = [OTLP_PROTOBUF, OTLP_JSON] as const

/** `google.rpc.Status`, OTLP/HTTP's error body, in its JSON form. */
export const OtlpStatusSchema = z
  .object({
    code: z
      .number()
      .int()
      .describe(
        'A gRPC status code (google/rpc/code.proto): 3 invalid argument, 16 unauthenticated, ...',
      ),
    message: z.string().describe('What went wrong, for a person.'),
  })
  .meta({ id: 'OtlpStatus' })

/**
 * The gRPC code of an answer (google/rpc/code.proto gives each code its HTTP status; this is the
 * other way). A body the receiver cannot take (400, 413, 415) is an invalid argument.
 */
function grpcCode(error: AppError): number {
  if (error.code === 'plan_limit_exceeded') return 8 // RESOURCE_EXHAUSTED
  switch (error.status) {
    case 400:
    case 413:
    case 415:
      return 3 // INVALID_ARGUMENT
    case 401:
      return 16 // UNAUTHENTICATED
    case 403:
      return 7 // PERMISSION_DENIED
    case 404:
      return 5 // NOT_FOUND
    case 409:
      return 10 // ABORTED
    case 422:
      return 9 // FAILED_PRECONDITION
    case 429:
      return 8 // RESOURCE_EXHAUSTED
    case 500:
      return 13 // INTERNAL
    case 503:
      return 14 // UNAVAILABLE
    default:
      return 2 // UNKNOWN
  }
}

/**
 * OTLP/HTTP's error answer: the native status, with a `google.rpc.Status` body encoded as the
 * request was (protobuf for `application/x-protobuf`, JSON otherwise). Clients retry 429, 502, 503
 * and 504 (honouring `Retry-After`, which the error handler sets) and drop the data on any other.
 */
export const renderOtlpError: ErrorRenderer = (error, c) => {
  const status = { code: grpcCode(error), message: error.message }
  if (mediaType(c) === OTLP_PROTOBUF)
    return c.body(Buffer.from(encodeProtobuf(OTLP_TYPES.status, status)), error.status as 400, {
      'content-type': OTLP_PROTOBUF,
    })
  return c.json(status, error.status as 400)
}
