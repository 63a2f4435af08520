/** `npm start` as words: `[NAME=value ...] [exec] node [flags] <entry>` (`exec`: npm's signals reach node itself). */
export interface StartScript {
  /** Variables the script sets for the process (C library settings, not the service's configuration). */
  env: Record<string, string>;
  node: string;
  nodeFlags: string[];
  entry: string;
}

export function parseStartScript(script: string): StartScript {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const word = words.shift()!;
    const equals = word.indexOf('=');
    env[word.slice(0, equals)] = word.slice(equals + 1);
  }
  if (words[0] === 'exec') words.shift();
  if (words.length < 2) throw new Error(`the start script "${script}" is not "[NAME=value ...] [exec] node [flags] <entry>"`);
  return { env, node: words[0], nodeFlags: words.slice(1, -1), entry: words.at(-1)! };
}
