/**
 * How large a figure Campaign Kit accepts, so that sums over many rows, squares in the statistics
 * and forecasts stay finite: a value beyond these is refused (or listed as bad data), never turned
 * into Infinity or NaN in an output.
 */

/** The largest amount of money (a bid, a budget, in currency units) sent to an ad platform. */
export const MONEY_LIMIT = 1_000_000_000;
export const MONEY_LIMIT_TEXT = '1,000,000,000';

/** The largest count or amount (spend, clicks, impressions, revenue) one row of a report may hold, either sign. */
export const FIGURE_LIMIT = 1e12;
export const FIGURE_LIMIT_TEXT = '1,000,000,000,000';
