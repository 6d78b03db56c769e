import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Native modules (SQLCipher, keytar) are safest in separate processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // trpc-electron is inlined so the mocked `electron` module reaches it in shell tests.
    server: { deps: { inline: ['trpc-electron'] } },
  },
});
