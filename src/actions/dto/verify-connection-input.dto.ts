/**
 * Input of "Verify 1Password connection": nothing beyond the run's `connectedAccountId` (an empty object, or
 * no `input` at all). Any property is refused, like every unknown property.
 */
export class VerifyConnectionInputDto {}
