// Filled in by the locked-app commit.
