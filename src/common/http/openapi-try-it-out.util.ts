import type { OpenAPIObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

const isReference = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value;

/** Where an optional parameter's pre-filled example would change what a request does. */
const PREFILLED_LOCATIONS = new Set(['query', 'header']);

/**
 * Swagger UI's "Try it out" fills every parameter's input with its example, and sends whatever is filled: an
 * optional filter's example narrows the result, a sample cursor answers 400, a sample Idempotency-Key or If-Match
 * makes the next request fail. Optional query and header parameters therefore show their example in the
 * description instead; required ones (path ids) keep it, as a value to replace.
 */
export function moveOptionalExamplesToDescriptions(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      const parameters = (operation as { parameters?: (ParameterObject | ReferenceObject)[] } | undefined)?.parameters;
      if (!Array.isArray(parameters)) continue;
      for (const parameter of parameters) {
        if (isReference(parameter) || !PREFILLED_LOCATIONS.has(parameter.in) || parameter.required) continue;
        const schema = isReference(parameter.schema) ? undefined : (parameter.schema as SchemaObject | undefined);
        const example: unknown = parameter.example ?? schema?.example;
        if (example === undefined) continue;
        delete parameter.example;
        if (schema) delete schema.example;
        const shown = typeof example === 'string' ? example : JSON.stringify(example);
        parameter.description = `${parameter.description ? `${parameter.description}\n\n` : ''}Example: \`${shown}\``;
      }
    }
  }
  return document;
}
