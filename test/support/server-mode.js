// The `server mode` project of jest.config.js: the test files it runs send every command through a real `epicevents serve` (test-database.ts).
process.env.EPICEVENTS_TEST_MODE = 'server';
