import { ValidateBy, type ValidationOptions } from 'class-validator';

export const MAX_CONNECT_URL_LENGTH = 2048;
export const MAX_CONNECT_TOKEN_LENGTH = 4096;
/** Visible ASCII only: no whitespace or control characters (which could also split an HTTP header). */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/** Why a Connect Server URL is refused, or undefined when it is acceptable. */
export function connectUrlProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  // A cheap bound before parsing; the one that matters is on the normalized form, below.
  if (value.length === 0 || value.length > MAX_CONNECT_URL_LENGTH) return `must be 1-${MAX_CONNECT_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (!url.hostname) return 'must name a host';
  // Credentials in a URL would be stored in clear and sent as Basic auth next to the token.
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  // Percent-encoding can make the stored form longer than the input (é becomes %C3%A9); the column holds 2048.
  if (normalizedForm(url).length > MAX_CONNECT_URL_LENGTH) return `must be at most ${MAX_CONNECT_URL_LENGTH} characters once normalized (percent-encoded)`;
  return undefined;
}

/** Origin plus path, without a trailing slash: the form stored and shown. */
export function normalizeConnectUrl(value: string): string {
  return normalizedForm(new URL(value));
}

function normalizedForm(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function IsConnectServerUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isConnectServerUrl',
      validator: {
        validate: (value: unknown) => connectUrlProblem(value) === undefined,
        // The reason only, never the value.
        defaultMessage: (args) => `${args?.property ?? 'connectServerUrl'} ${connectUrlProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** A Connect access token: 1-4096 visible ASCII characters. Messages never echo it. */
export function IsConnectToken(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isConnectToken',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= MAX_CONNECT_TOKEN_LENGTH && TOKEN_CHARACTERS.test(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'connectToken'} must be a string of 1-${MAX_CONNECT_TOKEN_LENGTH} visible ASCII characters without whitespace`,
      },
    },
    options,
  );
}
