import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { reportItems } from './actions/report';
import { properties } from './description';

export class CampaignReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Campaign Report',
		name: 'campaignReport',
		icon: { light: 'file:campaignReport.svg', dark: 'file:campaignReport.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ ({ rows: "KPI rows", alerts: "Alerts", csv: "CSV file", html: "HTML report", report: "Full report" })[$parameter["output"]] }}',
		description:
			'Turn ad and email metrics into KPIs per channel and campaign (CTR, CPC, CPA, ROAS, ACoS, open and bounce rates), with period-over-period changes, budget pacing, alerts, unusual days and a short forecast, as items, CSV or an email-ready HTML report',
		defaults: { name: 'Campaign Report' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await reportItems(this);
	}
}
