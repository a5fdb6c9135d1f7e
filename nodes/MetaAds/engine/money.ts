/**
 * Meta takes budgets and bid amounts in the account currency's smallest unit: cents for USD and
 * EUR (offset 100), whole units for currencies without a minor unit in Meta's currency table
 * (offset 1). Items carry money in currency units (the project's rule), converted at the edge.
 */
const OFFSET_ONE = new Set(['CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND']);

export const currencyOffset = (currency: string | undefined): number => (currency && OFFSET_ONE.has(currency.toUpperCase()) ? 1 : 100);

export const toMinorUnits = (amount: number, offset: number): number => Math.round(amount * offset);

export const fromMinorUnits = (value: unknown, offset: number): number | null => {
	const n = Number(value);
	return value === undefined || value === null || value === '' || !Number.isFinite(n) ? null : n / offset;
};
