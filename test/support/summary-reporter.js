// Ends every run with one plain line, `N passed, N failed`, that CI reads. Under `npm test`
// (scripts/test.js) the line goes to the file EPICEVENTS_TEST_SUMMARY names, and the script prints
// it after everything else, Jest's own last words included.
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numRuntimeErrorTestSuites;
    const failed = results.numFailedTests + failedSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (process.env.EPICEVENTS_TEST_SUMMARY) fs.writeFileSync(process.env.EPICEVENTS_TEST_SUMMARY, `${line}\n`);
    else process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
