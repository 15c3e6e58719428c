/**
 * Errors the service layer raises for the HTTP layer to render. They carry an HTTP status as plain
 * data so that src/ stays free of Fastify; messages are user-facing and never hold a secret.
 */
export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** The AWS (or other) error code behind this, for logs and clients. */
    readonly code?: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** The request is wrong in a way the schema could not see (e.g. two connection forms at once). */
export class BadInputError extends ServiceError {
  constructor(message: string) {
    super(400, message)
  }
}

/** AWS answered with an error we cannot turn into a result. */
export class UpstreamError extends ServiceError {
  constructor(message: string, code?: string) {
    super(502, message, code)
  }
}

/** AWS did not answer in time. */
export class UpstreamTimeoutError extends ServiceError {
  constructor(message: string, code?: string) {
    super(504, message, code)
  }
}
