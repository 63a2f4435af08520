import { getMetadataStorage, IsInt, IsString, Length, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from '../../src/common/http/validation-metadata.cache.js';

class Base {
  @IsString()
  name!: string;
}

class Child extends Base {
  @Length(1, 3)
  code!: string;
}

const child = (props: Partial<Child & { extra: unknown }>) => Object.assign(new Child(), props);
const failing = (object: object) => validateSync(object).map((e) => e.property).sort();

describe('memoizeValidationMetadata', () => {
  const storage = getMetadataStorage();
  const lookup = () => storage.getTargetValidationMetadatas(Child, '', false, false);

  beforeAll(() => memoizeValidationMetadata());

  it("resolves a class's own and inherited rules once, then answers from memory", () => {
    expect(failing(child({ name: 'ok', code: 'abc' }))).toEqual([]);
    expect(failing(child({ name: 42 as unknown as string, code: 'toolong' }))).toEqual(['code', 'name']);
    const first = lookup();
    expect(first.map((m) => m.propertyName).sort()).toEqual(['code', 'name']);
    expect(lookup()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // Other arguments are other entries.
    expect(storage.getTargetValidationMetadatas(Child, '', false, false, ['admin'])).not.toBe(first);
  });

  it('forgets what it knew when a rule is registered later, on the class or an ancestor', () => {
    const before = lookup();
    IsInt()(Base.prototype, 'extra');
    const after = lookup();
    expect(after).not.toBe(before);
    expect(after.map((m) => m.propertyName).sort()).toEqual(['code', 'extra', 'name']);
    expect(failing(child({ name: 'ok', code: 'abc', extra: 'not a number' }))).toEqual(['extra']);
  });

  it('wraps the storage once, however often it is asked', () => {
    const wrapped = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(wrapped);
  });
});
