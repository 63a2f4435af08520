import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app-exception.js';
import { ErrorCode } from '../common/errors/error-code.enum.js';
import { ACTION_DEFINITIONS, type ActionDefinition } from './action-definitions.js';
import type { ActionCatalogDto, ActionDto } from './dto/action.dto.js';
import { JSON_SCHEMA_DIALECT, jsonSchemaOf, nullSchema } from './json-schema.util.js';
import { restRouteOf, type RestRouteFacts } from './rest-route.util.js';

/** An action with what it takes over from its REST route. */
export interface CatalogEntry {
  definition: ActionDefinition;
  rest: RestRouteFacts;
}

export const actionsBasePath = 'v1/actions';
export const runPathOf = (key: string): string => `/${actionsBasePath}/${key}/run`;

function entryOf(definition: ActionDefinition): CatalogEntry {
  const rest = restRouteOf(definition.rest.controller, definition.rest.handler);
  if (rest.audit.action !== definition.key) {
    throw new Error(`Action ${definition.key} mirrors a route audited as ${rest.audit.action}: keys must be the audit action keys`);
  }
  return { definition, rest };
}

/** Every action by key, resolved once when the module loads (a definition that does not match its REST route fails start-up). */
export const CATALOG_ENTRIES: ReadonlyMap<string, CatalogEntry> = new Map(ACTION_DEFINITIONS.map((definition) => [definition.key, entryOf(definition)]));

export function actionNotFound(key: string): AppException {
  return new AppException(ErrorCode.ACTION_NOT_FOUND, `No action has the key "${key.slice(0, 100)}"; GET /v1/actions lists them`, {
    keys: [...CATALOG_ENTRIES.keys()],
  });
}

/** The Wrk Actions catalog: what GET /v1/actions shows, JSON Schemas included (built once, on first use). */
@Injectable()
export class ActionCatalog {
  private described?: ActionDto[];

  entry(key: string): CatalogEntry {
    const entry = CATALOG_ENTRIES.get(key);
    if (!entry) throw actionNotFound(key);
    return entry;
  }

  list(): ActionCatalogDto {
    return { schemaDialect: JSON_SCHEMA_DIALECT, data: this.describeAll(), nextCursor: null };
  }

  get(key: string): ActionDto {
    const found = this.describeAll().find((action) => action.key === key);
    if (!found) throw actionNotFound(key);
    return found;
  }

  private describeAll(): ActionDto[] {
    this.described ??= [...CATALOG_ENTRIES.values()].map(describeAction);
    return this.described;
  }
}

function describeAction({ definition, rest }: CatalogEntry): ActionDto {
  return {
    key: definition.key,
    name: definition.name,
    description: definition.description,
    requiredRoles: rest.roles,
    readOnly: rest.readOnly,
    paginated: definition.paginated === true,
    run: { method: 'POST', path: runPathOf(definition.key) },
    restRoute: { method: rest.method, path: rest.path },
    inputSchema: jsonSchemaOf(definition.input, { closed: true }),
    outputSchema: definition.output ? jsonSchemaOf(definition.output, { closed: false }) : nullSchema('The action returns nothing: output is null'),
    exampleInput: definition.exampleInput,
  };
}
