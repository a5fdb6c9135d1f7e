/** The e2e-n8n1 project's n8n: 1.123.x on Node 22 (host-1.123/), started as the e2e project's is. */
import { startE2eHost } from '../e2e/global-setup';

export default function globalSetup() {
	return startE2eHost('1.123');
}
