import { AxiosError, isAxiosError, type AxiosResponse } from 'axios';
import { PassThrough, type Readable } from 'node:stream';

/**
 * The body a caller gets for `responseType: 'stream'`: the same bytes, but an error the body
 * emits (axios' "maxContentLength exceeded", the overall deadline, a reset) reaches the caller
 * as `scrub` made it. axios' own error carries the request config, with the bearer in
 * `config.headers`, the request body and the raw request (`request._header`).
 * Destroying the returned stream destroys the source (the socket goes too).
 */
export function guardStreamBody(
  response: AxiosResponse,
  scrub: (error: AxiosError) => Error,
): AxiosResponse {
  const source = response.data as Readable;
  const body = new PassThrough();
  source.on('error', (error: unknown) => {
    body.destroy(scrub(asAxiosError(error, response)));
  });
  body.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(body);
  response.data = body;
  return response;
}

/** An error of the body as an AxiosError of this request (a reset is a plain Error). */
function asAxiosError(error: unknown, response: AxiosResponse): AxiosError {
  return isAxiosError(error) ? error : AxiosError.from(error, undefined, response.config);
}

/** Whether this answer's body is a stream the caller reads (not buffered by axios). */
export function isStreamResponse(response: AxiosResponse): boolean {
  return (
    response.config.responseType === 'stream' &&
    typeof (response.data as { pipe?: unknown } | null)?.pipe === 'function'
  );
}
