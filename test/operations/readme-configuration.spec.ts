import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/compiled-build.js';
import { environmentVariables } from './support/environment-variables.js';

interface Row {
  name: string;
  default: string;
}

/** The rows of the table under README's "## Configuration" heading. */
function configurationTable(): Row[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => /^\|\s*`[A-Z0-9_]+`\s*\|/.test(line))
    .map((line) => {
      const [name, defaultCell] = line.split('|').slice(1, 3).map((cell) => cell.trim());
      return { name: name.replace(/`/g, ''), default: defaultCell };
    });
}

describe('README configuration table', () => {
  const rows = configurationTable();
  const schema = environmentVariables();

  it('lists exactly the variables of EnvironmentSchema, once each', () => {
    const names = rows.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(schema.map((variable) => variable.name).sort());
  });

  it("gives each variable the schema's default (a variable without one is not shown with a value)", () => {
    for (const variable of schema) {
      const row = rows.find((r) => r.name === variable.name);
      if (!row) continue;
      if (variable.default !== undefined) expect([variable.name, row.default]).toEqual([variable.name, `\`${variable.default}\``]);
      else expect([variable.name, row.default]).toEqual([variable.name, expect.not.stringMatching(/^`.*`$/)]);
    }
  });
});
