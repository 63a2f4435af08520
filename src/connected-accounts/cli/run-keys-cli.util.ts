import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { InvalidEnvironmentError, loadEnvironment } from '../../config/load-environment.js';
import { KeysCliModule } from './keys-cli.module.js';

/**
 * Boots the minimal context, runs `work`, closes everything and exits with its code. Errors print their
 * message only (they name ids and counts, never key material or tokens).
 */
export function runKeysCli(name: string, work: (context: INestApplicationContext) => Promise<number>): void {
  const run = async (): Promise<number> => {
    loadEnvironment();
    const context = await NestFactory.createApplicationContext(KeysCliModule.forRoot(), { logger: ['error', 'warn'], abortOnError: false });
    try {
      return await work(context);
    } finally {
      await context.close();
    }
  };
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const hint = error instanceof InvalidEnvironmentError ? '\nSee README.md, "Configuration".' : '';
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
      process.exit(2);
    },
  );
}
