import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { moveOptionalExamplesToDescriptions } from './openapi-try-it-out.util.js';

/** Tag order as an admin meets them; every route must use one of these tags. */
export const API_TAGS = [
  { name: 'Connected accounts', description: 'Connect Server URL + token pairs, stored encrypted' },
  { name: 'Vaults', description: 'Retrieve vaults from 1Password' },
  { name: 'Items', description: 'Retrieve, create, update and delete vault items' },
  { name: 'Files', description: 'Files attached to items' },
  { name: 'Actions', description: 'The Wrk Actions catalog' },
  { name: 'Audit', description: 'The tamper-evident record of every request' },
  { name: 'Admin', description: 'Tenants and API keys' },
];

export function setupSwagger(app: INestApplication): void {
  const builder = new DocumentBuilder()
    .setTitle('wrk-onepassword')
    .setDescription('Run 1Password Connect actions for Wrk workflows. Authenticate with `Authorization: Bearer <API key>` (the Authorize button, scheme `api-key`).')
    .setVersion('1.0')
    // Relative: Swagger UI calls the origin it was loaded from (an empty list fails OpenAPI linters).
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A tenant API key (wrk_...)' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'PLATFORM_API_KEY (tenant creation only)' }, 'platform-key');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const config = builder.build();
  // Built on the first visit of /docs or /docs-json, then kept: 6-8 MB less RSS for a service nobody browses.
  const document = () => {
    const built = moveOptionalExamplesToDescriptions(SwaggerModule.createDocument(app, config));
    // A declared tag without routes (yet) would show as an empty section.
    const used = new Set(Object.values(built.paths).flatMap((item) => Object.values(item ?? {}).flatMap((op) => (op as { tags?: string[] })?.tags ?? [])));
    built.tags = built.tags?.filter((tag) => used.has(tag.name));
    return built;
  };
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, tagsSorter: undefined, operationsSorter: undefined, displayRequestDuration: true },
  });
}
