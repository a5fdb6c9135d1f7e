/** The Bid Optimizer's algorithms: plain functions of rows in, decisions out. No n8n here. */
export { optimizeKeywords, resolveKeywordSettings, boundedBidCents, entityTypeOf, type KeywordRow, type KeywordSettings, type KeywordSettingsInput } from './keywords';
export { harvestSearchTerms, resolveSearchTermSettings, normaliseTerm, type SearchTermRow, type SearchTermSettingsInput } from './searchTerms';
export { reallocateBudgets, resolveBudgetSettings, type AdSetRow, type BudgetSettingsInput } from './metaBudgets';
export { budgetAlerts, resolveBudgetGuard } from './budgetGuard';
export { shrink, groupPriors } from './shrinkage';
export { BidSettingsError } from './errors';
export type { Action, BudgetAlert, Decision, OptimizerResult, Projection, RuleName, Summary } from './types';
