import { IsIn, IsInt, IsOptional, IsString } from 'class-validator';
import { AppException } from '../../src/common/errors/app-exception.js';
import { createValidationPipe } from '../../src/common/http/validation.pipe.js';

class OptionalQuery {
  @IsOptional() @IsIn(['id', 'title'])
  by?: string;

  @IsInt()
  page = 1;
}

class RequiredQuery {
  @IsString()
  name!: string;
}

const query = (metatype: new () => unknown) => ({ type: 'query' as const, metatype });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppException ? error.code : `threw ${String(error)}`),
  );

describe('createValidationPipe', () => {
  it('answers an empty query a class accepted with a new instance each time', async () => {
    const pipe = createValidationPipe();
    const validate = jest.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    const first = await pipe.transform({}, query(OptionalQuery));
    const second = await pipe.transform({}, query(OptionalQuery));
    expect(validate).toHaveBeenCalledTimes(1);
    expect(first).toBeInstanceOf(OptionalQuery);
    expect(second).toBeInstanceOf(OptionalQuery);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(second).toEqual(Object.assign(new OptionalQuery(), { page: 1 }));
  });

  it('still validates every query that is not empty, after an empty one was accepted', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, query(OptionalQuery));
    await expect(codeOf(pipe.transform({ by: 'name' }, query(OptionalQuery)))).resolves.toBe('VALIDATION_FAILED');
    await expect(codeOf(pipe.transform({ extra: '1' }, query(OptionalQuery)))).resolves.toBe('VALIDATION_FAILED');
    await expect(pipe.transform({ by: 'title' }, query(OptionalQuery))).resolves.toEqual(Object.assign(new OptionalQuery(), { by: 'title' }));
  });

  it('rejects an empty query every time for a class that needs a property', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 3; i++) await expect(codeOf(pipe.transform({}, query(RequiredQuery)))).resolves.toBe('VALIDATION_FAILED');
  });

  it('validates empty bodies and path parameters in full', async () => {
    const pipe = createValidationPipe();
    for (const type of ['body', 'param'] as const) {
      await expect(codeOf(pipe.transform({}, { type, metatype: RequiredQuery }))).resolves.toBe('VALIDATION_FAILED');
    }
  });
});
