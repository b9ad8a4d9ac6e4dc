// Filled in by the registry commit.
