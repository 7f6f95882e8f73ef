/** The environment the sample app reads, validated at boot. */
export interface SampleEnv {
  PORT: number;
  ZUMRAILS_ENVIRONMENT?: 'sandbox' | 'production';
  ZUMRAILS_BASE_URL?: string;
  ZUMRAILS_USERNAME: string;
  ZUMRAILS_PASSWORD: string;
}

/** `ConfigModule.forRoot({ validate })`: fails the boot with every problem listed at once. */
export function validateEnv(raw: Record<string, unknown>): SampleEnv {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = raw[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const environment = text('ZUMRAILS_ENVIRONMENT');
  const baseUrl = text('ZUMRAILS_BASE_URL');
  if (environment && environment !== 'sandbox' && environment !== 'production') {
    problems.push('ZUMRAILS_ENVIRONMENT must be "sandbox" or "production"');
  }
  if (!environment === !baseUrl)
    problems.push('set exactly one of ZUMRAILS_ENVIRONMENT or ZUMRAILS_BASE_URL');
  const username = text('ZUMRAILS_USERNAME');
  const password = text('ZUMRAILS_PASSWORD');
  if (!username) problems.push('ZUMRAILS_USERNAME is required');
  if (!password) problems.push('ZUMRAILS_PASSWORD is required');
  const port = Number(text('PORT') ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    problems.push('PORT must be a port number');
  if (problems.length > 0)
    throw new Error(`Invalid sample-app configuration:\n- ${problems.join('\n- ')}`);
  return {
    PORT: port,
    ZUMRAILS_ENVIRONMENT: environment as SampleEnv['ZUMRAILS_ENVIRONMENT'],
    ZUMRAILS_BASE_URL: baseUrl,
    ZUMRAILS_USERNAME: username!,
    ZUMRAILS_PASSWORD: password!,
  };
}
