import type { DenialCode } from '../../licensing/denials.js';

/**
 * What a denial reason usually means for the producer and its customer, and what to do about
 * it: the insight and the opportunity the denials report's insight table prints per reason.
 */
export const DENIAL_ADVICE: Record<DenialCode, { meaning: string; action: string }> = {
  7: {
    meaning: 'Demand is above what the license grants: every count was in use when users asked.',
    action: 'Buy more: offer the account more counts, a larger plan or on-demand capacity (see the accounts that would buy more).',
  },
  10: {
    meaning: 'Users asked for a feature whose license has not started yet.',
    action: 'Check the dates: move the start date if the license should already be in force, or tell users when it starts.',
  },
  11: {
    meaning: 'Users still need a feature whose license has ended: revenue lost to a missed renewal.',
    action: 'Renew: bring in the renewals team, send renewal reminders or turn on automatic renewal.',
  },
  12: {
    meaning: 'Users run a newer version than the license entitles.',
    action: 'Fix the configuration or entitle the version: upgrade the license to the version in use, or point the clients at the licensed version.',
  },
  15: {
    meaning: 'Users asked for a feature this server does not serve: a product outside their plan, or a client set up wrongly.',
    action: 'Fix the configuration, or entitle the feature: a cross-sell when the users need it.',
  },
  51: {
    meaning: 'The client sent a malformed request: not a refusal, and never counted.',
    action: 'Fix the client.',
  },
  58: {
    meaning: 'Metered use would have gone past its cap.',
    action: 'Raise the cap, or allow overage billed on use.',
  },
  67: {
    meaning: "The server's checkout filter refused the device or user.",
    action: 'Fix the checkout filter if it refuses devices or users it should serve.',
  },
  80: {
    meaning: 'The rules of access kept the device out of every pool that has the feature.',
    action: 'Adjust the rules of access (the pools and their conditions), or add counts to the pool that is short.',
  },
  81: {
    meaning: "A device or user reached the most a rule of access lets it hold.",
    action: "Adjust the rule's per-device or per-user maximum if that use is legitimate.",
  },
};
