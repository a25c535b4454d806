import { randomBytes } from 'node:crypto';
import { createSoftwareKeyStore } from '../../src/keystores/software/software-key-store.js';
import { pooledRandom } from '../../src/shared/random.js';
import { keyStoreConformance } from './keystore-suite.js';

keyStoreConformance('software', async () => createSoftwareKeyStore(randomBytes(32), pooledRandom()));
