import type { SimulatorSeed } from './simulator-seed.types.js';
import type { SimulatorStore } from './simulator-store.js';
import type { TokenRegistry } from './token-registry.js';

/** Loads a seed: vaults with their items and files, then plain tokens whose scopes name vaults by id, name or `*`. */
export function applySeed(seed: SimulatorSeed, store: SimulatorStore, tokens: TokenRegistry): void {
  if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) throw new Error('Invalid seed: expected an object with "vaults" and "tokens"');
  for (const vaultSeed of seed.vaults ?? []) {
    if (typeof vaultSeed?.name !== 'string') throw new Error('Invalid seed: every vault needs a "name"');
    const vault = store.addVault(vaultSeed);
    (vaultSeed.items ?? []).forEach((itemSeed, index) => {
      try {
        store.createItem(vault.id, itemSeed);
      } catch (error) {
        const where = `vault "${vault.name}" item ${index} ("${itemSeed?.title ?? ''}")`;
        throw new Error(`Invalid seed: ${where}: ${(error as Error).message}`, { cause: error });
      }
    });
  }
  for (const tokenSeed of seed.tokens ?? []) {
    if (typeof tokenSeed?.token !== 'string' || typeof tokenSeed.vaults !== 'object') {
      throw new Error('Invalid seed: every token needs a "token" string and a "vaults" object');
    }
    const vaults = Object.fromEntries(
      Object.entries(tokenSeed.vaults).map(([key, permissions]) => {
        if (key === '*') return [key, permissions];
        const vault = store.findVault(key);
        if (!vault) throw new Error(`Invalid seed: token "${tokenSeed.token}" names unknown vault "${key}"`);
        return [vault.id, permissions];
      }),
    );
    tokens.register(tokenSeed.token, vaults);
  }
}
