/** The settings of one Zum Rails API user, read from `<prefix>_*` variables. */
export interface AccountEnv {
  environment?: 'sandbox' | 'production';
  baseUrl?: string;
  username: string;
  password: string;
}

/** The environment the sample app reads, validated at boot. */
export interface SampleEnv {
  PORT: number;
  /** `ZUMRAILS_*`: the default account. */
  zumrails: AccountEnv;
  /** `ZUMRAILS_PAYOUTS_*`: a second API user, the named account `payouts`. */
  payouts: AccountEnv;
  /** `ZUMRAILS_WEBHOOK_SECRET`: the portal's Webhook Secret, for POST /webhooks/zumrails. */
  webhookSecret: string;
}

type Text = (name: string) => string | undefined;

function accountEnv(text: Text, prefix: string, problems: string[]): AccountEnv {
  const environment = text(`${prefix}_ENVIRONMENT`);
  const baseUrl = text(`${prefix}_BASE_URL`);
  if (environment && environment !== 'sandbox' && environment !== 'production') {
    problems.push(`${prefix}_ENVIRONMENT must be "sandbox" or "production"`);
  }
  if (!environment === !baseUrl)
    problems.push(`set exactly one of ${prefix}_ENVIRONMENT or ${prefix}_BASE_URL`);
  const username = text(`${prefix}_USERNAME`);
  const password = text(`${prefix}_PASSWORD`);
  if (!username) problems.push(`${prefix}_USERNAME is required`);
  if (!password) problems.push(`${prefix}_PASSWORD is required`);
  return {
    environment: environment as AccountEnv['environment'],
    baseUrl,
    username: username!,
    password: password!,
  };
}

/** `ConfigModule.forRoot({ validate })`: fails the boot with every problem listed at once. */
export function validateEnv(raw: Record<string, unknown>): SampleEnv {
  const problems: string[] = [];
  const text: Text = (name) => {
    const value = raw[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const zumrails = accountEnv(text, 'ZUMRAILS', problems);
  const payouts = accountEnv(text, 'ZUMRAILS_PAYOUTS', problems);
  const webhookSecret = text('ZUMRAILS_WEBHOOK_SECRET');
  if (!webhookSecret)
    problems.push("ZUMRAILS_WEBHOOK_SECRET is required (the portal's Webhook Secret)");
  const port = Number(text('PORT') ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    problems.push('PORT must be a port number');
  if (problems.length > 0)
    throw new Error(`Invalid sample-app configuration:\n- ${problems.join('\n- ')}`);
  return { PORT: port, zumrails, payouts, webhookSecret: webhookSecret! };
}
