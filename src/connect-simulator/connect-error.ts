/** An error answered to the client as the Connect `{status, message}` body. */
export class ConnectError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ConnectError';
  }

  static badRequest(message: string): ConnectError {
    return new ConnectError(400, message);
  }
}
