/*
 * A new client secret's lifetime: 180 days by default (Microsoft recommends short-lived secrets), at most 730, the
 * longest the Entra admin center offers (24 months). A tenant's app management policy may cap it lower; Graph's
 * refusal says so.
 */
export const DEFAULT_SECRET_LIFETIME_DAYS = 180;
export const MAX_SECRET_LIFETIME_DAYS = 730;
