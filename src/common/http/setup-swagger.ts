import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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
    .setDescription('Run 1Password Connect actions for Wrk workflows. Authenticate with "Authorization: Bearer <API key>".')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A tenant API key (wrk_...)' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'PLATFORM_API_KEY (tenant creation only)' }, 'platform-key');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, tagsSorter: undefined, operationsSorter: undefined, displayRequestDuration: true },
  });
}
