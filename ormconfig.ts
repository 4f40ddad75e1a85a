import { readConfig, loadDotEnv } from './src/config/config';
import { createDataSource } from './src/database/data-source';

// The DataSource the TypeORM CLI uses (`npm run migration:run`): the same settings as the CLI.
loadDotEnv();
const config = readConfig();
export default createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
