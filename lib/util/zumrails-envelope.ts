/** Wire shapes of the Zum Rails API (PascalCase `result` fields as the vendor sends them). */
export interface ZumRailsEnvelope<TResult = unknown> {
  statusCode?: number;
  message?: string;
  isError?: boolean;
  result?: TResult;
  responseException?: { exceptionMessage?: string | Record<string, unknown> };
}

/** `result` of a successful `POST /api/authorize`; unknown extra fields are ignored. */
export interface AuthorizeResultWire {
  Token?: unknown;
  Role?: unknown;
  CustomerId?: unknown;
  CompanyName?: unknown;
  CustomerType?: unknown;
  Username?: unknown;
}

/** Parses a body as a Zum Rails envelope; undefined when it is not a JSON object. */
export function parseEnvelope(body: unknown): ZumRailsEnvelope | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as ZumRailsEnvelope)
    : undefined;
}

/** The vendor's human-readable error text, whether `exceptionMessage` is a string or an object. */
export function describeEnvelopeError(envelope: ZumRailsEnvelope): string | undefined {
  const exception = envelope.responseException?.exceptionMessage;
  if (typeof exception === 'string') return exception;
  if (exception && typeof exception.title === 'string') return exception.title;
  return typeof envelope.message === 'string' ? envelope.message : undefined;
}
