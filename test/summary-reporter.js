// Prints the plain closing line CI reads ("jest: N passed, N failed, N skipped").
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
		console.log(`jest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`);
	}
}
module.exports = SummaryReporter;
