import { storageSuite } from './suite.js';
import { withDirectory } from './harness.js';

storageSuite('directory', () => withDirectory(), { conditionalWrites: true });
