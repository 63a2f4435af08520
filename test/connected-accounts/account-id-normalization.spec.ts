import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ParseAccountIdPipe } from '../../src/connected-accounts/parse-account-id.pipe.js';
import { AccountPathDto } from '../../src/vaults/dto/connect-ref.dto.js';

/** Postgres matches a uuid in any case; the edge hands every later step one spelling per account. */
describe('account ids are lower-cased at the edge', () => {
  const id = '7D3C2A10-5B6E-4F7A-8C9D-0E1F2A3B4C5D';

  it('ParseAccountIdPipe: a uuid in any case comes out in lower case; anything else is refused', async () => {
    const pipe = new ParseAccountIdPipe();
    await expect(pipe.transform(id, { type: 'param', data: 'accountId' })).resolves.toBe(id.toLowerCase());
    await expect(pipe.transform('not-a-uuid', { type: 'param', data: 'accountId' })).rejects.toThrow();
  });

  it('AccountPathDto (vault, item and file routes): accountId in lower case, still validated as a uuid', () => {
    const path = plainToInstance(AccountPathDto, { accountId: id });
    expect(validateSync(path)).toEqual([]);
    expect(path.accountId).toBe(id.toLowerCase());
    expect(validateSync(plainToInstance(AccountPathDto, { accountId: 'not-a-uuid' }))).toHaveLength(1);
  });
});
