import { type ArgumentMetadata, Injectable, ParseUUIDPipe } from '@nestjs/common';

/** ParseUUIDPipe, then lower case: Postgres matches a uuid in any case, so one account has one spelling from here on. */
@Injectable()
export class ParseAccountIdPipe extends ParseUUIDPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<string> {
    // Not optional, so ParseUUIDPipe returns a uuid string or throws.
    return ((await super.transform(value, metadata)) as string).toLowerCase();
  }
}
