/**
 * The key ring configuration is unusable. Thrown while the app boots, so the process refuses to start.
 * Messages name key ids and positions, never key material.
 */
export class CryptoConfigException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoConfigException';
  }
}
