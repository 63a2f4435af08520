import { Injectable } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { Principal } from '../common/auth/principal.js';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { createValidationPipe } from '../common/http/validation.pipe.js';
import { ConnectedAccountsService } from '../connected-accounts/connected-accounts.service.js';
import { FilesService } from '../files/files.service.js';
import { ItemsService } from '../items/items.service.js';
import { validationFailed } from '../vaults/connect-ref.util.js';
import { VaultsService } from '../vaults/vaults.service.js';
import { ActionCatalog } from './action-catalog.js';
import { allPagesByDefault } from './all-pages.util.js';
import type { ActionDefinition, ActionServices, AnnotateRun } from './action-definitions.js';
import type { RunActionRequestDto, RunActionResponseDto } from './dto/run-action.dto.js';

/**
 * Runs an action: validates `input` with the action's DTO and the application's validation pipe (same rules,
 * same 400 VALIDATION_FAILED problems, unknown properties refused), then calls the same service method as the
 * REST route. Roles are checked by the auth guard on the action's run route; checked again here.
 */
@Injectable()
export class ActionRunner {
  private readonly validation = createValidationPipe();
  private readonly services: ActionServices;

  constructor(
    private readonly catalog: ActionCatalog,
    vaults: VaultsService,
    items: ItemsService,
    files: FilesService,
    accounts: ConnectedAccountsService,
  ) {
    this.services = { vaults, items, files, accounts };
  }

  async run(key: string, principal: Principal, request: RunActionRequestDto, annotate: AnnotateRun): Promise<RunActionResponseDto> {
    const { definition, rest } = this.catalog.entry(key);
    if (!rest.roles.includes(principal.role)) {
      throw new AppException(ErrorCode.FORBIDDEN, `This action needs one of the roles: ${rest.roles.join(', ')}; the key has role ${principal.role}`);
    }
    try {
      const input = await this.validate(definition, request.input ?? {});
      const output = await definition.run(this.services, principal, request.connectedAccountId, definition.paginated ? allPagesByDefault(input) : input, annotate);
      return { output: output === undefined ? null : output };
    } catch (error) {
      throw withinInput(error);
    }
  }

  private async validate(definition: ActionDefinition, input: Record<string, unknown>): Promise<object> {
    const constrained = getMetadataStorage().getTargetValidationMetadatas(definition.input, '', true, false).length > 0;
    if (!constrained) {
      // A DTO without properties (class-validator would refuse it as an unknown value): only `{}` is valid.
      const [extra] = Object.keys(input);
      if (extra !== undefined) throw validationFailed(extra, `property ${extra} should not exist`);
      return new definition.input();
    }
    return (await this.validation.transform(input, { type: 'body', metatype: definition.input, data: undefined })) as object;
  }
}

/** Validation problems name properties of `input` (`input.vaultId`), as the run's body nests them. */
function withinInput(error: unknown): unknown {
  if (!(error instanceof AppException) || error.code !== ErrorCode.VALIDATION_FAILED) return error;
  const problems = error.details?.problems;
  if (!Array.isArray(problems)) return error;
  const nested = problems.map((problem: { property?: unknown }) =>
    typeof problem?.property === 'string' ? { ...problem, property: `input.${problem.property}` } : problem,
  );
  return new AppException(error.code, error.message, { ...error.details, problems: nested }, error.headers);
}
